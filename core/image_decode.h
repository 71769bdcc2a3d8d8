// One image file of an image folder (core/image_datasets.h) decoded through stb_image, without LibTorch
// so that the fuzz target tests/fuzz/image_fuzz.cpp links it alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlab {

// The bytes of an image file -> size*size*channels bytes (channels 1 or 3, interleaved): centre-cropped to a
// square, then resized (stb_image_resize, a Mitchell filter when shrinking). Throws std::runtime_error naming
// `name` when the image cannot be decoded or resized.
std::vector<std::uint8_t> decode_image(std::string_view bytes, int size, int channels,
                                       const std::string& name);

}  // namespace dlab
