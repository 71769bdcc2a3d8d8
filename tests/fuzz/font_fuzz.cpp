// libFuzzer target: the font check the app runs before ImGui reads --font / DLAB_FONT
// (app/gui/state/font_file.h). It reads every offset itself, so it must never read outside the data.
#include <string>
#include <string_view>

#include "app/gui/state/font_file.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace dlab::fuzz;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int face : {0, 2}) {
    const std::string problem = dlab::gui::font_data_problem(bytes, face);
    check_message(problem);
    check(size > 0 || !problem.empty(), "an empty file refused");
  }
  return 0;
}
