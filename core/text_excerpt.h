// Untrusted text quoted in an error message: short pieces unchanged, long ones cut, so that a malformed
// file cannot make a message of megabytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dlab {

// `text` when it has at most max_bytes bytes; otherwise its first max_bytes bytes (not splitting a UTF-8
// character), then "... (N bytes)".
inline std::string text_excerpt(std::string_view text, std::size_t max_bytes = 40) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a continuation byte
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace dlab
