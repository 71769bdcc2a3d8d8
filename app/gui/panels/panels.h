// One function per window (Dear ImGui example style). Each reads and edits the real state directly.
// The layout is fixed and computed from the window size, so the app looks the same on every machine,
// fits 1280x720 and scales to 4K.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/gui/state/lesson.h"
#include "app/gui/state/scene.h"
#include "app/gui/ui/theme.h"
#include "app/gui/ui/widgets.h"
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
  PanelRect lesson;  // the slide's title and text, above the canvas (zero when no lesson is open)
};

// The window's layout under a menu bar `top` pixels high, with a lesson band `lesson_h` high over the canvas:
// the controls, the canvas over the formula, the plots, and the timeline across the bottom. The side columns
// are capped (they scroll) and the formula panel too, so the canvas keeps most of the window at any UI scale.
Layout compute_layout(ImVec2 display_size, float ui_scale, float top = 0.0f, float lesson_h = 0.0f);
// Presenter mode: the canvas fills the screen under the slide's band, the timeline a thin bar at the bottom,
// the plots (when shown) a column on the right; no controls, no formula panel.
Layout compute_presenter_layout(ImVec2 display_size, float ui_scale, float lesson_h, bool show_plots);

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
  bool presenter = false;                        // presenter mode: controls hidden, large type
  LessonSession* lesson = nullptr;               // the lesson open (lesson.h), for its band and editor
  const LessonValues* lesson_values = nullptr;   // the live values its text shows
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
// The 2D views' sections after their data section, as collapsing headers: schedule, forward process,
// sampler, model, training, view (the points and the Latent view).
void sections_after_data(PanelContext& context);
// What a view adds to the 2D canvas (the Latent view, issue 12: its tracked points, the decoded image under the
// mouse). `to_pixels` maps data coordinates to window pixels.
struct CanvasExtras {
  std::function<void(ImDrawList* draw, const std::function<ImVec2(float, float)>& to_pixels)> overlay;
  // While the mouse is over the canvas (not dragging): its data coordinates.
  std::function<void(float x, float y, const std::function<ImVec2(float, float)>& to_pixels)> hover;
};
void panel_canvas(PanelContext& context, const PanelRect& rect, const CanvasExtras* extras = nullptr);
void panel_timeline(PanelContext& context, const PanelRect& rect);
// The height the timeline's rows need in a panel `width` pixels wide (they flow onto more rows when narrow).
float timeline_height(float width);
void panel_plots(PanelContext& context, const PanelRect& rect);
void panel_formula(PanelContext& context, const PanelRect& rect);
// The lesson (panel_lesson.cpp): the slide's title and text with live values over the canvas, the slide editor
// in the controls column, and presenter mode's thin timeline.
float lesson_band_height(const PanelContext& context, float width);
void panel_lesson_band(PanelContext& context, const PanelRect& rect);
void lesson_section(PanelContext& context);
void panel_presenter_timeline(PanelContext& context, const PanelRect& rect);

// Explains the previous widget in terms of the DDPM notes while it is hovered (math text, wrapped).
void tooltip(const char* text);

// Starts a fixed, undecorated panel window at rect. Returns false when collapsed (call ImGui::End anyway).
bool begin_panel(const char* name, const PanelRect& rect, ImGuiWindowFlags extra_flags = 0);

}  // namespace dlab::gui
