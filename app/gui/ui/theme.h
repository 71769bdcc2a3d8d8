// Look and feel: the DejaVu Sans font at a size that follows the UI scale, a dark theme meant for a
// projector (high contrast, large hit targets), and the colours shared by the canvas and the plots.
#pragma once

#include <imgui.h>

#include <string>

namespace dlab::gui {

struct Fonts {
  ImFont* regular = nullptr;  // body text and widgets
  ImFont* mono = nullptr;     // numbers in the formula panel and tables
  ImFont* heading = nullptr;  // panel headings and the big formula line
  // Presenter mode (F5): slide text and titles, readable from the back of a lecture hall (36 px and 54 px on a
  // 1920x1080 projector). Only built while presenting; nullptr otherwise.
  ImFont* presenter_body = nullptr;
  ImFont* presenter_title = nullptr;
};

// What the atlas must hold beyond the Latin, Greek and math glyphs.
struct FontNeeds {
  std::string cjk_text;   // every Chinese character of this text gets a glyph (Noto Sans CJK SC), none else
  bool presenter = false; // build the presenter fonts
};

// Base font size in pixels at UI scale 1 (1280x720 window).
constexpr float kBaseFontPx = 16.0f;

// (Re)builds the font atlas for a UI scale. Chinese glyphs come from Noto Sans CJK SC, merged into each font,
// for the characters of needs.cjk_text only (a few hundred, not 20,000: start-up stays fast and the atlas
// small). Looks for DejaVu Sans (override: font_path, then the
// DLAB_FONT environment variable, then the usual system paths) and falls back to ImGui's built-in font,
// setting *warning. The GL font texture must be re-created by the caller when this is called again.
Fonts load_fonts(float ui_scale, const std::string& font_path, const FontNeeds& needs, std::string* warning);
// The Noto Sans CJK file (fonts-noto-cjk; $DLAB_CJK_FONT overrides), or "" when it is not installed.
std::string cjk_font_path();

// The dark theme, sized for ui_scale (resets the style first, so it can be called again).
void apply_theme(float ui_scale);

// A UI scale that fits a window: 1 at 1280x720, growing with the framebuffer so text stays readable on
// a 4K projector; multiplied by a user factor.
float ui_scale_for(int framebuffer_width, int framebuffer_height, float user_factor);

// Colours used everywhere, so the same quantity has the same colour in the canvas, the plots and the
// formula panel.
namespace colors {
constexpr ImU32 kBackground = IM_COL32(22, 24, 30, 255);
constexpr ImU32 kCanvas = IM_COL32(14, 16, 21, 255);
constexpr ImU32 kGrid = IM_COL32(60, 66, 80, 255);
constexpr ImU32 kAxis = IM_COL32(120, 128, 145, 255);
constexpr ImU32 kText = IM_COL32(230, 232, 238, 255);
constexpr ImU32 kTextDim = IM_COL32(150, 156, 170, 255);
constexpr ImU32 kMarker = IM_COL32(255, 214, 90, 255);     // current t, everywhere
constexpr ImU32 kData = IM_COL32(120, 170, 255, 255);      // x_0
constexpr ImU32 kPoints = IM_COL32(255, 150, 80, 255);     // x_t
constexpr ImU32 kEps = IM_COL32(255, 95, 120, 255);        // eps, eps_hat
constexpr ImU32 kX0Hat = IM_COL32(110, 230, 150, 255);     // x0_hat
constexpr ImU32 kError = IM_COL32(255, 90, 90, 255);       // messages
// Plot series, in order.
constexpr ImU32 kSeries[] = {
    IM_COL32(100, 180, 255, 255),  // blue
    IM_COL32(255, 150, 80, 255),   // orange
    IM_COL32(120, 220, 140, 255),  // green
    IM_COL32(230, 110, 200, 255),  // magenta
    IM_COL32(240, 220, 100, 255),  // yellow
    IM_COL32(160, 160, 255, 255),  // violet
};
}  // namespace colors

}  // namespace dlab::gui
