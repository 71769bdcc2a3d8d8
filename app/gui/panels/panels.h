// One function per window (Dear ImGui example style). Each reads and edits the real state directly.
// The layout is fixed and computed from the window size, so the app looks the same on every machine,
// fits 1280x720 and scales to 4K.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/state/scene.h"
#include "app/gui/ui/theme.h"
#include "core/schedule.h"

namespace dlab::gui {

class Lab;
class CanvasRenderer;
class View;

struct PanelRect {
  ImVec2 pos, size;
};

struct Layout {
  PanelRect controls, canvas, timeline, formula, plots;
};

Layout compute_layout(ImVec2 display_size, float ui_scale);

// The per-t columns of the schedule, as doubles for the plots; rebuilt when the schedule changes.
struct ScheduleTables {
  std::vector<double> t, beta, beta_tilde, alpha_bar, sqrt_alpha_bar, sqrt_one_minus_alpha_bar, snr, log_snr;
};
ScheduleTables make_schedule_tables(const NoiseSchedule& schedule);

// Everything a panel may read, for this frame.
struct PanelContext {
  Scene& state;
  Lab* lab = nullptr;
  const NoiseSchedule& schedule;
  const ScheduleTables& tables;
  const std::string& schedule_error;
  const Fonts& fonts;
  CanvasRenderer* renderer = nullptr;
  int shown_t = 0;                     // the timestep of the points shown, for every marker
  std::vector<int> sampling_timesteps; // reverse: the K timesteps the sampler visits (ascending)
  std::vector<std::string>* messages = nullptr;  // transient messages (errors of actions)
  View* view = nullptr;                          // the view shown (views/view.h)
  float ui_scale = 1.0f;                         // the UI scale of this frame (text, widgets, points)
};

void panel_controls(PanelContext& context, const PanelRect& rect);
// Sections of the controls column that views compose (panel_controls.cpp, panel_training.cpp).
void data_section(PanelContext& context);
void schedule_section(PanelContext& context);
void forward_section(PanelContext& context);
void sampler_section(PanelContext& context);
void model_section(PanelContext& context);
void view_section(PanelContext& context);
void panel_training_section(PanelContext& context);
void panel_canvas(PanelContext& context, const PanelRect& rect);
void panel_timeline(PanelContext& context, const PanelRect& rect);
void panel_plots(PanelContext& context, const PanelRect& rect);
void panel_formula(PanelContext& context, const PanelRect& rect);

// Explains the previous widget in terms of the DDPM notes while it is hovered (math text, wrapped).
void tooltip(const char* text);

// Starts a fixed, undecorated panel window at rect. Returns false when collapsed (call ImGui::End anyway).
bool begin_panel(const char* name, const PanelRect& rect, ImGuiWindowFlags extra_flags = 0);

}  // namespace dlab::gui
