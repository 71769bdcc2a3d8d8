#include "app/gui/render/screenshot.h"

#include <glad/gl.h>
#include <stb_image_write.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/atomic_file.h"

namespace dlab::gui {

namespace {

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<unsigned char>*>(context);
  const auto* bytes = static_cast<const unsigned char*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

void save_screenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) throw std::runtime_error(path + ": the window has no pixels to save");
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL rows run bottom-up; PNG rows top-down. The alpha of the framebuffer is meaningless here.
  std::vector<unsigned char> image(pixels.size());
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    const unsigned char* source = pixels.data() + row * (height - 1 - y);
    unsigned char* target = image.data() + row * y;
    for (std::size_t i = 0; i < row; i += 4) {
      target[i] = source[i];
      target[i + 1] = source[i + 1];
      target[i + 2] = source[i + 2];
      target[i + 3] = 255;
    }
  }
  save_png_rgba(path, width, height, image);
}

void save_png_rgba(const std::string& path, int width, int height, const std::vector<unsigned char>& image) {
  if (width <= 0 || height <= 0 || image.size() != static_cast<std::size_t>(width) * height * 4)
    throw std::runtime_error(path + ": no pixels to save");
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  std::vector<unsigned char> png;
  if (!stbi_write_png_to_func(append_bytes, &png, width, height, 4, image.data(), static_cast<int>(row)))
    throw std::runtime_error(path + ": PNG encoding failed");
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  });
}

}  // namespace dlab::gui
