// Text with combining accents, for the notation of the DDPM notes: the tilde of beta~ (U+0303), the
// hat of eps_hat and x0_hat (U+0302) and bars (U+0304). ImGui draws one glyph after another and shows
// combining marks as nothing, so this draws each mark's spacing form centred over the letter before it.
// Write "\u03b2\u0303" for beta~, "\u03b5\u0302" for eps_hat.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace dlab::gui {

ImVec2 math_text_size(const char* text);
void draw_math_text(ImDrawList* draw, ImVec2 position, ImU32 color, const char* text);
// As ImGui::TextUnformatted / TextColored, at the cursor.
void math_text(const char* text, ImU32 color = 0);
// Wrapped at the window's right edge (or wrap_width > 0), breaking between the parts separated by
// `separator`: one space breaks between words (and between the characters of Chinese text, which has no
// spaces), three spaces between the parts of a formula.
void math_text_wrapped(const char* text, ImU32 color = 0, const char* separator = " ", float wrap_width = 0);

// The lines of text wrapped at wrap_width pixels in the current font, breaking as math_text_wrapped does (at
// spaces, between Chinese characters, never inside a number) and at '\n'. Draw each with draw_math_text.
std::vector<std::string> math_text_lines(const char* text, float wrap_width);

}  // namespace dlab::gui
