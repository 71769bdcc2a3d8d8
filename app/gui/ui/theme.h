// Look and feel: the DejaVu Sans font at a size that follows the UI scale, a dark theme meant for a
// projector (high contrast, large hit targets), a light one for printed handouts (exported pictures, issue
// 11), and the colours shared by the canvas and the plots.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

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

// The theme of the palette in use (set_palette; dark unless a picture is drawn for print), sized for ui_scale
// (resets the style first, so it can be called again).
void apply_theme(float ui_scale);

// A UI scale that fits a window: 1 at 1280x720, growing with the framebuffer so text stays readable on
// a 4K projector; multiplied by a user factor.
float ui_scale_for(int framebuffer_width, int framebuffer_height, float user_factor);

// Colours used everywhere, so the same quantity has the same colour in the canvas, the plots and the
// formula panel. They are the palette in use, not constants: the dark one on screen, the light one while a
// picture is drawn for print (--export-background white, set_palette); read them on the UI thread only.
namespace colors {
inline ImU32 kBackground = IM_COL32(22, 24, 30, 255);
inline ImU32 kCanvas = IM_COL32(14, 16, 21, 255);
inline ImU32 kGrid = IM_COL32(60, 66, 80, 255);
inline ImU32 kAxis = IM_COL32(120, 128, 145, 255);
inline ImU32 kText = IM_COL32(230, 232, 238, 255);
inline ImU32 kTextDim = IM_COL32(150, 156, 170, 255);
inline ImU32 kMarker = IM_COL32(255, 214, 90, 255);  // current t, everywhere
inline ImU32 kData = IM_COL32(120, 170, 255, 255);   // x_0
inline ImU32 kPoints = IM_COL32(255, 150, 80, 255);  // x_t
inline ImU32 kEps = IM_COL32(255, 95, 120, 255);     // eps, eps_hat
inline ImU32 kX0Hat = IM_COL32(110, 230, 150, 255);  // x0_hat
inline ImU32 kError = IM_COL32(255, 90, 90, 255);    // messages
// Plot series, in order.
inline ImU32 kSeries[] = {
    IM_COL32(100, 180, 255, 255),  // blue
    IM_COL32(255, 150, 80, 255),   // orange
    IM_COL32(120, 220, 140, 255),  // green
    IM_COL32(230, 110, 200, 255),  // magenta
    IM_COL32(240, 220, 100, 255),  // yellow
    IM_COL32(160, 160, 255, 255),  // violet
};
// The canvas's own: its grid lines and axes, the box behind a label or legend (its alpha is chosen where it
// is drawn, label_box), the comparison points, the eps field's arrows, the followed point's path, a good and
// a bad verdict (x_T is N(0, I) or not), the formula panel's note.
inline ImU32 kCanvasGrid = IM_COL32(44, 49, 60, 255);
inline ImU32 kCanvasAxis = IM_COL32(78, 86, 104, 255);
inline ImU32 kLabelBox = IM_COL32(14, 16, 21, 255);
inline ImU32 kComparison = IM_COL32(235, 240, 255, 255);
inline ImU32 kField = IM_COL32(150, 220, 255, 255);
inline ImU32 kFollowPath = IM_COL32(255, 235, 160, 255);
inline ImU32 kGood = IM_COL32(128, 230, 153, 255);
inline ImU32 kBad = IM_COL32(255, 153, 102, 255);
inline ImU32 kNote = IM_COL32(190, 215, 255, 255);
inline ImU32 kPath = IM_COL32(220, 225, 240, 255);  // a trajectory without a colour of its own
inline ImU32 kOriginTint = IM_COL32(255, 255, 255, 255);  // multiplies the colours by origin (light: darker)
inline ImU32 kLessonBand = IM_COL32(8, 9, 13, 255);         // behind the lesson's slide text
// Ten classes (the Latent view's garments, issue 12), Tableau 10's hues lightened to read on the dark canvas;
// the same in both palettes (kOriginTint darkens them on white).
inline constexpr ImU32 kClasses[10] = {
    IM_COL32(86, 160, 232, 255),   // blue
    IM_COL32(255, 152, 56, 255),   // orange
    IM_COL32(92, 200, 92, 255),    // green
    IM_COL32(240, 86, 86, 255),    // red
    IM_COL32(178, 138, 228, 255),  // purple
    IM_COL32(196, 140, 104, 255),  // brown
    IM_COL32(242, 140, 212, 255),  // pink
    IM_COL32(178, 178, 178, 255),  // gray
    IM_COL32(208, 208, 64, 255),   // olive
    IM_COL32(64, 212, 226, 255),   // cyan
};
inline ImU32 class_color(int label) { return label >= 0 ? kClasses[label % 10] : kPath; }
inline std::vector<std::uint32_t> class_palette() { return std::vector<std::uint32_t>(std::begin(kClasses), std::end(kClasses)); }
// A colour at an opacity 0..255; the label box at that opacity.
inline ImU32 with_opacity(ImU32 color, int alpha) {
  return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha & 255) << IM_COL32_A_SHIFT);
}
inline ImU32 label_box(int alpha) {
  return with_opacity(kLabelBox, alpha);
}
// Channel by channel a * b / 255 (a tint of white leaves a colour as it is).
inline ImU32 multiply(ImU32 a, ImU32 b) {
  ImU32 out = 0;
  for (int shift = 0; shift < 32; shift += 8)
    out |= (((a >> shift) & 255u) * ((b >> shift) & 255u) / 255u) << shift;
  return out;
}
}  // namespace colors

// The palette in use: Dark on screen (a projector), Light for printed handouts (white background, dark text
// and lines, points and curves in darker colours that read on white). Sets colors:: and, with apply_theme,
// ImGui's style colours.
enum class Palette { Dark, Light };
void set_palette(Palette palette);
Palette current_palette();

}  // namespace dlab::gui
