// libFuzzer target: one image file of an image folder (core/image_decode.h), as load_image_folder reads it.
#include <stdexcept>
#include <string_view>

#include "core/image_decode.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace dlab::fuzz;
  const int channels = size % 2 == 0 ? 1 : 3;  // grayscale and colour folders
  try {
    const auto pixels = dlab::decode_image(std::string_view(reinterpret_cast<const char*>(data), size), 16,
                                           channels, "in.png");
    check(pixels.size() == 16u * 16u * channels, "size x size x channels bytes");
  } catch (const std::runtime_error& e) {
    check_message(e.what());
  }
  return 0;
}
