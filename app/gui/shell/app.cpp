// [SECTION] Window and context
// [SECTION] Main loop
// [SECTION] Per-frame state: UI scale, schedule, keyboard, playback
#include "app/gui/shell/app.h"

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

#include "app/gui/render/canvas_renderer.h"
#include "app/gui/state/controls.h"
#include "app/gui/views/images/image_lab.h"
#include "app/gui/views/images/image_panels.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/render/screenshot.h"
#include "app/gui/state/scene_file.h"
#include "app/gui/timeline/timeline.h"
#include "core/atomic_file.h"

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
  if (!options_.open.empty()) {
    try {
      open_scene(options_.open);
    } catch (const SceneFileError& e) {
      if (options_.batch()) throw;  // main prints "error: FILE: FIELD: ..." and exits 1
      messages_.push_back(e.what());  // a person sees it in the window, over the default scene
    }
  }
  for (const auto& [name, value] : options_.settings) set_control(state_, name, value);  // validated by parse_options
  if (options_.play) state_.playback.playing = true;
  if (options_.frames < 0) options_.frames = 5;
  if (!options_.script.empty()) script_ = load_script(options_.script);  // throws, naming file and line
}

App::~App() { shutdown(); }

namespace {

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

}  // namespace

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
  const bool measuring = !options_.screenshot.empty() || options_.bench_frames > 0 || !options_.stats_out.empty() ||
                         !options_.script.empty();
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
  try {
    renderer_ = std::make_unique<CanvasRenderer>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return false;
  }
  lab_ = std::make_unique<Lab>();
  images_ = std::make_unique<ImageLab>();
  image_textures_ = std::make_unique<ImageTextures>();
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
  lab_.reset();  // stops the worker threads
  images_.reset();
  image_textures_.reset();
  renderer_.reset();
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
    const bool sampling = lab_ && images_ && (reverse_running() || busy());
    const bool animating = state_.playback.playing || sampling || frame_index_ < 3 || !options_.screenshot.empty() ||
                           !options_.stats_out.empty() || !options_.script.empty() || options_.bench_frames > 0;
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
  bench_frame_start();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  run_script();
  apply_injected_input();
  ImGui::NewFrame();

  handle_keyboard();
  advance_playback(elapsed);

  const ImGuiIO& io = ImGui::GetIO();
  Layout layout = compute_layout(io.DisplaySize, ui_scale_);
  update_schedule();
  PanelContext context{state_,    lab_.get(), schedule_, tables_, schedule_error_, fonts_, renderer_.get(), 0, {},
                       &messages_, images_.get(), image_textures_.get(), ui_scale_};
  // The controls first, so what they change is drawn in this same frame.
  panel_controls(context, layout.controls);
  update_schedule();
  lab_->set_schedule(schedule_);
  if (images_shown()) {
    // The image view: its own data, model and sampler run over the same timeline and controls; the 2D
    // Lab waits (no 2D sampling in the background). The images take the plots column's width too.
    images_->sync(state_, schedule_);
    context.shown_t = images_->step_info().t;
    context.sampling_timesteps = images_->sampling_timesteps();
    for (PanelRect* rect : {&layout.canvas, &layout.timeline, &layout.formula}) rect->size.x += layout.plots.size.x;
  } else {
    lab_->sync(state_);
    context.shown_t = lab_->step_info().t;
    context.sampling_timesteps = lab_->sampling_timesteps();
  }
  load_pending_checkpoint();
  finish_checkpoint_load();
  apply_training_request();
  apply_scene_request();
  // Thin borders between the panels (they draw no background of their own).
  ImDrawList* background = ImGui::GetBackgroundDrawList();
  const bool images = images_shown();
  for (const PanelRect* rect : {&layout.controls, &layout.canvas, &layout.timeline, &layout.formula, &layout.plots}) {
    if (images && rect == &layout.plots) continue;
    background->AddRect(rect->pos, ImVec2(rect->pos.x + rect->size.x, rect->pos.y + rect->size.y),
                        ImGui::GetColorU32(ImGuiCol_Border));
  }
  if (images) {
    panel_images(context, layout.canvas);
    panel_timeline(context, layout.timeline);
    panel_filmstrip(context, layout.formula);
  } else {
    panel_canvas(context, layout.canvas);
    panel_timeline(context, layout.timeline);
    panel_formula(context, layout.formula);
    panel_plots(context, layout.plots);
  }

  ImGui::Render();
  int fb_width = 0, fb_height = 0;
  glfwGetFramebufferSize(window_, &fb_width, &fb_height);
  glViewport(0, 0, fb_width, fb_height);
  const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(colors::kBackground);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  ++frame_index_;
  capture(fb_width, fb_height);
  finish_script_frame(fb_width, fb_height);
  bench_frame_end();
  glfwSwapBuffers(window_);
}

// After --frames frames: the screenshot and the statistics, then exit. A reverse run still sampling
// is waited for first (then one more frame is drawn), so the result does not depend on timing.
void App::capture(int fb_width, int fb_height) {
  const bool wants_capture =
      (!options_.screenshot.empty() || !options_.stats_out.empty() || !options_.save_scene.empty()) &&
      options_.script.empty();
  if (!wants_capture || frame_index_ < options_.frames) return;
  // A checkpoint or data set still loading, or a chain still catching up: draw more frames (the UI
  // thread never blocks on them).
  if (busy() || checkpoint_load_.id != 0 || !pending_checkpoint_.empty()) return;
  if (!waited_for_sampling_ && state_.playback.mode == LabMode::Reverse && reverse_running()) {
    wait_for_reverse();
    waited_for_sampling_ = true;
    return;  // draw the finished run first
  }
  if (!options_.stats_out.empty()) write_stats(options_.stats_out);
  if (!options_.save_scene.empty()) {
    try {
      save_scene(options_.save_scene);
      std::printf("saved scene %s\n", options_.save_scene.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      exit_code_ = 1;
    }
  }
  if (!options_.screenshot.empty()) {
    try {
      save_screenshot(options_.screenshot, fb_width, fb_height);
      std::printf("saved %s (%dx%d)\n", options_.screenshot.c_str(), fb_width, fb_height);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      exit_code_ = 1;
    }
  }
  quit_ = true;
}

bool App::busy() const { return images_shown() ? images_->busy() : lab_->busy(); }

bool App::reverse_running() const {
  return images_shown() ? images_->reverse_status().running : lab_->reverse_status().running;
}

void App::wait_for_reverse() {
  if (images_shown())
    images_->wait_for_reverse(600.0);
  else
    lab_->wait_for_reverse(600.0);
}

// The image view's statistics: the pixels of x_t over the grid (N(0, 1) at t = T), the cursor and the model.
void App::write_json(const std::string& path, const std::string& json) {
  try {
    write_text_atomically(path, json);
    std::printf("wrote %s\n", path.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    exit_code_ = 1;
  }
}

void App::write_image_stats(const std::string& path) {
  const PixelStats stats = images_->pixel_stats();
  const StepInfo info = images_->step_info();
  const ReverseStatus status = images_->reverse_status();
  std::string json = "{\n";
  json += "  \"view\": \"images\",\n";
  json += "  \"image_dataset\": " + json_string(state_.images.dataset) + ",\n";
  json += "  \"images\": " + std::to_string(images_->view().x ? images_->view().x->count : 0) + ",\n";
  json += "  \"mode\": \"" + std::string(to_name(state_.playback.mode)) + "\",\n";
  json += "  \"t\": " + std::to_string(info.t) + ",\n";
  json += "  \"step\": " + std::to_string(info.step) + ",\n";
  json += "  \"num_steps\": " + std::to_string(info.num_steps) + ",\n";
  json += "  \"nfe\": " + std::to_string(info.nfe) + ",\n";
  json += "  \"model_available\": " + std::string(images_->has_model() ? "true" : "false") + ",\n";
  json += "  \"model_path\": " + json_string(images_->model_path()) + ",\n";
  json += "  \"model_description\": " + json_string(images_->model_description()) + ",\n";
  json += "  \"model_error\": " + json_string(images_->model_error()) + ",\n";
  json += "  \"model_classes\": " + std::to_string(images_->model_classes()) + ",\n";
  const ImageView& view = images_->view();
  json += "  \"x0_hat_images\": " + std::to_string(view.x0_hat ? view.x0_hat->count : 0) + ",\n";
  json += "  \"eps_hat_images\": " + std::to_string(view.eps_hat ? view.eps_hat->count : 0) + ",\n";
  json += "  \"filmstrip_frames\": " + std::to_string(images_->filmstrip().t.size()) + ",\n";
  json += "  \"sampling_error\": " + json_string(status.error) + ",\n";
  json += "  \"data_error\": " + json_string(images_->data_error()) + ",\n";
  json += "  \"schedule_error\": " + json_string(schedule_error_) + ",\n";
  json += "  \"timesteps\": " + std::to_string(schedule_.timesteps()) + ",\n";
  json += "  \"last_message\": " + json_string(messages_.empty() ? "" : messages_.back()) + ",\n";
  json += "  \"n\": " + std::to_string(stats.n) + ",\n";
  json += "  \"pixel_mean\": " + json_number(stats.n > 0 ? stats.mean : NAN) + ",\n";
  json += "  \"pixel_std\": " + json_number(stats.n > 0 ? stats.std : NAN) + ",\n";
  json += "  \"ms_per_step\": " + json_number(images_->last_reverse_ms_per_step()) + "\n";
  json += "}\n";
  write_json(path, json);
}

void App::write_stats(const std::string& path) {
  if (images_shown()) {
    write_image_stats(path);
    return;
  }
  const PointStats stats = lab_->stats(true);
  const StepInfo info = lab_->step_info();
  const ReverseStatus status = lab_->reverse_status();
  std::string json = "{\n";
  json += "  \"mode\": \"" + std::string(to_name(state_.playback.mode)) + "\",\n";
  json += "  \"t\": " + std::to_string(info.t) + ",\n";
  json += "  \"step\": " + std::to_string(info.step) + ",\n";
  json += "  \"num_steps\": " + std::to_string(info.num_steps) + ",\n";
  json += "  \"nfe\": " + std::to_string(info.nfe) + ",\n";
  json += "  \"model\": \"" + std::string(to_name(state_.model)) + "\",\n";
  json += "  \"model_available\": " + std::string(lab_->has_model() ? "true" : "false") + ",\n";
  json += "  \"model_description\": " + json_string(lab_->model_description()) + ",\n";
  json += "  \"sampling_error\": " + json_string(status.error) + ",\n";
  json += "  \"data_error\": " + json_string(lab_->data_error()) + ",\n";
  json += "  \"schedule_error\": " + json_string(schedule_error_) + ",\n";
  json += "  \"timesteps\": " + std::to_string(schedule_.timesteps()) + ",\n";
  json += "  \"followed_point\": " + std::to_string(state_.followed_point) + ",\n";
  json += "  \"last_message\": " + json_string(messages_.empty() ? "" : messages_.back()) + ",\n";
  json += "  \"n\": " + std::to_string(stats.n) + ",\n";
  json += "  \"mean\": [" + json_number(stats.mean[0]) + ", " + json_number(stats.mean[1]) + "],\n";
  json += "  \"cov\": [[" + json_number(stats.cov[0][0]) + ", " + json_number(stats.cov[0][1]) + "], [" +
          json_number(stats.cov[1][0]) + ", " + json_number(stats.cov[1][1]) + "]],\n";
  json += "  \"near_mode_fraction\": " + json_number(stats.near_mode_fraction < 0 ? NAN : stats.near_mode_fraction) + ",\n";
  json += "  \"mean_nearest_data_distance\": " + json_number(stats.mean_nearest_data_distance) + ",\n";
  const TrainingStatus training = lab_->training_status();
  json += "  \"training_step\": " + std::to_string(training.step) + ",\n";
  json += "  \"training_loss\": " + json_number(training.exists ? training.loss : NAN) + ",\n";
  json += "  \"prior_kl\": " + json_number(lab_->prior_kl()) + "\n";
  json += "}\n";
  write_json(path, json);
}

// ============================================================================================
// [SECTION] Per-frame state: UI scale, schedule, keyboard, playback
// ============================================================================================

// Start / pause / reset of live training asked for by a button, a flag or a script.
void App::apply_training_request() {
  TrainingRequest& request = state_.requests.training;
  switch (request) {
    case TrainingRequest::Start:
      lab_->training_start(state_);
      state_.model = ModelSource::Live;  // watch the network being trained
      break;
    case TrainingRequest::Pause:
      lab_->training_pause();
      break;
    case TrainingRequest::Reset:
      lab_->training_reset();
      if (state_.model == ModelSource::Live) state_.model = ModelSource::Pretrained;
      break;
    case TrainingRequest::None:
      break;
  }
  request = TrainingRequest::None;
}

void App::open_scene(const std::string& path) {
  Scene scene = load_scene(path);
  scene.drafts = state_.drafts;  // text being typed stays
  scene.drafts.scene_path = path;
  scene.requests.plots_tab = scene.plots_tab;
  pending_checkpoint_ = scene.live_checkpoint;
  state_ = std::move(scene);
}

void App::save_scene(const std::string& path) {
  Scene scene = state_;
  scene.live_checkpoint.clear();
  if (lab_ && lab_->training_status().exists) {
    // A network trained here travels with the scene: FILE.model.pt beside FILE.
    const std::string stem = path.size() > 5 && path.substr(path.size() - 5) == ".json" ? path.substr(0, path.size() - 5) : path;
    const std::string checkpoint = stem + ".model.pt";
    std::string error;
    if (!lab_->training_save(checkpoint, &error)) throw std::runtime_error(error);
    scene.live_checkpoint = checkpoint;
  }
  dlab::gui::save_scene(path, scene);
}

void App::apply_scene_request() {
  const SceneRequest request = state_.requests.scene;
  state_.requests.scene = SceneRequest::None;
  const std::string path = state_.drafts.scene_path;
  try {
    if (request == SceneRequest::Save) {
      save_scene(path);
      messages_.push_back("saved the scene to " + path);
    } else if (request == SceneRequest::Open) {
      open_scene(path);
      messages_.push_back("opened " + path);
    }
  } catch (const std::exception& e) {
    messages_.push_back(e.what());  // the current scene stays as it was
  }
}

void App::load_pending_checkpoint() {
  if (pending_checkpoint_.empty() || images_shown() || !lab_->data_error().empty()) return;
  start_checkpoint_load(pending_checkpoint_, LoadOrigin::Scene);
  pending_checkpoint_.clear();
}

void App::start_checkpoint_load(const std::string& path, LoadOrigin origin) {
  checkpoint_load_.id = lab_->training_load(path);
  checkpoint_load_.origin = origin;
  checkpoint_load_.path = path;
  if (origin == LoadOrigin::Button) {
    state_.drafts.checkpoint_ok = true;
    state_.drafts.checkpoint_message = "loading " + path + " ...";
  }
}

void App::finish_checkpoint_load() {
  if (state_.requests.load_checkpoint) {
    state_.requests.load_checkpoint = false;
    start_checkpoint_load(state_.training.checkpoint_path, LoadOrigin::Button);
  }
  if (checkpoint_load_.id == 0) return;
  const CheckpointLoad load = lab_->training_load_status();
  if (load.id == checkpoint_load_.id && !load.done) return;
  // A newer load replaced this one (load.id differs): this one reports the newer one's outcome.
  const LoadOrigin origin = checkpoint_load_.origin;
  const std::string path = checkpoint_load_.path;
  checkpoint_load_ = CheckpointLoadInFlight();
  if (load.ok && origin != LoadOrigin::Scene) state_.model = ModelSource::Live;  // sample with it
  switch (origin) {
    case LoadOrigin::Button:
      state_.drafts.checkpoint_ok = load.ok;
      state_.drafts.checkpoint_message = load.message;
      break;
    case LoadOrigin::Script:
      if (!load.ok) messages_.push_back(load.message);  // shown in the window, as when the button is pressed
      std::printf("load %s: %s\n", path.c_str(), load.ok ? "ok" : load.message.c_str());
      break;
    case LoadOrigin::Scene:
      if (load.ok) break;
      messages_.push_back(load.message);
      if (options_.batch()) {
        std::fprintf(stderr, "error: %s\n", load.message.c_str());
        exit_code_ = 1;
        quit_ = true;
      }
      break;
  }
}

void App::update_ui_scale() {
  int width = 0, height = 0;
  glfwGetWindowSize(window_, &width, &height);
  float content_x = 1.0f, content_y = 1.0f;
  glfwGetWindowContentScale(window_, &content_x, &content_y);
  const float scale = std::max(ui_scale_for(width, height, options_.ui_scale), content_x * options_.ui_scale);
  if (scale == ui_scale_ || width <= 0 || height <= 0) return;
  ui_scale_ = scale;
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
  const int end = cursor_end(state_, schedule_);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) apply_transport(playback, Transport::TogglePlay, end);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) apply_transport(playback, Transport::StepForward, end);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) apply_transport(playback, Transport::StepBack, end);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) apply_transport(playback, Transport::Home, end);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) apply_transport(playback, Transport::End, end);
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
  dlab::gui::advance_playback(state_.playback, seconds, cursor_end(state_, schedule_));
}


}  // namespace dlab::gui
