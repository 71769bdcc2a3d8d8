// Files are written atomically: to a temporary file in the same folder, flushed, then renamed over
// the destination, so a crash or a full disk never leaves a half-written file behind.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace dlab {

// Throws std::runtime_error naming the path when the file cannot be written.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void write_text_atomically(const std::string& path, const std::string& text);

std::string read_text_file(const std::string& path);  // throws std::runtime_error naming the path

}  // namespace dlab
