#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/gui/panels/panels.h"
#include "app/gui/ui/math_text.h"

namespace dlab::gui {

Layout compute_layout(ImVec2 display, float s, float top, float lesson_h) {
  // Widths in pixels at UI scale 1, for 1280x720; they grow with the scale, but the side columns never take
  // more than their share (they scroll), so the canvas keeps at least 47% of the width at any scale.
  const float controls_w = std::min(310.0f * s, display.x * 0.25f);
  const float plots_w = std::min(420.0f * s, display.x * 0.28f);
  const float height = std::max(100.0f, display.y - top);
  const float center_x = controls_w;
  const float center_w = std::max(100.0f, display.x - controls_w - plots_w);
  // The timeline is a bar across the whole window at the bottom, as tall as its rows at that width (one
  // at UI scale 1; its widgets flow onto a second row at large scales).
  const float timeline_h = std::min(timeline_height(display.x), height * 0.3f);
  const float column_h = std::max(100.0f, height - timeline_h);
  const float band_h = std::min(lesson_h, column_h * 0.3f);
  // Under the canvas, the formula panel (it scrolls): 170 px at scale 1, but the canvas keeps 65% of the
  // column under the lesson band, and the formula at least two lines.
  const float formula_floor =
      ImGui::GetTextLineHeightWithSpacing() * 2.0f + ImGui::GetStyle().WindowPadding.y * 2.0f;
  const float formula_h =
      std::max(formula_floor, std::min(std::min(170.0f * s, column_h * 0.26f), (column_h - band_h) * 0.35f));
  const float canvas_h = std::max(100.0f, column_h - band_h - formula_h);
  Layout layout;
  layout.controls = {ImVec2(0, top), ImVec2(controls_w, column_h)};
  layout.lesson = {ImVec2(center_x, top), ImVec2(center_w, band_h)};
  layout.canvas = {ImVec2(center_x, top + band_h), ImVec2(center_w, canvas_h)};
  const float below = top + band_h + canvas_h;
  layout.formula = {ImVec2(center_x, below), ImVec2(center_w, top + column_h - below)};
  layout.timeline = {ImVec2(0, top + column_h), ImVec2(display.x, display.y - top - column_h)};
  layout.plots = {ImVec2(center_x + center_w, top), ImVec2(display.x - center_x - center_w, column_h)};
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
  // Every widget with a tooltip is measured here too: one reaching past its window's right edge is cut there
  // (named by its tooltip's first words in --stats-out).
  const ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (text && text[0] && ImGui::GetItemRectMax().x > window->WorkRect.Max.x + 1.0f) {
    std::string name(text);
    std::size_t end = std::min<std::size_t>(name.size(), 40);
    while (end < name.size() && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80)
      --end;  // whole UTF-8 characters
    check_fits(ImGui::GetItemRectMax().x - ImGui::GetItemRectMin().x,
               window->WorkRect.Max.x - ImGui::GetItemRectMin().x, name.substr(0, end).c_str());
  }
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
