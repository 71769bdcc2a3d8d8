// libFuzzer target: GUI script files (parse_script), as diffusion-lab --script FILE reads them.
#include <stdexcept>
#include <string>

#if __has_include("app/gui/state/script.h")
#include "app/gui/state/script.h"
#else
#include "app/gui/script.h"
#endif
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace dlab::fuzz;
  try {
    const auto commands =
        dlab::gui::parse_script(std::string(reinterpret_cast<const char*>(data), size), "in.txt");
    for (const auto& command : commands) {
      // The app converts numeric arguments with std::stoi (wait-training: std::stoll); they must convert.
      const bool is_int = command.name == "wait" || command.name == "step" || command.name == "click";
      for (const auto& arg : command.args) {
        try {
          if (is_int) std::stoi(arg);
          if (command.name == "wait-training") std::stoll(arg);
        } catch (const std::exception&) {
          check(false, "a numeric argument the parser accepted converts");
        }
      }
    }
  } catch (const std::runtime_error& e) {
    check_message(e.what());
  }
  return 0;
}
