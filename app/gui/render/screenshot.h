// Saves what the window shows as a PNG (the whole default framebuffer, flipped to top-down rows).
#pragma once

#include <string>
#include <vector>

namespace dlab::gui {

// Reads the back buffer (call after rendering, before swapping) and writes `path` atomically.
// Throws std::runtime_error naming the file on failure.
void save_screenshot(const std::string& path, int framebuffer_width, int framebuffer_height);
// Writes width x height RGBA8 pixels (rows top-down) as a PNG, atomically; throws std::runtime_error.
void save_png_rgba(const std::string& path, int width, int height, const std::vector<unsigned char>& rgba);

}  // namespace dlab::gui
