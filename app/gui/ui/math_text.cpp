#include "app/gui/ui/math_text.h"

#include "app/gui/ui/widgets.h"

#include <imgui_internal.h>

#include <cstring>
#include <string>
#include <vector>

namespace dlab::gui {

namespace {

// The spacing form of a combining mark, or 0 when `c` is not one we draw.
ImWchar spacing_form(unsigned int c) {
  switch (c) {
    case 0x0302: return 0x02C6;  // circumflex: the hat of estimates
    case 0x0303: return 0x02DC;  // small tilde
    case 0x0304: return 0x00AF;  // macron
    case 0x0307: return 0x02D9;  // dot above
    default: return 0;
  }
}

// Letters taller than x-height: the mark goes higher over them.
bool is_tall(unsigned int c) {
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case 'b': case 'd': case 'f': case 'h': case 'k': case 'l': case 't':
    case 0x03B2: case 0x03B4: case 0x03B8: case 0x03BB: case 0x03BE:  // beta, delta, theta, lambda, xi
      return true;
    default:
      return c >= 0x0391 && c <= 0x03A9;  // Greek capitals
  }
}

template <class Visit>
void walk(const char* text, Visit visit) {
  const char* p = text;
  const char* end = text + std::strlen(text);
  unsigned int previous = 0;
  float previous_advance = 0;
  ImFont* font = ImGui::GetFont();
  const float scale = ImGui::GetFontSize() / font->FontSize;
  float x = 0;
  while (p < end) {
    unsigned int c = 0;
    const int bytes = ImTextCharFromUtf8(&c, p, end);
    if (bytes <= 0) break;
    const std::string glyph(p, p + bytes);
    p += bytes;
    if (const ImWchar mark = spacing_form(c)) {
      const ImFontGlyph* g = font->FindGlyph(mark);
      const float mark_width = g ? g->AdvanceX * scale : 0;
      const float lift = is_tall(previous) ? ImGui::GetFontSize() * 0.16f : 0.0f;
      visit(mark, x - previous_advance * 0.5f - mark_width * 0.5f + ImGui::GetFontSize() * 0.04f, -lift, false);
      continue;
    }
    const float advance = font->GetCharAdvance(static_cast<ImWchar>(c)) * scale;
    visit(static_cast<ImWchar>(c), x, 0.0f, true);
    x += advance;
    previous = c;
    previous_advance = advance;
  }
}

// Chinese has no spaces between words: a line may break before and after each CJK character, except
// before closing punctuation (，。、：；？！）」 ...) and after opening punctuation (（「 ...).
bool is_cjk(unsigned int c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF);
}

bool no_break_before(unsigned int c) {
  switch (c) {
    case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E: case 0xFF1A: case 0xFF1B: case 0xFF1F: case 0xFF01:
    case 0xFF09: case 0x300D: case 0x300F: case 0x3011: case 0x300B: case 0x3009: case ',': case '.': case ';':
    case ':': case '!': case '?': case ')': case ']':
      return true;
    default:
      return spacing_form(c) != 0 || (c >= 0x0300 && c <= 0x036F);  // a combining mark stays on its letter
  }
}

bool no_break_after(unsigned int c) {
  switch (c) {
    case 0xFF08: case 0x300C: case 0x300E: case 0x3010: case 0x300A: case 0x3008: case '(': case '[':
      return true;
    default:
      return false;
  }
}

bool is_ascii_letter(unsigned int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A word cut where a line may break inside it: between CJK characters, and after the hyphen of a hyphenated
// name such as fashion-mnist-latent (letters on both sides, so 1e-3 and -0.5 stay whole); the word itself
// otherwise.
std::vector<std::string> break_pieces(const std::string& word) {
  std::vector<std::string> pieces;
  const char* p = word.c_str();
  const char* end = p + word.size();
  const char* start = p;
  unsigned int before_previous = 0, previous = 0;
  while (p < end) {
    unsigned int c = 0;
    const int bytes = ImTextCharFromUtf8(&c, p, end);
    if (bytes <= 0) break;
    const bool cjk_break = (is_cjk(previous) || is_cjk(c)) && !no_break_before(c) && !no_break_after(previous);
    const bool hyphen_break = previous == '-' && is_ascii_letter(before_previous) && is_ascii_letter(c);
    if (p > start && (cjk_break || hyphen_break)) {
      pieces.emplace_back(start, p);
      start = p;
    }
    before_previous = previous;
    previous = c;
    p += bytes;
  }
  pieces.emplace_back(start, end);
  return pieces;
}

}  // namespace

ImVec2 math_text_size(const char* text) {
  float width = 0;
  walk(text, [&](ImWchar c, float x, float, bool advances) {
    if (advances) width = x + ImGui::GetFont()->GetCharAdvance(c) * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
  });
  return ImVec2(width, ImGui::GetFontSize());
}

void draw_math_text(ImDrawList* draw, ImVec2 position, ImU32 color, const char* text) {
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  walk(text, [&](ImWchar c, float x, float y, bool) {
    font->RenderChar(draw, size, ImVec2(position.x + x, position.y + y), color, c);
  });
}

void math_text(const char* text, ImU32 color) {
  const ImVec2 size = math_text_size(text);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  draw_math_text(ImGui::GetWindowDrawList(), at, color ? color : ImGui::GetColorU32(ImGuiCol_Text), text);
  ImGui::Dummy(size);
}

void math_text_wrapped(const char* text_c, ImU32 color, const char* separator, float wrap_width) {
  const std::string text(text_c);
  const std::string gap(separator);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t at = text.find(gap, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = text.find_first_not_of(' ', at);
    if (start == std::string::npos) break;
  }
  const float left = ImGui::GetCursorScreenPos().x;
  const float right = wrap_width > 0 ? left + wrap_width : left + ImGui::GetContentRegionAvail().x;
  const float spacing = gap.size() > 1 ? ImGui::GetFontSize() * 1.5f : math_text_size(" ").x;
  bool first = true;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    // Whether `next` fits after the last piece on its line, `space` apart: then it goes there, else on the
    // next line (deciding first, so that no item is laid out past the right edge).
    const auto same_line_if_room = [&](const std::string& next, float space) {
      if (!first && ImGui::GetItemRectMax().x + space + math_text_size(next.c_str()).x <= right)
        ImGui::SameLine(0, space);
    };
    // A part wider than the whole line is broken between its words.
    if (gap.size() > 1 && math_text_size(part.c_str()).x > right - left) {
      same_line_if_room(part.substr(0, part.find(' ')), spacing);
      math_text_wrapped(part.c_str(), color, " ", right - ImGui::GetCursorScreenPos().x);
      first = false;
      continue;
    }
    // Between words the separator's spacing; between the pieces of a Chinese word none.
    const std::vector<std::string> pieces = gap.size() > 1 ? std::vector<std::string>{part} : break_pieces(part);
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      same_line_if_room(pieces[k], k == 0 ? spacing : 0.0f);
      math_text(pieces[k].c_str(), color);
      // A piece wider than a whole line (a word that cannot break) runs past the edge: counted as clipped.
      check_fits(ImGui::GetItemRectMax().x - left, right - left, "wrapped text");
      first = false;
    }
  }
}

std::vector<std::string> math_text_lines(const char* text_c, float wrap_width) {
  std::vector<std::string> lines;
  const std::string text(text_c);
  std::size_t paragraph_start = 0;
  while (paragraph_start <= text.size()) {
    const std::size_t paragraph_end = std::min(text.find('\n', paragraph_start), text.size());
    const std::string paragraph = text.substr(paragraph_start, paragraph_end - paragraph_start);
    std::string line;
    std::size_t start = 0;
    while (start < paragraph.size()) {
      std::size_t end = paragraph.find(' ', start);
      if (end == std::string::npos) end = paragraph.size();
      const std::string word = paragraph.substr(start, end - start);
      start = end + 1;
      if (word.empty()) continue;
      const std::vector<std::string> pieces = break_pieces(word);
      for (std::size_t k = 0; k < pieces.size(); ++k) {
        const std::string joined = line.empty() ? pieces[k] : line + (k == 0 ? " " : "") + pieces[k];
        if (!line.empty() && math_text_size(joined.c_str()).x > wrap_width) {
          lines.push_back(line);
          line = pieces[k];
        } else {
          line = joined;
        }
      }
    }
    lines.push_back(line);
    paragraph_start = paragraph_end + 1;
  }
  return lines;
}

}  // namespace dlab::gui
