// A batch of images tiled into one picture, and PNG files (stb_image_write), written atomically.
#pragma once

#include <torch/types.h>

#include <string>

namespace dlab {

struct GridLayout {
  int columns = 0;           // 0: ceil(sqrt(N))
  int padding = 2;           // pixels between tiles and around the border
  int scale = 1;             // nearest-neighbour magnification of each pixel (28x28 images are tiny)
  float background = -1.0f;  // value of the padding, in [-1, 1]
};

// images [N, C, H, W] in [-1, 1] (C = 1 or 3) -> one image [C, H', W'] with the tiles row by row.
torch::Tensor tile_images(const torch::Tensor& images, const GridLayout& layout = {});

// Tiles and writes a PNG; values are clamped to [-1, 1] and mapped to bytes round((x + 1) 127.5).
// Throws std::runtime_error naming the path when it cannot be written, std::invalid_argument for a bad shape.
void write_image_grid_png(const std::string& path, const torch::Tensor& images,
                          const GridLayout& layout = {});
// One image [C, H, W] in [-1, 1] (C = 1 or 3) as a PNG.
void write_png(const std::string& path, const torch::Tensor& image);
// The bytes of that PNG file (for a command that writes several files all or none).
std::string encode_png(const torch::Tensor& image);
// Reads a PNG (or any stb-readable file) as [C, H, W] in [-1, 1], C the file's 1 or 3 channels
// (grey+alpha -> 1, RGBA -> 3). Throws std::runtime_error naming the file.
torch::Tensor read_png(const std::string& path);

}  // namespace dlab
