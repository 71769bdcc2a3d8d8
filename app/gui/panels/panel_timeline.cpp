// The timeline: mode (forward / reverse), transport buttons (home, step back, play/pause, step forward,
// end), speed, the step counter (t, step, NFE) and a scrubber over t = 0..T or the K sampler steps.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/gui/state/i18n.h"
#include "app/gui/views/view.h"
#include "app/gui/panels/panels.h"
#include "app/gui/timeline/timeline.h"

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

}  // namespace

void panel_timeline(PanelContext& context, const PanelRect& rect) {
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
  const float button = ImGui::GetFrameHeight() * 1.25f;

  // Mode.
  int mode = reverse ? 1 : 0;
  ImGui::AlignTextToFramePadding();
  if (ImGui::RadioButton(ui_label(tr("Forward"), "forward").c_str(), &mode, 0)) set_mode(playback, LabMode::Forward);
  tooltip(tr("Forward process q: add noise to the data x\u2080 step by step until x_T is N(0, I) noise."));
  ImGui::SameLine();
  if (ImGui::RadioButton(ui_label(tr("Reverse"), "reverse").c_str(), &mode, 1)) set_mode(playback, LabMode::Reverse);
  tooltip(tr("Reverse process p\u03b8: start from N(0, I) noise x_T and let the sampler remove the noise the model "
             "predicts, one step at a time, down to x\u2080."));
  ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);

  // Transport.
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
  ImGui::SameLine(0, ImGui::GetFontSize());

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
  ImGui::SliderFloat("##speed", &playback.steps_per_second, 1.0f, 2000.0f, tr("%.0f steps/s"), ImGuiSliderFlags_Logarithmic);
  tooltip(tr("Playback speed in steps per second. Slow it down near t = 0, where the last details appear."));

  // Scrubber over the whole run.
  ImGui::SetNextItemWidth(-1);
  int position = static_cast<int>(std::floor(playback.cursor));
  // The step counter lives in the scrubber: t, and in reverse the step index and the network evaluations.
  std::string format;  // the slider's printf format: %%d is the step it fills in, %% a percent sign
  if (reverse) {
    const ReverseStatus status = context.view ? context.view->reverse_status() : ReverseStatus();
    std::string sampling;
    if (status.running && status.num_steps > 0) {
      const std::string progress = format_text(tr("(sampling %d%%)"), 100 * (status.frames - 1) / status.num_steps);
      sampling = "   ";
      for (char c : progress) sampling += c == '%' ? std::string("%%") : std::string(1, c);
    }
    // TRANSLATORS: %%d stays as it is: the slider replaces it with the step shown.
    format = format_text(tr("step %%d / %d    t = %d    NFE = %d"), info.num_steps, info.t, info.nfe) + sampling;
  } else {
    format = format_text("t = %%d / %d", context.schedule.timesteps());
  }
  if (ImGui::SliderInt("##scrub", &position, 0, std::max(1, end), format.c_str())) scrub(playback, position, end);
  tooltip(reverse ? tr("Scrub through the recorded sampling run: step 0 is the noise x_T, the last step is x\u2080. t is "
                       "the diffusion timestep of the points shown; NFE counts the network evaluations so far (Heun "
                       "costs two per step).")
                  : tr("Scrub over t = 0..T: x\u209c = \u221a\u1fb1\u209c x\u2080 + \u221a(1\u2212\u1fb1\u209c) \u03b5. t = 0 "
                       "is the clean data."));
  ImGui::End();
}

}  // namespace dlab::gui
