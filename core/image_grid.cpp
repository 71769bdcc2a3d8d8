#include "core/image_grid.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/atomic_file.h"
#include "core/image_datasets.h"
#include "core/text_excerpt.h"

namespace dlab {
namespace {

void check_channels(std::int64_t channels, const char* what) {
  if (channels != 1 && channels != 3)
    throw std::invalid_argument(std::string(what) + ": images must have 1 or 3 channels, got " +
                                std::to_string(channels));
}

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::string*>(context);
  out->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

torch::Tensor tile_images(const torch::Tensor& images, const GridLayout& layout) {
  if (images.dim() != 4 || images.size(0) < 1)
    throw std::invalid_argument("image grid: expected a batch [N, C, H, W] with N >= 1");
  check_channels(images.size(1), "image grid");
  if (layout.padding < 0 || layout.scale < 1 || layout.columns < 0)
    throw std::invalid_argument("image grid: columns >= 0, padding >= 0 and scale >= 1 required");
  const std::int64_t n = images.size(0), c = images.size(1);
  const std::int64_t columns = layout.columns > 0
                                   ? std::min<std::int64_t>(layout.columns, n)
                                   : static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const std::int64_t rows = (n + columns - 1) / columns;
  torch::Tensor tiles = images.detach().to(torch::kCPU, torch::kFloat);
  if (layout.scale > 1) tiles = tiles.repeat_interleave(layout.scale, 2).repeat_interleave(layout.scale, 3);
  const std::int64_t h = tiles.size(2), w = tiles.size(3), pad = layout.padding;
  auto grid =
      torch::full({c, rows * (h + pad) + pad, columns * (w + pad) + pad}, layout.background, torch::kFloat);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t top = pad + (i / columns) * (h + pad), left = pad + (i % columns) * (w + pad);
    grid.slice(1, top, top + h).slice(2, left, left + w).copy_(tiles[i]);
  }
  return grid;
}

std::string encode_png(const torch::Tensor& image) {
  if (image.dim() != 3) throw std::invalid_argument("PNG: expected one image [C, H, W]");
  check_channels(image.size(0), "PNG");
  const torch::Tensor bytes = images_to_bytes(image.unsqueeze(0))[0];  // [H, W, C] uint8
  const int height = static_cast<int>(bytes.size(0)), width = static_cast<int>(bytes.size(1));
  const int channels = static_cast<int>(bytes.size(2));
  std::string encoded;
  if (!stbi_write_png_to_func(&append_bytes, &encoded, width, height, channels,
                              bytes.data_ptr<std::uint8_t>(), width * channels))
    throw std::runtime_error("PNG encoding failed");
  return encoded;
}

void write_png(const std::string& path, const torch::Tensor& image) {
  std::string encoded;
  try {
    encoded = encode_png(image);
  } catch (const std::runtime_error& e) {  // the encoder failed; bad arguments pass through as they are
    throw std::runtime_error(path + ": " + e.what());
  }
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(encoded.data(), static_cast<std::streamsize>(encoded.size()));
  });
}

void write_image_grid_png(const std::string& path, const torch::Tensor& images, const GridLayout& layout) {
  write_png(path, tile_images(images, layout));
}

torch::Tensor read_png(const std::string& path) {
  int width = 0, height = 0, file_channels = 0;
  if (!stbi_info(path.c_str(), &width, &height, &file_channels)) {
    const char* reason = stbi_failure_reason();  // for an unknown PNG chunk, its type from the file: escaped
    throw std::runtime_error(
        path + ": cannot read the image (" +
        (reason && *reason ? text_excerpt(reason, 60) : "corrupt or unsupported image data") + ")");
  }
  const int channels = file_channels <= 2 ? 1 : 3;
  std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> pixels(
      stbi_load(path.c_str(), &width, &height, &file_channels, channels), &stbi_image_free);
  if (!pixels) throw std::runtime_error(path + ": cannot decode the image");
  auto bytes = torch::from_blob(pixels.get(), {height, width, channels}, torch::kUInt8);
  // x = 2 p/255 - 1 (Ho et al. 2020, section 4).
  return bytes.permute({2, 0, 1}).to(torch::kFloat).div(127.5).sub(1.0).contiguous();
}

}  // namespace dlab
