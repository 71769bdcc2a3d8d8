// The timeline, a bar across the bottom of the window: mode (forward / reverse), transport buttons (home,
// step back, play/pause, step forward, end), speed, the step counter (t, step, NFE) and a scrubber over t =
// 0..T or the K sampler steps. Its widgets flow onto a second row when the window is narrow for the UI scale.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/gui/panels/panels.h"
#include "app/gui/state/i18n.h"
#include "app/gui/timeline/timeline.h"
#include "app/gui/ui/widgets.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

enum class Icon { Home, StepBack, Play, Pause, StepForward, End };

// A square button with a drawn icon (crisp at every scale, no icon font needed).
bool icon_button(const char* id, Icon icon, float size) {
  const bool pressed = ImGui::Button(id, ImVec2(size, size));
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 c = ImGui::GetColorU32(ImGuiCol_Text);
  const float cx = (min.x + max.x) * 0.5f, cy = (min.y + max.y) * 0.5f, r = size * 0.22f;
  const auto triangle_right = [&](float x, float w) { draw->AddTriangleFilled(ImVec2(x, cy - r), ImVec2(x + w, cy), ImVec2(x, cy + r), c); };
  const auto triangle_left = [&](float x, float w) { draw->AddTriangleFilled(ImVec2(x, cy - r), ImVec2(x, cy + r), ImVec2(x - w, cy), c); };
  const auto bar = [&](float x) { draw->AddRectFilled(ImVec2(x, cy - r), ImVec2(x + r * 0.35f, cy + r), c); };
  switch (icon) {
    case Icon::Play: triangle_right(cx - r * 0.7f, r * 1.6f); break;
    case Icon::Pause: bar(cx - r * 0.6f); bar(cx + r * 0.25f); break;
    case Icon::StepForward: triangle_right(cx - r * 0.8f, r * 1.2f); bar(cx + r * 0.5f); break;
    case Icon::StepBack: bar(cx - r * 0.85f); triangle_left(cx + r * 0.8f, r * 1.2f); break;
    case Icon::Home: bar(cx - r * 1.0f); triangle_left(cx + r * 0.2f, r); triangle_left(cx + r * 1.1f, r); break;
    case Icon::End: triangle_right(cx - r * 1.1f, r); triangle_right(cx - r * 0.2f, r); bar(cx + r * 0.7f); break;
  }
  return pressed;
}

// The step counter shown in the scrubber: its printf format (%d is the step the slider fills in, %% a
// percent sign) and the text it shows. The slider shows the step the picture is at; while a run records,
// how far the recording has come follows in parentheses.
std::string counter_format(const PanelContext& context, const StepCounter& counter, bool reverse) {
  if (!reverse) return format_text("t = %%d / %d", context.schedule.timesteps());
  std::string recording;
  if (counter.recording && counter.num_steps > 0) {
    const std::string progress = format_text(tr("(recording: %d of %d steps)"), counter.recorded, counter.num_steps);
    recording = "   ";
    for (char c : progress) recording += c == '%' ? std::string("%%") : std::string(1, c);
  }
  // TRANSLATORS: %%d stays as it is: the slider replaces it with the step shown.
  return format_text(tr("step %%d / %d    t = %d    NFE = %d"), counter.num_steps, counter.t, counter.nfe) +
         recording;
}

// The text the format shows for a value (%d replaced, %% a percent sign).
std::string shown_text(const std::string& format, int value) {
  std::string text;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format.compare(i, 2, "%d") == 0) {
      text += std::to_string(value);
      ++i;
    } else if (format.compare(i, 2, "%%") == 0) {
      text += '%';
      ++i;
    } else {
      text += format[i];
    }
  }
  return text;
}

float shown_width(const std::string& format, int value) { return ImGui::CalcTextSize(shown_text(format, value).c_str()).x; }

// The format broken into as few lines as fit `width` pixels, at its gaps (runs of two or more spaces: the
// counter's parts), never inside a part.
std::vector<std::string> lines_at_gaps(const std::string& format, float width, int value) {
  std::vector<std::string> parts(1), gaps;
  for (std::size_t i = 0; i < format.size();) {
    const std::size_t run = format.find_first_not_of(' ', i);
    const std::size_t spaces = (run == std::string::npos ? format.size() : run) - i;
    if (format[i] == ' ' && spaces >= 2) {
      gaps.push_back(format.substr(i, spaces));
      parts.emplace_back();
      i += spaces;
    } else {
      parts.back() += format[i++];
    }
  }
  std::vector<std::string> lines{parts[0]};
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string joined = lines.back() + gaps[i - 1] + parts[i];
    if (shown_width(joined, value) <= width)
      lines.back() = joined;
    else
      lines.push_back(parts[i]);
  }
  return lines;
}

// Where the timeline's five widgets go in a panel `width` pixels wide: each stays on the row of the one
// before while it fits, else starts a row. The layout sizes the panel with this plan and the panel follows
// it.
struct TimelinePlan {
  enum { kForward, kReverse, kTransport, kSpeed, kScrubber, kItems };
  float width[kItems] = {}, gap[kItems] = {};
  bool same_row[kItems] = {};
  float button = 0;        // the transport buttons' side
  int scrubber_lines = 1;  // the step counter's lines at the scrubber's width
  float scrubber_width = 0;
  float height = 0;  // of the panel
};

TimelinePlan plan_timeline(float panel_width) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize(), frame = ImGui::GetFrameHeight();
  const float content = panel_width - style.WindowPadding.x * 2.0f;
  TimelinePlan plan;
  plan.button = std::round(frame * 1.15f);
  const float text_pad = style.FramePadding.x * 2.0f + font;  // around a slider's text, room for its grab
  // The widest counter either mode shows (4-digit steps, sampling under way), so that switching modes or
  // starting a run never moves the rows.
  const std::string reverse = format_text(tr("step %%d / %d    t = %d    NFE = %d"), 1000, 1000, 2000) +
                              "   " + format_text(tr("(recording: %d of %d steps)"), 1000, 1000);
  const std::string counter =
      shown_width(reverse, 1000) > shown_width("t = %d / 4000", 4000) ? reverse : "t = %d / 4000";
  plan.width[TimelinePlan::kForward] = checkbox_width(ui_label(tr("Forward"), "forward").c_str());
  plan.width[TimelinePlan::kReverse] = checkbox_width(ui_label(tr("Reverse"), "reverse").c_str());
  plan.width[TimelinePlan::kTransport] = 5 * plan.button + 4 * style.ItemSpacing.x;
  plan.width[TimelinePlan::kSpeed] =
      ImGui::CalcTextSize(format_text(tr("%.0f steps/s"), 2000.0).c_str()).x + text_pad;
  plan.width[TimelinePlan::kScrubber] = shown_width(counter, 1000) + text_pad;
  plan.gap[TimelinePlan::kReverse] = style.ItemSpacing.x;
  plan.gap[TimelinePlan::kTransport] = font * 1.2f;
  plan.gap[TimelinePlan::kSpeed] = font * 0.8f;
  plan.gap[TimelinePlan::kScrubber] = font * 0.8f;
  const float heights[TimelinePlan::kItems] = {frame, frame, plan.button, frame, frame};
  float x = plan.width[0], row = heights[0], height = 0;
  for (int i = 1; i < TimelinePlan::kScrubber; ++i) {
    plan.same_row[i] = x + plan.gap[i] + plan.width[i] <= content;
    if (plan.same_row[i]) {
      x += plan.gap[i] + plan.width[i];
    } else {
      height += row + style.ItemSpacing.y;
      x = plan.width[i];
      row = 0;
    }
    row = std::max(row, heights[i]);
  }
  // The scrubber takes the rest of the last row, or a row of its own, whichever makes the bar lower: a
  // counter wider than the scrubber breaks into lines (a taller scrubber).
  const auto lines = [&](float width) {
    const std::vector<std::string> broken = lines_at_gaps(counter, width - text_pad, 1000);
    float widest = 0;
    for (const std::string& line : broken) widest = std::max(widest, shown_width(line, 1000));
    return widest <= width - text_pad ? static_cast<int>(broken.size()) : 1000;  // 1000: a part does not fit
  };
  const float beside = content - x - plan.gap[TimelinePlan::kScrubber];
  const int lines_beside = beside >= plan.width[TimelinePlan::kSpeed] ? lines(beside) : 1000;
  const int lines_below = lines(content);
  const float height_beside = std::max(row, frame + (lines_beside - 1) * font);
  const float height_below = row + style.ItemSpacing.y + frame + (lines_below - 1) * font;
  plan.same_row[TimelinePlan::kScrubber] = lines_beside < 1000 && height_beside <= height_below;
  if (plan.same_row[TimelinePlan::kScrubber]) {
    plan.scrubber_width = beside;
    plan.scrubber_lines = lines_beside;
    row = height_beside;
  } else {
    plan.scrubber_width = content;
    plan.scrubber_lines = std::min(lines_below, 3);
    height += row + style.ItemSpacing.y;
    row = frame + (plan.scrubber_lines - 1) * font;
  }
  plan.height = height + row + style.WindowPadding.y * 2.0f;
  return plan;
}

}  // namespace

float timeline_height(float width) {
  return plan_timeline(width).height;
}

void panel_timeline(PanelContext& context, const PanelRect& panel_rect) {
  // A view that widens the centre column widens the timeline too (images_view.cpp): it stays in the window.
  PanelRect rect = panel_rect;
  rect.size.x = std::min(rect.size.x, ImGui::GetIO().DisplaySize.x - rect.pos.x);
  if (!begin_panel("Timeline", rect, ImGuiWindowFlags_NoScrollbar)) {
    ImGui::End();
    return;
  }
  Scene& state = context.state;
  PlaybackState& playback = state.playback;
  const bool reverse = playback.mode == LabMode::Reverse;
  // Every view runs its sampler over this one timeline (views/view.h).
  const StepInfo info = context.view ? context.view->step_info() : StepInfo();
  const int end = reverse ? info.num_steps : context.schedule.timesteps();
  const TimelinePlan plan = plan_timeline(rect.size.x);
  const auto next = [&](int item) {
    if (plan.same_row[item]) ImGui::SameLine(0, plan.gap[item]);
  };

  // Mode.
  int mode = reverse ? 1 : 0;
  if (ImGui::RadioButton(ui_label(tr("Forward"), "forward").c_str(), &mode, 0)) set_mode(playback, LabMode::Forward);
  tooltip(tr("Forward process q: add noise to the data x\u2080 step by step until x_T is N(0, I) noise."));
  next(TimelinePlan::kReverse);
  if (ImGui::RadioButton(ui_label(tr("Reverse"), "reverse").c_str(), &mode, 1)) set_mode(playback, LabMode::Reverse);
  tooltip(tr("Reverse process p\u03b8: start from N(0, I) noise x_T and let the sampler remove the noise the model "
             "predicts, one step at a time, down to x\u2080."));
  next(TimelinePlan::kTransport);

  // Transport.
  const float button = plan.button;
  if (icon_button("##home", Icon::Home, button)) apply_transport(playback, Transport::Home, end);
  tooltip(tr("Jump to the start (Home key)."));
  ImGui::SameLine();
  if (icon_button("##back", Icon::StepBack, button)) apply_transport(playback, Transport::StepBack, end);
  tooltip(tr("One step back (left arrow)."));
  ImGui::SameLine();
  if (icon_button("##play", playback.playing ? Icon::Pause : Icon::Play, button))
    apply_transport(playback, Transport::TogglePlay, end);
  tooltip(tr("Play or pause (space)."));
  ImGui::SameLine();
  if (icon_button("##forward", Icon::StepForward, button)) apply_transport(playback, Transport::StepForward, end);
  tooltip(tr("One step forward (right arrow)."));
  ImGui::SameLine();
  if (icon_button("##end", Icon::End, button)) apply_transport(playback, Transport::End, end);
  tooltip(tr("Jump to the end (End key)."));
  next(TimelinePlan::kSpeed);

  const char* speed_format = tr("%.0f steps/s");
  ImGui::SetNextItemWidth(plan.width[TimelinePlan::kSpeed]);
  ImGui::SliderFloat("##speed", &playback.steps_per_second, 1.0f, 2000.0f, speed_format,
                     ImGuiSliderFlags_Logarithmic);
  check_fits(ImGui::CalcTextSize(format_text(speed_format, playback.steps_per_second).c_str()).x,
             plan.width[TimelinePlan::kSpeed] - ImGui::GetStyle().FramePadding.x * 2.0f, "##speed");
  tooltip(tr("Playback speed in steps per second. Slow it down near t = 0, where the last details appear."));
  next(TimelinePlan::kScrubber);

  // Scrubber over the whole run; the step counter lives in it: t, and in reverse the step index and the
  // network evaluations, on as many lines as the plan gives it. It shows the step the picture is at: while a
  // run records, the cursor may wait further on (End pressed early), and the recorded part of the run is the
  // bar under the slider.
  const StepCounter counter =
      step_counter(info, context.view ? context.view->reverse_status() : ReverseStatus(), playback.cursor);
  ImGui::SetNextItemWidth(-1);
  int position = reverse ? counter.step : static_cast<int>(std::floor(playback.cursor));
  const float room = plan.scrubber_width - ImGui::GetStyle().FramePadding.x * 2.0f - ImGui::GetFontSize();
  std::vector<std::string> lines = lines_at_gaps(counter_format(context, counter, reverse), room, position);
  // More lines than the plan has room for go on its last line (and count as clipped if that is too wide).
  while (static_cast<int>(lines.size()) > plan.scrubber_lines) {
    lines[lines.size() - 2] += "   " + lines.back();
    lines.pop_back();
  }
  for (const std::string& line : lines) check_fits(shown_width(line, position), room + ImGui::GetFontSize(), "##scrub");
  ImGui::PushStyleVar(
      ImGuiStyleVar_FramePadding,
      ImVec2(ImGui::GetStyle().FramePadding.x,
             ImGui::GetStyle().FramePadding.y + (plan.scrubber_lines - 1) * ImGui::GetFontSize() * 0.5f));
  // The counter is drawn over the slider, not as its format: ImGui formats a slider's value into 64
  // characters, which cut "(recording: 10 of 1000 steps)" short.
  if (ImGui::SliderInt("##scrub", &position, 0, std::max(1, end), "")) scrub(playback, position, end);
  {
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const float line_height = ImGui::GetTextLineHeight();
    float y = 0.5f * (min.y + max.y) - 0.5f * line_height * static_cast<float>(lines.size());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(min, max, true);
    for (const std::string& line : lines) {
      const std::string text = shown_text(line, position);
      const float width = ImGui::CalcTextSize(text.c_str()).x;
      draw->AddText(ImVec2(std::max(min.x, 0.5f * (min.x + max.x - width)), y), ImGui::GetColorU32(ImGuiCol_Text),
                    text.c_str());
      y += line_height;
    }
    draw->PopClipRect();
  }
  if (counter.recording && counter.num_steps > 0) {
    // The recorded part of the run: a bar along the slider's bottom edge.
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const float fraction = std::clamp(static_cast<float>(counter.recorded) / counter.num_steps, 0.0f, 1.0f);
    const float thickness = std::max(2.0f, ImGui::GetFontSize() * 0.18f);
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(min.x, max.y - thickness),
                                              ImVec2(min.x + (max.x - min.x) * fraction, max.y), colors::kMarker);
  }
  ImGui::PopStyleVar();
  tooltip(reverse ? tr("Scrub through the recorded sampling run: step 0 is the noise x_T, the last step is x\u2080. t is "
                       "the diffusion timestep of the points shown; NFE counts the network evaluations so far (Heun "
                       "costs two per step).")
                  : tr("Scrub over t = 0..T: x\u209c = \u221a\u1fb1\u209c x\u2080 + \u221a(1\u2212\u1fb1\u209c) \u03b5. t = 0 "
                       "is the clean data."));
  ImGui::End();
}

}  // namespace dlab::gui
