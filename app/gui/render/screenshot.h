// Saves what the window shows as a PNG (the whole default framebuffer, flipped to top-down rows).
#pragma once

#include <string>

namespace dlab::gui {

// Reads the back buffer (call after rendering, before swapping) and writes `path` atomically.
// Throws std::runtime_error naming the file on failure.
void save_screenshot(const std::string& path, int framebuffer_width, int framebuffer_height);

}  // namespace dlab::gui
