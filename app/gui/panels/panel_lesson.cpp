// The lesson open in the window: the slide's title and text (with live values) in a band over the canvas,
// the slide editor in the controls column, and presenter mode's thin timeline bar.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/gui/panels/panels.h"
#include "app/gui/state/i18n.h"
#include "app/gui/timeline/timeline.h"
#include "app/gui/ui/math_text.h"
#include "app/gui/ui/widgets.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

Language shown_language(const PanelContext& context) { return context.state.language.value_or(Language::En); }

ImFont* title_font(const PanelContext& context) {
  return context.presenter && context.fonts.presenter_title ? context.fonts.presenter_title : context.fonts.heading;
}

ImFont* body_font(const PanelContext& context) {
  return context.presenter && context.fonts.presenter_body ? context.fonts.presenter_body : context.fonts.regular;
}

std::string slide_text(const PanelContext& context, const Slide& slide) {
  static const LessonValues kNone;
  const LessonValues& values = context.lesson_values ? *context.lesson_values : kNone;
  return fill_lesson_values(slide.text.in(shown_language(context)), values.text, values.numbers);
}

float padding(const PanelContext& context) { return std::round(body_font(context)->FontSize * 0.6f); }

// The slide text's lines in `font` at `width` (math_text.h: breaks at spaces and between Chinese characters,
// never inside a number; draws the accents of beta~ and eps_hat).
std::vector<std::string> text_lines(ImFont* font, const std::string& text, float width) {
  if (text.empty()) return {};
  ImGui::PushFont(font);
  std::vector<std::string> lines = math_text_lines(text.c_str(), width);
  ImGui::PopFont();
  return lines;
}

float line_height(ImFont* font) { return std::round(font->FontSize * 1.2f); }

}  // namespace

float lesson_band_height(const PanelContext& context, float width) {
  if (!context.lesson || !context.lesson->is_open()) return 0.0f;
  const LessonSession& session = *context.lesson;
  const Slide& slide = session.lesson.slides[static_cast<std::size_t>(session.slide)];
  const float pad = padding(context);
  const float text_width = width - 2 * pad;
  ImFont* title = title_font(context);
  const float title_h = title->FontSize;
  ImFont* body = body_font(context);
  const float body_h = text_lines(body, slide_text(context, slide), text_width).size() * line_height(body);
  return std::ceil(pad + title_h + (body_h > 0 ? pad * 0.5f + body_h : 0.0f) + pad);
}

void panel_lesson_band(PanelContext& context, const PanelRect& rect) {
  if (!context.lesson || !context.lesson->is_open() || rect.size.y <= 0) return;
  LessonSession& session = *context.lesson;
  const Slide& slide = session.lesson.slides[static_cast<std::size_t>(session.slide)];
  const Language language = shown_language(context);
  if (!begin_panel("Lesson", rect, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 min = rect.pos, max(rect.pos.x + rect.size.x, rect.pos.y + rect.size.y);
  // A dimmed band: the canvas colour, darker, so the text stands out on a projector.
  draw->AddRectFilled(min, max, colors::with_opacity(colors::kLessonBand, 235));
  draw->AddLine(ImVec2(min.x, max.y - 1), ImVec2(max.x, max.y - 1), colors::kMarker, std::max(1.0f, context.ui_scale));
  const float pad = padding(context);
  const float width = rect.size.x - 2 * pad;

  // The slide counter (and, outside presenter mode, the buttons) on the right of the title line.
  char counter[32];
  std::snprintf(counter, sizeof counter, "%d / %d", session.slide + 1, static_cast<int>(session.lesson.slides.size()));
  ImFont* title = title_font(context);
  ImFont* body = body_font(context);
  float right = max.x - pad;
  if (!context.presenter) {
    const float button = ImGui::GetFrameHeight();
    ImGui::SetCursorScreenPos(ImVec2(right - 2 * button - ImGui::GetStyle().ItemSpacing.x, min.y + pad * 0.5f));
    ImGui::BeginDisabled(session.slide <= 0);
    if (ImGui::Button("\u25c0##previous_slide", ImVec2(button, button))) session.requests.go_to = session.slide - 1;
    ImGui::EndDisabled();
    tooltip(tr("Previous slide (Page Up)"));
    ImGui::SameLine();
    ImGui::BeginDisabled(session.slide + 1 >= static_cast<int>(session.lesson.slides.size()));
    if (ImGui::Button("\u25b6##next_slide", ImVec2(button, button))) session.requests.go_to = session.slide + 1;
    ImGui::EndDisabled();
    tooltip(tr("Next slide (Page Down). F5: present"));
    right -= 2 * button + ImGui::GetStyle().ItemSpacing.x * 2;
  }
  const ImVec2 counter_size = body->CalcTextSizeA(body->FontSize, FLT_MAX, 0, counter);
  draw->AddText(body, body->FontSize, ImVec2(right - counter_size.x, min.y + pad + (title->FontSize - body->FontSize)),
                colors::kTextDim, counter);
  // The lesson's title, small, before the slide's, in presenter mode only the slide's.
  std::string heading = slide.title.in(language);
  draw->PushClipRect(ImVec2(min.x + pad, min.y), ImVec2(right - counter_size.x - pad, max.y), true);
  ImGui::PushFont(title);
  draw_math_text(draw, ImVec2(min.x + pad, min.y + pad), colors::kMarker, heading.c_str());
  ImGui::PopFont();
  draw->PopClipRect();

  const std::string text = slide_text(context, slide);
  float y = min.y + pad + title->FontSize + pad * 0.5f;
  ImGui::PushFont(body);
  for (const std::string& line : text_lines(body, text, width)) {
    draw_math_text(draw, ImVec2(min.x + pad, y), colors::kText, line.c_str());
    y += line_height(body);
  }
  ImGui::PopFont();
  ImGui::End();
}

void panel_presenter_timeline(PanelContext& context, const PanelRect& rect) {
  if (rect.size.y <= 0) return;
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  const ImVec2 min = rect.pos, max(rect.pos.x + rect.size.x, rect.pos.y + rect.size.y);
  const StepInfo info = context.view ? context.view->step_info() : StepInfo();
  const bool reverse = context.state.playback.mode == LabMode::Reverse;
  const int end = reverse ? info.num_steps : context.schedule.timesteps();
  const double fraction = end > 0 ? std::clamp(context.state.playback.cursor / end, 0.0, 1.0) : 0.0;
  draw->AddRectFilled(min, max, IM_COL32(30, 33, 41, 255));
  // Forward runs left to right from the data; reverse from the noise: the bar fills as the run goes.
  draw->AddRectFilled(min, ImVec2(min.x + static_cast<float>(fraction) * rect.size.x, max.y), colors::kMarker);
  (void)info;
}

// ============================================================================================
// The slide editor (controls column): open a lesson, add, edit, reorder and delete slides, save.
// ============================================================================================

void lesson_section(PanelContext& context) {
  if (!context.lesson) return;
  LessonSession& session = *context.lesson;
  const Language language = shown_language(context);
  // Open a built-in lesson.
  const std::string current = session.is_open() ? session.lesson.title.in(language) : tr("(none)");
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##lesson", current.c_str())) {
    for (const BuiltinLesson& builtin : builtin_lessons())
      if (builtin.opens && ImGui::Selectable(builtin.title.in(language).c_str(), session.lesson.path == builtin.path))
        session.requests.open = builtin.path;
    ImGui::EndCombo();
  }
  tooltip(tr("A built-in lesson: slides that follow the DDPM notes. Page Down / Page Up go from slide to slide; "
             "F5 presents (Esc leaves)."));
  if (session.is_open()) {
    ImGui::Checkbox(ui_label(tr("Edit slides"), "edit_slides").c_str(), &session.editing);
    const std::string close = ui_label(tr("Close lesson"), "close_lesson");
    same_line_if_fits(button_width(close.c_str()));
    if (ImGui::Button(close.c_str())) session.requests.close = true;
  }
  if (ImGui::Button(ui_label(tr("Add slide"), "add_slide").c_str())) session.requests.add_slide = true;
  tooltip(tr("Append what the window shows now (every setting, the timeline position) as a new slide after this "
             "one; then give it a title and a text."));
  if (!session.is_open() || !session.editing) return;

  Slide& slide = session.lesson.slides[static_cast<std::size_t>(session.slide)];
  const std::string update = ui_label(tr("Update scene"), "update_scene");
  same_line_if_fits(button_width(update.c_str()));
  if (ImGui::Button(update.c_str())) session.requests.update_scene = true;
  tooltip(tr("This slide takes what the window shows now."));
  ImGui::BeginDisabled(session.slide <= 0);
  if (ImGui::Button(ui_label(tr("Move up"), "move_up").c_str())) session.requests.move = -1;
  ImGui::EndDisabled();
  const std::string down = ui_label(tr("Move down"), "move_down"), remove = ui_label(tr("Delete"), "delete_slide");
  same_line_if_fits(button_width(down.c_str()));
  ImGui::BeginDisabled(session.slide + 1 >= static_cast<int>(session.lesson.slides.size()));
  if (ImGui::Button(down.c_str())) session.requests.move = 1;
  ImGui::EndDisabled();
  same_line_if_fits(button_width(remove.c_str()));
  if (ImGui::Button(remove.c_str())) session.requests.remove = true;

  const auto edit = [&](const char* label, const char* id, std::string* text, bool multiline) {
    ImGui::TextUnformatted(label);
    ImGui::PushID(id);
    const bool changed = multiline ? ImGui::InputTextMultiline("##text", text, ImVec2(-1, ImGui::GetTextLineHeight() * 4.5f))
                                   : (ImGui::SetNextItemWidth(-1), ImGui::InputText("##text", text));
    ImGui::PopID();
    if (changed) session.modified = true;
  };
  edit(tr("Title (English)"), "title_en", &slide.title.en, false);
  edit(tr("Title (Chinese)"), "title_zh", &slide.title.zh, false);
  edit(tr("Text (English)"), "text_en", &slide.text.en, true);
  tooltip(tr("Live values in braces show the numbers on screen: {abar_t}, {beta_tilde_t}, {snr_t}, {nfe}, {t} ... "
             "({abar_t:.3f} for three decimals)."));
  edit(tr("Text (Chinese)"), "text_zh", &slide.text.zh, true);
  if (ImGui::Checkbox(ui_label(tr("Plays when shown"), "slide_plays").c_str(), &slide.play)) session.modified = true;
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##lesson_path", &session.save_path);
  if (ImGui::Button(ui_label(tr("Save lesson"), "save_lesson").c_str())) session.requests.save = true;
  tooltip(tr("Write the lesson as a JSON file (the scene files' format, a list of slides): open it again with "
             "diffusion-lab --lesson FILE."));
  if (session.modified) ImGui::TextDisabled("%s", tr("(not saved)"));
}

}  // namespace dlab::gui
