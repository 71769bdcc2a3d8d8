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
#include "app/gui/views/view.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/render/screenshot.h"
#include "app/gui/shell/app_export.h"
#include "app/gui/state/i18n.h"
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

App::App(Options options) : options_(std::move(options)), export_(std::make_unique<ExportState>()) {
  if (!options_.open.empty()) {
    try {
      open_scene(options_.open);
    } catch (const SceneFileError& e) {
      if (options_.batch()) throw;  // main prints "error: FILE: FIELD: ..." and exits 1
      messages_.push_back(e.what());  // a person sees it in the window, over the default scene
    }
  }
  if (!options_.lesson.empty()) {
    try {
      open_lesson(options_.lesson, options_.slide - 1);
    } catch (const std::exception& e) {
      if (options_.batch()) throw;  // main prints "error: FILE: FIELD: ..." and exits 1
      messages_.push_back(e.what());
    }
  }
  for (const auto& [name, value] : options_.settings) set_control(state_, name, value);  // validated by parse_options
  if (!state_.language) state_.language = language_from_environment();
  set_language(*state_.language);
  presenter_ = options_.presenter;
  if (options_.play) state_.playback.playing = true;
  if (options_.frames < 0) options_.frames = 5;
  if (!options_.script.empty()) script_ = load_script(options_.script);  // throws, naming file and line
}

App::~App() { shutdown(); }

namespace {

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
                         !options_.script.empty() || options_.exports();
  glfwSwapInterval(options_.vsync && !measuring ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a fixed layout: nothing to remember between runs
  // No keyboard navigation of the widgets: Space, the arrows, Home and End (and a clicker's Page Up / Page
  // Down) are the timeline's and the lesson's keys; with navigation on, End would also move the focus to the
  // last widget and the next Space press it (the scrubber), pausing what Space had just started.
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
  views_ = make_views(ViewServices{lab_.get(), renderer_.get()});
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
  views_.clear();  // before the Lab they borrow, with the GL context current
  export_.reset();  // its framebuffer, with the GL context current; an unfinished video is cancelled
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
    const bool sampling = lab_ && !views_.empty() && (reverse_running() || busy());
    const bool animating = state_.playback.playing || sampling || frame_index_ < 3 || !options_.screenshot.empty() ||
                           !options_.stats_out.empty() || !options_.script.empty() || options_.bench_frames > 0 || options_.exports() ||
                           exporting();
    if (animating)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(0.05);  // idle: do not spin the CPU while nothing moves
    frame();
  }
  shutdown();
  if (!strict_translations_ok()) exit_code_ = 1;  // DLAB_I18N_STRICT=1: a string shown without its translation
  return exit_code_;
}

void App::frame() {
  const double now = glfwGetTime();
  const double elapsed = std::min(0.25, now - last_time_);
  last_time_ = now;

  // An export may draw this frame off screen, at its own size and scale (app_export.cpp).
  const bool offscreen = begin_export_frame();
  update_ui_scale();
  bench_frame_start();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (offscreen) override_export_display();
  run_script();
  apply_injected_input();
  ImGui::NewFrame();

  handle_keyboard();
  apply_lesson_requests();
  if (state_.language) set_language(*state_.language);
  advance_playback(elapsed);

  const ImGuiIO& io = ImGui::GetIO();
  update_schedule();
  PanelContext context{state_,    lab_.get(), schedule_, tables_, schedule_error_, fonts_, renderer_.get(), 0, {},
                       &messages_, &view(), ui_scale_};
  context.presenter = presenter_;
  context.lesson = &lesson_;
  context.lesson_values = &lesson_values_;
  const float menu_h = presenter_ ? 0.0f : draw_menu_bar();
  const float plots_w = presenter_ && presenter_plots_ ? std::min(520.0f * ui_scale_, io.DisplaySize.x * 0.34f) : 0.0f;
  const float band_w = presenter_ ? io.DisplaySize.x - plots_w
                                  : compute_layout(io.DisplaySize, ui_scale_, menu_h).canvas.size.x;
  const float band_h = lesson_band_height(context, band_w);
  Layout layout = presenter_ ? compute_presenter_layout(io.DisplaySize, ui_scale_, band_h, presenter_plots_)
                             : compute_layout(io.DisplaySize, ui_scale_, menu_h, band_h);
  // The controls first, so what they change is drawn in this same frame.
  panel_controls(context, layout.controls);
  update_schedule();
  lab_->set_schedule(schedule_);
  // The view shown follows the scene; the others wait (no sampling in the background).
  View& shown = view();
  context.view = &shown;
  shown.sync(state_, schedule_);
  report_control_errors(shown.take_control_errors());
  context.shown_t = shown.step_info().t;
  context.sampling_timesteps = shown.sampling_timesteps();
  load_pending_checkpoint();
  finish_checkpoint_load();
  apply_training_request();
  apply_scene_request();
  update_lesson_values();
  panel_lesson_band(context, layout.lesson);
  // The view's windows, then the shared timeline; thin borders between the panels (they draw no background
  // of their own; a view may give the plots column's width to its other panels).
  shown.draw(context, layout);
  if (presenter_)
    panel_presenter_timeline(context, layout.timeline);
  else
    panel_timeline(context, layout.timeline);
  ImDrawList* background = ImGui::GetBackgroundDrawList();
  for (const PanelRect* rect : {&layout.controls, &layout.canvas, &layout.timeline, &layout.formula, &layout.plots}) {
    if (rect->size.x <= 0 || rect->size.y <= 0) continue;
    background->AddRect(rect->pos, ImVec2(rect->pos.x + rect->size.x, rect->pos.y + rect->size.y),
                        ImGui::GetColorU32(ImGuiCol_Border));
  }

  export_->layout = layout;
  if (offscreen)
    draw_export_overlay();
  else
    draw_export_window();
  ImGui::Render();
  if (offscreen) {
    finish_export_frame();  // into the export's framebuffer: nothing to capture or show
    ++frame_index_;
    return;
  }
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
  if (export_->cli_started) {  // the --export-* flags run over the next frames, then exit
    if (!start_cli_exports()) quit_ = true;
    return;
  }
  if ((!wants_capture && !(options_.exports() && options_.script.empty())) || frame_index_ < options_.frames) return;
  // A checkpoint or data set still loading, or a chain still catching up: draw more frames (the UI
  // thread never blocks on them).
  if (busy() || checkpoint_load_.id != 0 || !pending_checkpoint_.empty()) {
    settled_frames_ = 0;
    return;
  }
  // Every run: a scene opened with --open may start a second run after the first frames (the first one's
  // recording is then replaced, its end colours with it), and the picture must show the last one finished.
  if (state_.playback.mode == LabMode::Reverse && reverse_running()) {
    wait_for_reverse();
    waited_for_sampling_ = true;
    settled_frames_ = 0;
    return;  // draw the finished run first
  }
  // Statistics computed on request (the ELBO, the quality of the run: view.h) when the ELBO tab is shown:
  // draw more frames until they are in, so the numbers and the picture do not depend on timing.
  // --stats-out asks for them with the ELBO tab shown (each costs seconds: the other runs do not wait for them).
  if (view().stats_pending(!options_.stats_out.empty() && state_.plots_tab == kPlotsTabElbo)) {
    settled_frames_ = 0;
    return;
  }
  // One more frame once everything is in: ImGui sizes scrollbars and wrapped rows from the previous frame's
  // content, so the frame where the last result arrives is not yet the settled picture.
  if (++settled_frames_ < 2) return;
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
  if (options_.exports() && start_cli_exports()) return;  // pictures and videos take frames; then exit
  quit_ = true;
}

View& App::view() {
  for (auto& [name, view] : views_)
    if (name == state_.main_view) return *view;
  return *views_.front().second;
}

const View& App::view() const { return const_cast<App*>(this)->view(); }

bool App::busy() const { return view().busy(); }

bool App::reverse_running() const {
  return view().reverse_status().running;
}

void App::wait_for_reverse() {
  view().wait_for_reverse(600.0);
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

// The statistics of what is shown: the timeline's and the app's fields, then the view's own.
void App::write_stats(const std::string& path) {
  const StepInfo info = view().step_info();
  nlohmann::ordered_json json;
  json["mode"] = to_name(state_.playback.mode);
  json["t"] = info.t;
  json["step"] = info.step;
  json["num_steps"] = info.num_steps;
  json["nfe"] = info.nfe;
  // The timeline's step counter (timeline.h: step_counter): the step it shows and the recording's progress.
  const StepCounter counter = step_counter(info, view().reverse_status(), state_.playback.cursor);
  json["counter_step"] = counter.step;
  json["recording"] = counter.recording;
  json["recorded_steps"] = counter.recording ? counter.recorded : info.num_steps;
  json["cursor_waiting"] = counter.waiting;
  json["sampler"] = to_name(state_.sampler.kind);
  json["eta"] = state_.sampler.effective_eta();
  json["sampling_error"] = view().reverse_status().error;
  json["schedule_error"] = schedule_error_;
  json["timesteps"] = schedule_.timesteps();
  json["last_message"] = messages_.empty() ? "" : messages_.back();
  json["lang"] = to_name(state_.language.value_or(Language::En));
  json["presenter"] = presenter_;
  if (lesson_.is_open()) {
    // The slide shown and its text as the window shows it, live values filled in.
    const Slide& slide = lesson_.lesson.slides[static_cast<std::size_t>(lesson_.slide)];
    const Language language = state_.language.value_or(Language::En);
    lesson_values_time_ = -1;  // the view's statistics of this frame
    update_lesson_values();
    json["lesson"] = lesson_.lesson.name;
    json["slide"] = lesson_.slide + 1;
    json["slides"] = lesson_.lesson.slides.size();
    json["slide_title"] = slide.title.in(language);
    json["slide_text"] = fill_lesson_values(slide.text.in(language), lesson_values_.text, lesson_values_.numbers);
  }
  view().stats(state_, json);
  write_layout_stats(json);  // canvas_share, clipped_widgets (ui/widgets.h)
  write_json(path, json.dump(2) + "\n");
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
  if (!scene.language) scene.language = state_.language;  // a file that does not say keeps the window's
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
      messages_.push_back(format_text(tr("saved the scene to %s"), path.c_str()));
    } else if (request == SceneRequest::Open) {
      open_scene(path);
      messages_.push_back(format_text(tr("opened %s"), path.c_str()));
    }
  } catch (const std::exception& e) {
    messages_.push_back(e.what());  // the current scene stays as it was
  }
}

void App::load_pending_checkpoint() {
  if (pending_checkpoint_.empty() || !points_shown() || !lab_->data_error().empty()) return;
  start_checkpoint_load(pending_checkpoint_, LoadOrigin::Scene);
  pending_checkpoint_.clear();
}

void App::start_checkpoint_load(const std::string& path, LoadOrigin origin) {
  checkpoint_load_.id = lab_->training_load(path);
  checkpoint_load_.origin = origin;
  checkpoint_load_.path = path;
  if (origin == LoadOrigin::Button) {
    state_.drafts.checkpoint_ok = true;
    state_.drafts.checkpoint_message = format_text(tr("loading %s ..."), path.c_str());
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
  const int script_line = checkpoint_load_.script_line;
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
      if (!load.ok) {  // the script goes on, and fails at its end naming the line (issue 15)
        std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), script_line, load.message.c_str());
        exit_code_ = 1;
      }
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
  float scale = std::max(ui_scale_for(width, height, options_.ui_scale), content_x * options_.ui_scale);
  if (export_ && export_->frame.active) {  // a frame drawn off screen for an export, at its own size and scale
    width = export_->frame.width;
    height = export_->frame.height;
    scale = export_->frame.ui_scale;
  }
  // A picture for print is drawn in the light palette; every other frame in the dark one (theme.h).
  const Palette palette =
      export_ && export_->frame.active && export_->frame.light ? Palette::Light : Palette::Dark;
  const bool same_palette = palette == current_palette();
  set_palette(palette);
  FontNeeds needs = font_needs();
  const bool same_fonts = needs.presenter == font_needs_.presenter && needs.cjk_text == font_needs_.cjk_text;
  if ((scale == ui_scale_ && same_fonts) || width <= 0 || height <= 0) {
    if (!same_palette) apply_theme(ui_scale_);
    return;
  }
  ui_scale_ = scale;
  fonts_ = load_fonts(scale, options_.font, needs, &font_warning_);
  font_needs_ = std::move(needs);
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
  if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN) && lesson_.is_open()) lesson_.requests.go_to = lesson_.slide + 1;
  if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP) && lesson_.is_open()) lesson_.requests.go_to = std::max(0, lesson_.slide - 1);
  if (ImGui::IsKeyPressed(GLFW_KEY_F5, false)) set_presenter(!presenter_);
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) && presenter_) set_presenter(false);
  if (ImGui::IsKeyPressed(GLFW_KEY_P, false) && presenter_) presenter_plots_ = !presenter_plots_;
  if (ImGui::IsKeyPressed(GLFW_KEY_F, false)) toggle_fullscreen();
}

void App::toggle_fullscreen() {
  {
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
  if (export_->video.active) return;  // the export sets the cursor of each frame
  dlab::gui::advance_playback(state_.playback, seconds, cursor_end(state_, schedule_));
}


}  // namespace dlab::gui
