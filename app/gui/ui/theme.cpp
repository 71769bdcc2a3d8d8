#include "app/gui/ui/theme.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <set>
#include <vector>

#include "app/gui/state/font_file.h"
#include "core/text_excerpt.h"

namespace dlab::gui {

namespace {

// A font given by the user (--font, DLAB_FONT, DLAB_CJK_FONT) that ImGui cannot read safely: one `error:` line
// (once per file, though the fonts are loaded again at every scale change), then the next candidate.
struct FontCandidate {
  std::string path;
  const char* given_by = nullptr;  // "--font", "DLAB_FONT", ...; nullptr: a system default, skipped silently
};

std::string find_font(const std::vector<FontCandidate>& candidates, int face = 0) {
  static std::set<std::string> reported;
  for (const auto& candidate : candidates) {
    if (candidate.path.empty()) continue;
    const std::string problem = font_file_problem(candidate.path, face);  // stb_truetype trusts the file
    if (problem.empty()) return candidate.path;
    if (candidate.given_by && reported.insert(candidate.path).second)
      std::fprintf(stderr, "error: %s '%s': %s; using the default font instead\n", candidate.given_by,
                   text_excerpt(candidate.path, 200).c_str(), problem.c_str());
  }
  return {};
}

// Latin, spacing accents (math_text.h draws combining marks with them), combining accents (the tilde of beta~, the hat of eps_hat), Greek (alpha, beta, epsilon, sigma, theta), Greek Extended (the alpha with macron of abar),
// punctuation, sub- and superscripts, arrows and mathematical operators (sqrt, approx, minus).
const ImWchar* glyph_ranges() {
  static const ImWchar ranges[] = {
      0x0020, 0x00FF, 0x02B0, 0x02FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x1F00, 0x1FFF, 0x2000, 0x206F, 0x2070, 0x209F,
      0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0,
  };
  return ranges;
}

// The CJK characters (and full-width punctuation) of text, as glyph ranges: DejaVu has the rest.
ImVector<ImWchar> cjk_ranges(const std::string& text) {
  ImFontGlyphRangesBuilder builder;
  for (std::size_t i = 0; i < text.size();) {
    // UTF-8: a lead byte 1110xxxx starts the three-byte characters of the Basic Multilingual Plane.
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (length != 3 || i + 2 >= text.size()) {
      i += length;
      continue;
    }
    const unsigned int c = ((lead & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                           (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
    i += 3;
    if (c >= 0x2E80 && c <= 0xFFFF && !(c >= 0xFE00 && c <= 0xFE0F)) builder.AddChar(static_cast<ImWchar>(c));
  }
  ImVector<ImWchar> ranges;
  builder.BuildRanges(&ranges);
  return ranges;
}

}  // namespace

std::string cjk_font_path() {
  const char* env_font = std::getenv("DLAB_CJK_FONT");
  return find_font(
      {
          {env_font ? env_font : "", "DLAB_CJK_FONT"},
          {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"},
          {"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"},
          {"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"},
      },
      /*face=*/2);
}

Fonts load_fonts(float ui_scale, const std::string& font_path, const FontNeeds& needs, std::string* warning) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const char* env_font = std::getenv("DLAB_FONT");
  const std::string regular_path = find_font({
      {font_path, "--font"},
      {env_font ? env_font : "", "DLAB_FONT"},
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
      {"/usr/share/fonts/dejavu/DejaVuSans.ttf"},
      {"/usr/share/fonts/TTF/DejaVuSans.ttf"},
  });
  const std::string mono_path = find_font({
      {"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"},
      {"/usr/share/fonts/dejavu/DejaVuSansMono.ttf"},
      {"/usr/share/fonts/TTF/DejaVuSansMono.ttf"},
  });
  Fonts fonts;
  const float size = std::round(kBaseFontPx * ui_scale);
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  // The ranges must outlive the atlas build: kept in a static, rebuilt with the fonts.
  static ImVector<ImWchar> chinese;
  chinese = cjk_ranges(needs.cjk_text);
  const std::string cjk_path = chinese.size() > 1 ? cjk_font_path() : std::string();
  if (chinese.size() > 1 && cjk_path.empty() && warning)
    *warning = "Noto Sans CJK not found (apt-get install fonts-noto-cjk): Chinese text shows as boxes";
  // Noto Sans CJK SC (face 2 of the collection), merged into the font just added, for Chinese characters only.
  const auto merge_chinese = [&](float pixels) {
    if (cjk_path.empty()) return;
    ImFontConfig merge;
    merge.MergeMode = true;
    merge.FontNo = 2;
    merge.OversampleH = 1;  // ideographs are wide: no horizontal oversampling needed, a quarter of the atlas
    merge.OversampleV = 1;
    merge.PixelSnapH = true;
    // Noto's ideographs look a size smaller than DejaVu's Latin at the same pixel size: a tenth larger, and
    // lowered back onto DejaVu's baseline.
    merge.GlyphOffset.y = std::round(pixels * 0.02f);
    io.Fonts->AddFontFromFileTTF(cjk_path.c_str(), std::round(pixels * 1.1f), &merge, chinese.Data);
  };
  const auto add = [&](const std::string& path, float pixels, bool with_chinese) {
    ImFont* font = io.Fonts->AddFontFromFileTTF(path.c_str(), pixels, &config, glyph_ranges());
    if (font && with_chinese) merge_chinese(pixels);
    return font;
  };
  if (!regular_path.empty()) {
    fonts.regular = add(regular_path, size, true);
    fonts.heading = add(regular_path, std::round(size * 1.25f), true);
    if (needs.presenter) {
      fonts.presenter_body = add(regular_path, std::round(size * 1.5f), true);
      fonts.presenter_title = add(regular_path, std::round(size * 2.25f), true);
    }
  }
  if (!mono_path.empty()) fonts.mono = add(mono_path, size, true);
  if (!fonts.regular) {
    if (warning)
      *warning = "DejaVu Sans not found (apt-get install fonts-dejavu-core, or --font PATH): "
                 "using ImGui's built-in font, without Greek letters";
    ImFontConfig fallback;
    fallback.SizePixels = size;
    fonts.regular = io.Fonts->AddFontDefault(&fallback);
    fonts.heading = fonts.regular;
  }
  if (!fonts.mono) fonts.mono = fonts.regular;
  if (!fonts.presenter_body && needs.presenter) fonts.presenter_body = fonts.heading;
  if (!fonts.presenter_title && needs.presenter) fonts.presenter_title = fonts.heading;
  io.FontDefault = fonts.regular;
  io.Fonts->Build();
  return fonts;
}

namespace {
Palette g_palette = Palette::Dark;
}  // namespace

void set_palette(Palette palette) {
  g_palette = palette;
  using namespace colors;
  const bool light = palette == Palette::Light;
  // Dark: a projector. Light: printed on white, so every colour is darker (contrast >= 3:1 against white for
  // the points and curves, >= 7:1 for text) and the boxes behind labels are white.
  kBackground = light ? IM_COL32(255, 255, 255, 255) : IM_COL32(22, 24, 30, 255);
  kCanvas = light ? IM_COL32(255, 255, 255, 255) : IM_COL32(14, 16, 21, 255);
  kGrid = light ? IM_COL32(205, 209, 218, 255) : IM_COL32(60, 66, 80, 255);
  kAxis = light ? IM_COL32(110, 116, 130, 255) : IM_COL32(120, 128, 145, 255);
  kText = light ? IM_COL32(20, 22, 28, 255) : IM_COL32(230, 232, 238, 255);
  kTextDim = light ? IM_COL32(80, 86, 100, 255) : IM_COL32(150, 156, 170, 255);
  kMarker = light ? IM_COL32(190, 120, 0, 255) : IM_COL32(255, 214, 90, 255);
  kData = light ? IM_COL32(30, 90, 200, 255) : IM_COL32(120, 170, 255, 255);
  kPoints = light ? IM_COL32(220, 90, 10, 255) : IM_COL32(255, 150, 80, 255);
  kEps = light ? IM_COL32(200, 20, 70, 255) : IM_COL32(255, 95, 120, 255);
  kX0Hat = light ? IM_COL32(10, 140, 60, 255) : IM_COL32(110, 230, 150, 255);
  kError = light ? IM_COL32(190, 20, 20, 255) : IM_COL32(255, 90, 90, 255);
  const ImU32 dark_series[] = {IM_COL32(100, 180, 255, 255), IM_COL32(255, 150, 80, 255),
                               IM_COL32(120, 220, 140, 255), IM_COL32(230, 110, 200, 255),
                               IM_COL32(240, 220, 100, 255), IM_COL32(160, 160, 255, 255)};
  const ImU32 light_series[] = {IM_COL32(20, 100, 200, 255), IM_COL32(220, 100, 10, 255),
                                IM_COL32(20, 140, 50, 255),  IM_COL32(170, 30, 140, 255),
                                IM_COL32(150, 120, 0, 255),  IM_COL32(90, 70, 200, 255)};
  for (std::size_t i = 0; i < std::size(kSeries); ++i) kSeries[i] = light ? light_series[i] : dark_series[i];
  kCanvasGrid = light ? IM_COL32(222, 225, 232, 255) : IM_COL32(44, 49, 60, 255);
  kCanvasAxis = light ? IM_COL32(150, 156, 170, 255) : IM_COL32(78, 86, 104, 255);
  kLabelBox = light ? IM_COL32(255, 255, 255, 255) : IM_COL32(14, 16, 21, 255);
  kComparison = light ? IM_COL32(60, 62, 72, 255) : IM_COL32(235, 240, 255, 255);
  kField = light ? IM_COL32(20, 110, 180, 255) : IM_COL32(150, 220, 255, 255);
  kFollowPath = light ? IM_COL32(160, 105, 0, 255) : IM_COL32(255, 235, 160, 255);
  kGood = light ? IM_COL32(20, 130, 55, 255) : IM_COL32(128, 230, 153, 255);
  kBad = light ? IM_COL32(200, 75, 15, 255) : IM_COL32(255, 153, 102, 255);
  kNote = light ? IM_COL32(30, 75, 160, 255) : IM_COL32(190, 215, 255, 255);
  kPath = light ? IM_COL32(70, 74, 86, 255) : IM_COL32(220, 225, 240, 255);
  // The colours by origin are bright hues (HSV value 1): two thirds of each channel keeps the hue and reads
  // on white.
  kOriginTint = light ? IM_COL32(170, 170, 170, 255) : IM_COL32(255, 255, 255, 255);
  kLessonBand = light ? IM_COL32(243, 245, 249, 255) : IM_COL32(8, 9, 13, 255);
}

Palette current_palette() {
  return g_palette;
}

namespace {

// ImGui's colours for printing: white windows, dark text, light grey frames, the accents darker.
void light_style_colors(ImVec4* c) {
  const auto rgb = [](int r, int g, int b, float a = 1.0f) {
    return ImVec4(r / 255.f, g / 255.f, b / 255.f, a);
  };
  c[ImGuiCol_Text] = rgb(20, 22, 28);
  c[ImGuiCol_TextDisabled] = rgb(110, 116, 130);
  c[ImGuiCol_WindowBg] = rgb(255, 255, 255);
  c[ImGuiCol_ChildBg] = rgb(255, 255, 255, 0.0f);
  c[ImGuiCol_PopupBg] = rgb(250, 250, 252, 0.98f);
  c[ImGuiCol_Border] = rgb(200, 204, 214);
  c[ImGuiCol_FrameBg] = rgb(236, 238, 243);
  c[ImGuiCol_FrameBgHovered] = rgb(222, 228, 240);
  c[ImGuiCol_FrameBgActive] = rgb(205, 215, 235);
  c[ImGuiCol_TitleBg] = rgb(240, 241, 245);
  c[ImGuiCol_TitleBgActive] = rgb(228, 231, 238);
  c[ImGuiCol_TitleBgCollapsed] = rgb(240, 241, 245);
  c[ImGuiCol_MenuBarBg] = rgb(240, 241, 245);
  c[ImGuiCol_ScrollbarBg] = rgb(245, 246, 249);
  c[ImGuiCol_ScrollbarGrab] = rgb(195, 200, 212);
  c[ImGuiCol_CheckMark] = rgb(20, 100, 200);
  c[ImGuiCol_SliderGrab] = rgb(40, 110, 210, 0.45f);
  c[ImGuiCol_SliderGrabActive] = rgb(30, 90, 190, 0.6f);
  c[ImGuiCol_Button] = rgb(225, 229, 238);
  c[ImGuiCol_ButtonHovered] = rgb(190, 208, 238);
  c[ImGuiCol_ButtonActive] = rgb(165, 190, 232);
  c[ImGuiCol_Header] = rgb(225, 230, 240);
  c[ImGuiCol_HeaderHovered] = rgb(200, 214, 238);
  c[ImGuiCol_HeaderActive] = rgb(180, 200, 235);
  c[ImGuiCol_Separator] = rgb(200, 204, 214);
  c[ImGuiCol_Tab] = rgb(232, 235, 241);
  c[ImGuiCol_TabHovered] = rgb(190, 208, 238);
  c[ImGuiCol_TabActive] = rgb(205, 218, 240);
  c[ImGuiCol_TabUnfocused] = rgb(232, 235, 241);
  c[ImGuiCol_TabUnfocusedActive] = rgb(215, 224, 240);
  c[ImGuiCol_PlotLines] = rgb(20, 100, 200);
  c[ImGuiCol_PlotHistogram] = rgb(20, 100, 200);
  c[ImGuiCol_TextSelectedBg] = rgb(120, 160, 230, 0.4f);
}

}  // namespace

void apply_theme(float ui_scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 4.0f;
  style.ChildRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.PopupRounding = 3.0f;
  style.TabRounding = 3.0f;
  style.WindowBorderSize = 1.0f;
  style.FrameBorderSize = 0.0f;
  style.WindowPadding = ImVec2(8, 8);
  style.FramePadding = ImVec2(6, 4);
  style.ItemSpacing = ImVec2(8, 5);
  style.ItemInnerSpacing = ImVec2(6, 4);
  style.ScrollbarSize = 14.0f;
  style.GrabMinSize = 12.0f;
  style.IndentSpacing = 16.0f;

  ImVec4* c = style.Colors;
  const auto rgb = [](int r, int g, int b, float a = 1.0f) { return ImVec4(r / 255.f, g / 255.f, b / 255.f, a); };
  c[ImGuiCol_Text] = rgb(230, 232, 238);
  c[ImGuiCol_TextDisabled] = rgb(130, 136, 150);
  c[ImGuiCol_WindowBg] = rgb(22, 24, 30);
  c[ImGuiCol_ChildBg] = rgb(22, 24, 30, 0.0f);
  c[ImGuiCol_PopupBg] = rgb(30, 33, 41, 0.97f);
  c[ImGuiCol_Border] = rgb(52, 57, 70);
  c[ImGuiCol_FrameBg] = rgb(38, 42, 53);
  c[ImGuiCol_FrameBgHovered] = rgb(50, 56, 72);
  c[ImGuiCol_FrameBgActive] = rgb(60, 68, 88);
  c[ImGuiCol_TitleBg] = rgb(28, 31, 39);
  c[ImGuiCol_TitleBgActive] = rgb(34, 38, 49);
  c[ImGuiCol_TitleBgCollapsed] = rgb(28, 31, 39);
  c[ImGuiCol_MenuBarBg] = rgb(28, 31, 39);
  c[ImGuiCol_ScrollbarBg] = rgb(22, 24, 30);
  c[ImGuiCol_ScrollbarGrab] = rgb(60, 66, 82);
  c[ImGuiCol_CheckMark] = rgb(120, 180, 255);
  // Translucent, so the value a slider shows stays readable where its handle sits (issue 14).
  c[ImGuiCol_SliderGrab] = rgb(100, 160, 240, 0.45f);
  c[ImGuiCol_SliderGrabActive] = rgb(140, 190, 255, 0.6f);
  c[ImGuiCol_Button] = rgb(46, 52, 68);
  c[ImGuiCol_ButtonHovered] = rgb(62, 92, 140);
  c[ImGuiCol_ButtonActive] = rgb(74, 112, 170);
  c[ImGuiCol_Header] = rgb(44, 52, 70);
  c[ImGuiCol_HeaderHovered] = rgb(58, 78, 112);
  c[ImGuiCol_HeaderActive] = rgb(70, 96, 140);
  c[ImGuiCol_Separator] = rgb(52, 57, 70);
  c[ImGuiCol_Tab] = rgb(34, 38, 49);
  c[ImGuiCol_TabHovered] = rgb(62, 92, 140);
  c[ImGuiCol_TabActive] = rgb(52, 76, 118);
  c[ImGuiCol_TabUnfocused] = rgb(34, 38, 49);
  c[ImGuiCol_TabUnfocusedActive] = rgb(46, 62, 92);
  c[ImGuiCol_PlotLines] = rgb(100, 180, 255);
  c[ImGuiCol_PlotHistogram] = rgb(100, 180, 255);
  c[ImGuiCol_TextSelectedBg] = rgb(70, 110, 170, 0.6f);
  if (g_palette == Palette::Light) {
    ImGui::StyleColorsLight(&style);
    light_style_colors(c);
  }

  style.ScaleAllSizes(ui_scale);
}

float ui_scale_for(int framebuffer_width, int framebuffer_height, float user_factor) {
  // 1280x720 is the smallest layout; a 3840x2160 projector gets 3x. Quantised to 1/8 so that a window
  // being dragged does not rebuild the font atlas every frame.
  const float fit = std::min(framebuffer_width / 1280.0f, framebuffer_height / 720.0f);
  const float scale = std::max(1.0f, fit) * std::max(0.25f, user_factor);
  return std::round(scale * 8.0f) / 8.0f;
}

}  // namespace dlab::gui
