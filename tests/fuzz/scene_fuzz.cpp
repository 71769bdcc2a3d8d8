// libFuzzer target: scene files (app/gui/state/scene_file.h). Any input is either refused with one short
// SceneFileError or read into a scene that, written back, reads back to the same text.
#include <string>

#include "app/gui/state/scene_file.h"
#include "app/gui/state/view_names.h"
#include "tests/fuzz/fuzz_check.h"

// The app's views register their names themselves; this target links no views.
static const bool kViewsRegistered = dlab::gui::register_view_name("points", "2D points", "", 0) &&
                                     dlab::gui::register_view_name("images", "Images", "", 1);

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace dlab::fuzz;
  check(kViewsRegistered, "views registered");
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
