// Untrusted text quoted in an error message: short pieces unchanged, long ones cut, so that a malformed
// file cannot make a message of megabytes; control bytes (NUL, ESC, line breaks) and a byte-order mark
// are written as escapes, so that they can neither cut the message nor reach the terminal.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace dlab {

// `text` when it has at most max_bytes bytes; otherwise its first max_bytes bytes (not splitting a UTF-8
// character), then "... (N bytes)". Bytes below 0x20 and 0x7F become \n, \r, \t or \xNN, a byte-order
// mark becomes \uFEFF.
inline std::string text_excerpt(std::string_view text, std::size_t max_bytes = 40) {
  std::size_t cut = text.size();
  if (text.size() > max_bytes) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a continuation byte
  }
  std::string out;
  for (std::size_t i = 0; i < cut; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xEF && text.substr(i, 3) == "\xEF\xBB\xBF") {
      out += "\\uFEFF";
      i += 2;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02X", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace dlab
