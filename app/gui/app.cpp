// [SECTION] Window and context
// [SECTION] Main loop
// [SECTION] Per-frame state: UI scale, schedule, keyboard, playback
#include "app/gui/app.h"

#include <glad/gl.h>
// glad first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "app/gui/controls.h"
#include "app/gui/screenshot.h"

namespace dlab::gui {

namespace {

void glfw_error(int code, const char* description) { std::fprintf(stderr, "glfw error %d: %s\n", code, description); }

bool same_curve(const std::vector<CurvePoint>& a, const std::vector<CurvePoint>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].u != b[i].u || a[i].log_snr != b[i].log_snr) return false;
  return true;
}

bool same_schedule(const ScheduleConfig& a, const ScheduleConfig& b) {
  return a.kind == b.kind && a.timesteps == b.timesteps && a.beta_start == b.beta_start && a.beta_end == b.beta_end &&
         a.cosine_s == b.cosine_s && a.zero_terminal_snr == b.zero_terminal_snr &&
         same_curve(a.custom_curve, b.custom_curve);
}

}  // namespace

App::App(Options options) : options_(std::move(options)) {
  for (const auto& [name, value] : options_.settings) set_control(state_, name, value);  // validated by parse_options
  state_.playback.playing = options_.play;
  if (options_.frames < 0) options_.frames = 5;
}

App::~App() { shutdown(); }

// ============================================================================================
// [SECTION] Window and context
// ============================================================================================

bool App::init_window() {
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "error: cannot initialise GLFW (is there a display? try xvfb-run)\n");
    return false;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SAMPLES, 0);
  window_ = glfwCreateWindow(options_.width, options_.height, "Diffusion Lab", nullptr, nullptr);
  if (!window_) {
    std::fprintf(stderr, "error: cannot open a window with OpenGL 3.3 core\n");
    return false;
  }
  glfwMakeContextCurrent(window_);
  if (!gladLoadGL(glfwGetProcAddress)) {
    std::fprintf(stderr, "error: cannot load the OpenGL 3.3 functions\n");
    return false;
  }
  const bool measuring = !options_.screenshot.empty() || options_.bench_frames > 0 || !options_.stats_out.empty();
  glfwSwapInterval(options_.vsync && !measuring ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a fixed layout: nothing to remember between runs
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  imgui_ready_ = true;
  update_ui_scale();
  if (!font_warning_.empty()) messages_.push_back(font_warning_);
  if (options_.fullscreen) {
    // Toggled like the F key.
    fullscreen_ = false;
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      glfwGetWindowPos(window_, &windowed_pos_[0], &windowed_pos_[1]);
      glfwGetWindowSize(window_, &windowed_size_[0], &windowed_size_[1]);
      glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
      fullscreen_ = true;
    }
  }
  return true;
}

void App::shutdown() {
  if (imgui_ready_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    imgui_ready_ = false;
  }
  if (window_) {
    glfwDestroyWindow(window_);
    window_ = nullptr;
    glfwTerminate();
  }
}

// ============================================================================================
// [SECTION] Main loop
// ============================================================================================

int App::run() {
  if (!init_window()) return 1;
  last_time_ = glfwGetTime();
  while (!quit_ && !glfwWindowShouldClose(window_)) {
    const bool animating = state_.playback.playing || frame_index_ < 3 || !options_.screenshot.empty();
    if (animating)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(0.05);  // idle: do not spin the CPU while nothing moves
    frame();
  }
  shutdown();
  return exit_code_;
}

void App::frame() {
  const double now = glfwGetTime();
  const double elapsed = std::min(0.25, now - last_time_);
  last_time_ = now;

  update_ui_scale();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();

  handle_keyboard();
  advance_playback(elapsed);

  const ImGuiIO& io = ImGui::GetIO();
  const Layout layout = compute_layout(io.DisplaySize, ui_scale_);
  update_schedule();
  PanelContext context{state_, nullptr, schedule_, tables_, schedule_error_, fonts_, nullptr, shown_t(), {}, &messages_};
  panel_plots(context, layout.plots);

  ImGui::Render();
  int fb_width = 0, fb_height = 0;
  glfwGetFramebufferSize(window_, &fb_width, &fb_height);
  glViewport(0, 0, fb_width, fb_height);
  const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(colors::kBackground);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  ++frame_index_;
  if (!options_.screenshot.empty() && frame_index_ >= options_.frames) {
    try {
      save_screenshot(options_.screenshot, fb_width, fb_height);
      std::printf("saved %s (%dx%d)\n", options_.screenshot.c_str(), fb_width, fb_height);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      exit_code_ = 1;
    }
    quit_ = true;
  }
  glfwSwapBuffers(window_);
}

// ============================================================================================
// [SECTION] Per-frame state: UI scale, schedule, keyboard, playback
// ============================================================================================

void App::update_ui_scale() {
  int width = 0, height = 0;
  glfwGetWindowSize(window_, &width, &height);
  float content_x = 1.0f, content_y = 1.0f;
  glfwGetWindowContentScale(window_, &content_x, &content_y);
  const float scale = std::max(ui_scale_for(width, height, options_.ui_scale), content_x * options_.ui_scale);
  if (scale == ui_scale_ || width <= 0 || height <= 0) return;
  ui_scale_ = scale;
  state_.ui_scale = scale;
  fonts_ = load_fonts(scale, options_.font, &font_warning_);
  apply_theme(scale);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void App::update_schedule() {
  if (schedule_applied_ && same_schedule(applied_schedule_config_, state_.schedule)) return;
  applied_schedule_config_ = state_.schedule;
  try {
    schedule_ = NoiseSchedule(state_.schedule);
    tables_ = make_schedule_tables(schedule_);
    schedule_error_.clear();
  } catch (const std::exception& e) {
    // Keep drawing the last valid schedule; the controls show what to fix.
    schedule_error_ = e.what();
    if (!schedule_applied_) tables_ = make_schedule_tables(schedule_);
  }
  schedule_applied_ = true;
}

void App::handle_keyboard() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  PlaybackState& playback = state_.playback;
  const int end = schedule_.timesteps();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
    if (!playback.playing && playback.cursor >= end) playback.cursor = 0;
    playback.playing = !playback.playing;
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) {
    playback.playing = false;
    playback.cursor = std::min<double>(end, std::floor(playback.cursor) + 1);
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) {
    playback.playing = false;
    playback.cursor = std::max(0.0, std::ceil(playback.cursor) - 1);
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) playback.cursor = 0;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) playback.cursor = end;
  if (ImGui::IsKeyPressed(GLFW_KEY_F, false)) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    if (fullscreen_) {
      glfwSetWindowMonitor(window_, nullptr, windowed_pos_[0], windowed_pos_[1], windowed_size_[0], windowed_size_[1], 0);
      fullscreen_ = false;
    } else if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      glfwGetWindowPos(window_, &windowed_pos_[0], &windowed_pos_[1]);
      glfwGetWindowSize(window_, &windowed_size_[0], &windowed_size_[1]);
      glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
      fullscreen_ = true;
    }
  }
}

void App::advance_playback(double seconds) {
  PlaybackState& playback = state_.playback;
  const int end = schedule_.timesteps();
  if (playback.requested_t >= 0) {
    playback.cursor = std::min(playback.requested_t, end);
    playback.requested_t = -1;
  }
  if (playback.playing) {
    playback.cursor += seconds * playback.steps_per_second;
    if (playback.cursor >= end) {
      playback.cursor = end;
      playback.playing = false;
    }
  }
  playback.cursor = std::clamp(playback.cursor, 0.0, static_cast<double>(end));
}

int App::shown_t() const { return static_cast<int>(std::floor(state_.playback.cursor)); }

}  // namespace dlab::gui
