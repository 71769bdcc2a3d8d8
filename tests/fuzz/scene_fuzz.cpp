// libFuzzer target: scene files (app/gui/state/scene_file.h). Any input is either refused with one short
// SceneFileError or read into a scene that, written back, reads back to the same text.
#include <string>

#include "app/gui/state/scene_file.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace dlab::fuzz;
  const std::string file = "in.json";
  try {
    const auto scene = dlab::gui::scene_from_json(std::string(reinterpret_cast<const char*>(data), size), file);
    const std::string text = dlab::gui::scene_to_json(scene, file);
    check(dlab::gui::scene_to_json(dlab::gui::scene_from_json(text, file), file) == text, "round trip");
  } catch (const dlab::gui::SceneFileError& e) {
    check_message(e.what());
  }
  return 0;
}
