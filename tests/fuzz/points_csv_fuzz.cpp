// libFuzzer target: CSV points (core/points_csv.h), as `dlab data --dataset FILE` reads them.
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "core/points_csv.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace dlab::fuzz;
  try {
    const auto values =
        dlab::parse_points_csv(std::string_view(reinterpret_cast<const char*>(data), size), "in.csv");
    check(!values.empty() && values.size() % 2 == 0, "an even, non-zero number of values");
    for (float v : values) check(std::isfinite(v), "finite values");
  } catch (const std::runtime_error& e) {
    check_message(e.what());
  }
  return 0;
}
