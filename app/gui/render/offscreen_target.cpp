#include "app/gui/render/offscreen_target.h"

#include <glad/gl.h>

#include <algorithm>
#include <stdexcept>

namespace dlab::gui {

OffscreenTarget::~OffscreenTarget() {
  if (framebuffer_) glDeleteFramebuffers(1, &framebuffer_);
  if (texture_) glDeleteTextures(1, &texture_);
}

void OffscreenTarget::bind(int width, int height) {
  if (!framebuffer_ || width != width_ || height != height_) {
    if (!framebuffer_) glGenFramebuffers(1, &framebuffer_);
    if (!texture_) glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_, 0);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      glBindFramebuffer(GL_FRAMEBUFFER, 0);
      throw std::runtime_error("cannot make an offscreen framebuffer of " + std::to_string(width) + "x" +
                               std::to_string(height) + " pixels");
    }
    width_ = width;
    height_ = height;
  }
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
  glViewport(0, 0, width, height);
}

void OffscreenTarget::unbind() { glBindFramebuffer(GL_FRAMEBUFFER, 0); }

std::vector<std::uint8_t> OffscreenTarget::read(int x, int y, int width, int height, bool keep_alpha) const {
  x = std::clamp(x, 0, width_);
  y = std::clamp(y, 0, height_);
  width = std::clamp(width, 0, width_ - x);
  height = std::clamp(height, 0, height_ - y);
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height * 4);
  std::vector<std::uint8_t> image(pixels.size());
  if (pixels.empty()) return image;
  glBindFramebuffer(GL_READ_FRAMEBUFFER, framebuffer_);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  // GL rows run bottom-up from the bottom edge.
  glReadPixels(x, height_ - y - height, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int r = 0; r < height; ++r) {
    const std::uint8_t* source = pixels.data() + row * (height - 1 - r);
    std::uint8_t* target = image.data() + row * r;
    std::copy(source, source + row, target);
    if (!keep_alpha)
      for (std::size_t i = 3; i < row; i += 4) target[i] = 255;
  }
  return image;
}

}  // namespace dlab::gui
