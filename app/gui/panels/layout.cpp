#include <algorithm>
#include <cmath>

#include "app/gui/ui/math_text.h"
#include "app/gui/panels/panels.h"

namespace dlab::gui {

Layout compute_layout(ImVec2 display, float s, float top, float lesson_h) {
  // Widths and heights in pixels at UI scale 1, for 1280x720; everything grows with the scale, but the side
  // columns never take more than their share, so the canvas keeps most of the window at any scale.
  const float controls_w = std::min(310.0f * s, display.x * 0.26f);
  const float plots_w = std::min(420.0f * s, display.x * 0.33f);
  const float height = std::max(100.0f, display.y - top);
  const float timeline_h = std::min(80.0f * s, height * 0.16f);
  const float formula_h = std::min(170.0f * s, height * 0.26f);
  const float center_x = controls_w;
  const float center_w = std::max(100.0f, display.x - controls_w - plots_w);
  const float band_h = std::min(lesson_h, height * 0.3f);
  const float canvas_h = std::max(100.0f, height - timeline_h - formula_h - band_h);
  Layout layout;
  layout.controls = {ImVec2(0, top), ImVec2(controls_w, height)};
  layout.lesson = {ImVec2(center_x, top), ImVec2(center_w, band_h)};
  layout.canvas = {ImVec2(center_x, top + band_h), ImVec2(center_w, canvas_h)};
  const float below = top + band_h + canvas_h;
  layout.timeline = {ImVec2(center_x, below), ImVec2(center_w, timeline_h)};
  layout.formula = {ImVec2(center_x, below + timeline_h), ImVec2(center_w, display.y - below - timeline_h)};
  layout.plots = {ImVec2(center_x + center_w, top), ImVec2(display.x - center_x - center_w, height)};
  return layout;
}

Layout compute_presenter_layout(ImVec2 display, float s, float lesson_h, bool show_plots) {
  const float plots_w = show_plots ? std::min(520.0f * s, display.x * 0.34f) : 0.0f;
  const float timeline_h = std::round(14.0f * s);
  const float width = display.x - plots_w;
  const float band_h = std::min(lesson_h, display.y * 0.4f);
  Layout layout;
  layout.controls = {ImVec2(0, 0), ImVec2(0, 0)};
  layout.formula = {ImVec2(0, display.y), ImVec2(0, 0)};
  layout.lesson = {ImVec2(0, 0), ImVec2(width, band_h)};
  layout.canvas = {ImVec2(0, band_h), ImVec2(width, std::max(100.0f, display.y - band_h - timeline_h))};
  layout.timeline = {ImVec2(0, display.y - timeline_h), ImVec2(width, timeline_h)};
  layout.plots = {ImVec2(width, 0), ImVec2(plots_w, display.y)};
  return layout;
}

ScheduleTables make_schedule_tables(const NoiseSchedule& schedule) {
  ScheduleTables tables;
  const int T = schedule.timesteps();
  for (int t = 1; t <= T; ++t) {
    tables.t.push_back(t);
    tables.beta.push_back(schedule.beta(t));
    tables.beta_tilde.push_back(schedule.beta_tilde(t));
    tables.alpha_bar.push_back(schedule.alpha_bar(t));
    tables.sqrt_alpha_bar.push_back(schedule.sqrt_alpha_bar(t));
    tables.sqrt_one_minus_alpha_bar.push_back(schedule.sqrt_one_minus_alpha_bar(t));
    tables.snr.push_back(schedule.snr(t));
    tables.log_snr.push_back(schedule.log_snr(t));
  }
  return tables;
}

void tooltip(const char* text) {
  if (text && text[0] && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::BeginTooltip();
    math_text_wrapped(text, 0, " ", ImGui::GetFontSize() * 26.0f);
    ImGui::EndTooltip();
  }
}

bool begin_panel(const char* name, const PanelRect& rect, ImGuiWindowFlags extra_flags) {
  if (rect.size.x <= 0 || rect.size.y <= 0) {
    // A panel the layout leaves out (presenter mode): an empty window off screen, so the caller's End matches.
    ImGui::SetNextWindowPos(ImVec2(-100000, -100000));
    ImGui::SetNextWindowSize(ImVec2(1, 1));
    ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBackground);
    return false;
  }
  ImGui::SetNextWindowPos(rect.pos);
  ImGui::SetNextWindowSize(rect.size);
  // No background: the panels tile the window, whose clear colour is the window background already; on a
  // software rasteriser (llvmpipe) this saves blending every pixel of the screen once more per frame.
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground | extra_flags;
  return ImGui::Begin(name, nullptr, flags);
}

}  // namespace dlab::gui
