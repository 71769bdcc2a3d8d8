// An offscreen framebuffer the export renders whole frames of the window into (issue 11): pictures at
// 2x or 4x and video frames at a chosen size are drawn again at that size with scaled fonts, never
// upscaled from the screen.
#pragma once

#include <cstdint>
#include <vector>

namespace dlab::gui {

class OffscreenTarget {
 public:
  OffscreenTarget() = default;
  ~OffscreenTarget();  // needs the GL context current
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  // Binds a width x height RGBA8 target (made or resized as needed) and sets the viewport.
  void bind(int width, int height);
  void unbind();  // back to the window's framebuffer
  // The pixels of a rectangle (x, y from the top-left corner), RGBA8, rows top-down. Alpha kept when
  // keep_alpha, else 255.
  std::vector<std::uint8_t> read(int x, int y, int width, int height, bool keep_alpha) const;
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  unsigned framebuffer_ = 0, texture_ = 0;
  int width_ = 0, height_ = 0;
};

}  // namespace dlab::gui
