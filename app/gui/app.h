// The application: a GLFW window with an OpenGL 3.3 core context, Dear ImGui, and a straight-line
// main loop (Dear ImGui example_glfw_opengl3 style) that draws one window per panel.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/gui/app_state.h"
#include "app/gui/options.h"
#include "app/gui/panels.h"
#include "app/gui/theme.h"
#include "core/schedule.h"

struct GLFWwindow;

namespace dlab::gui {

class App {
 public:
  explicit App(Options options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Opens the window and runs until it is closed (or the screenshot / benchmark / script is done).
  // Returns the process exit code.
  int run();

 private:
  bool init_window();
  void shutdown();
  void frame();
  void update_ui_scale();
  void update_schedule();
  void handle_keyboard();
  void advance_playback(double seconds);
  int shown_t() const;

  Options options_;
  AppState state_;
  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false;
  Fonts fonts_;
  float ui_scale_ = 0.0f;
  std::string font_warning_;

  // The schedule follows state_.schedule; an invalid configuration keeps the last valid schedule and
  // shows the error.
  ScheduleConfig applied_schedule_config_;
  bool schedule_applied_ = false;
  NoiseSchedule schedule_;
  ScheduleTables tables_;
  std::string schedule_error_;

  std::vector<std::string> messages_;
  long long frame_index_ = 0;
  double last_time_ = 0.0;
  bool quit_ = false;
  int exit_code_ = 0;
  bool fullscreen_ = false;
  int windowed_pos_[2] = {0, 0}, windowed_size_[2] = {0, 0};
};

}  // namespace dlab::gui
