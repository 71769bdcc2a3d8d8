// The application: a GLFW window with an OpenGL 3.3 core context, Dear ImGui, and a straight-line
// main loop (Dear ImGui example_glfw_opengl3 style) that draws one window per panel.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/state/controls.h"
#include "app/gui/state/lesson.h"
#include "app/gui/state/scene.h"
#include "app/gui/timeline/timeline.h"
#include "app/gui/shell/options.h"
#include "app/gui/panels/panels.h"
#include "app/gui/state/script.h"
#include "app/gui/ui/theme.h"
#include "core/schedule.h"

struct GLFWwindow;

namespace dlab::gui {

class Lab;
class CanvasRenderer;
class View;
struct ExportState;

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
  FontNeeds font_needs() const;  // the glyphs and sizes this frame needs (language, lesson, presenter)
  void update_schedule();
  void handle_keyboard();
  void advance_playback(double seconds);
  void apply_training_request();
  // Scene files (scene_file.h). open_scene replaces the scene (throws SceneFileError, leaving it as it
  // was); save_scene writes it, with a network trained here beside it (throws std::runtime_error).
  void open_scene(const std::string& path);
  void save_scene(const std::string& path);
  void apply_scene_request();        // the Save / Open buttons: results and errors go to the window
  void load_pending_checkpoint();   // after the Lab has the scene's data
  // Checkpoint loads run on the training thread (Lab::training_load); each frame checks whether the one
  // in flight is done and reports it where it was asked for: the Load button, a script or a scene.
  enum class LoadOrigin { Button, Script, Scene };
  void start_checkpoint_load(const std::string& path, LoadOrigin origin);
  void finish_checkpoint_load();
  bool busy() const;  // the view shown has work going on besides sampling (View::busy)
  void capture(int framebuffer_width, int framebuffer_height);
  void write_stats(const std::string& path);
  void write_json(const std::string& path, const std::string& json);  // atomically; a failure sets exit code 1
  View& view();  // the view the scene shows (the first registered one for an unknown name)
  const View& view() const;
  bool points_shown() const { return state_.main_view == "points"; }  // live training and its checkpoints
  bool reverse_running() const;    // the reverse run of the view shown is still sampling
  void wait_for_reverse();         // blocks until it is done
  // app_script.cpp
  void run_script();
  void apply_injected_input();
  void finish_script_frame(int framebuffer_width, int framebuffer_height);
  void fail_script(const ScriptCommand& command, const std::string& message);
  // Values the view found out of range at its sync (View::take_control_errors): the script fails naming the
  // line that set the value, a flag (--class) fails naming the flag, a person sees the message in the window.
  void report_control_errors(std::vector<ControlError> errors);
  // app_lesson.cpp: the lesson open, its slide's live values, presenter mode and the menu bar.
  void open_lesson(const std::string& name_or_path, int slide);  // throws LessonFileError
  void apply_lesson_requests();
  void update_lesson_values();
  void set_presenter(bool on);
  float draw_menu_bar();  // returns its height
  void toggle_fullscreen();
  // app_bench.cpp
  void bench_frame_start();
  void bench_frame_end();
  // app_export.cpp: pictures, numbers, videos and "Copy as command" (issue 11).
  bool begin_export_frame();        // true when this frame is drawn off screen for an export
  void override_export_display();   // after the GLFW backend's NewFrame: the offscreen frame's size
  void draw_export_overlay();       // the video's title line, before ImGui::Render
  float window_ui_scale() const;    // the UI scale of the window itself (update_ui_scale's)
  void finish_export_frame();       // after ImGui::Render of an offscreen frame
  bool start_cli_exports();         // capture(): the --export-* flags; true while they run
  bool exporting() const;           // a picture or a video is being rendered
  void draw_export_menu();          // in the menu bar
  void draw_export_window();
  std::string export_csv_text(const std::string& table);  // throws std::runtime_error saying what is missing
  void write_export_csv(const std::string& path, const std::string& table);  // throws
  // background: theme, transparent or white (the light palette, for print); region images-grid writes the
  // image view's pixels at once (View::write_image_grid), the others are drawn again off screen.
  void start_picture_export(const std::string& region, const std::string& path, int scale,
                            const std::string& background);
  void start_video_export(const std::string& path, int fps, int width, int height, bool canvas_only,
                          const std::string& title);
  void end_video_export();          // reports the outcome (stderr for the command line, the window otherwise)
  std::string copy_as_command(bool* ok);  // the dlab command line, or why there is none

  Options options_;
  Scene state_;
  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false;
  Fonts fonts_;
  FontNeeds font_needs_;  // what fonts_ was built for
  float ui_scale_ = 0.0f;
  std::string font_warning_;

  // The schedule follows state_.schedule; an invalid configuration keeps the last valid schedule and
  // shows the error.
  ScheduleConfig applied_schedule_config_;
  bool schedule_applied_ = false;
  NoiseSchedule schedule_;
  ScheduleTables tables_;
  std::string schedule_error_;

  std::unique_ptr<Lab> lab_;
  std::unique_ptr<CanvasRenderer> renderer_;
  std::vector<std::pair<std::string, std::unique_ptr<View>>> views_;  // every registered view (views/view.h)
  std::vector<std::string> messages_;
  std::string pending_checkpoint_;  // a scene's live_checkpoint, loaded once the Lab has its data
  struct CheckpointLoadInFlight {
    std::uint64_t id = 0;  // 0: none
    LoadOrigin origin = LoadOrigin::Button;
    std::string path;
    int script_line = 0;  // LoadOrigin::Script: the line of the `load`, for its error
    int waited_frames = 0;  // frames a script's `load` waited for the scene's data
  } checkpoint_load_;
  bool waited_for_sampling_ = false;
  int settled_frames_ = 0;  // frames drawn since the last thing capture() waited for came in

  // --script: the commands, the next one to run, and what is pending across frames.
  std::vector<ScriptCommand> script_;
  std::size_t script_next_ = 0;
  int script_wait_frames_ = 0;
  bool script_wait_sampling_ = false;
  long long script_wait_training_ = -1;  // wait until live training reaches this many steps
  std::string script_screenshot_, script_stats_;
  std::map<std::string, int> script_control_lines_;  // control -> the line of the script's last `set` of it
  int script_scene_line_ = 0;  // the line of the last `open` or `open-lesson` (they set controls too)
  struct InjectedInput {
    int click_phase = -1;  // 0: move there, 1: press, 2: release; -1: none
    float x = 0, y = 0;
    bool hover = false;    // `hover`: the mouse rests at (x, y) until the next click
    int key = -1;          // GLFW key held this frame, released the next
    int key_phase = -1;
  } input_;

  // --bench-frames: phases and the measured frame times.
  struct Bench {
    int phase = 0;
    int frames = 0;
    double frame_start = 0;
    std::vector<double> forward_ms, reverse_ms, sampling_ms;  // sampling: while the worker computes the run
    bool sampling_done = false;
    double reverse_ms_per_step = 0;
    int reverse_steps = 0;
    double cpu_start = 0, forward_cpu_ms = 0, reverse_cpu_ms = 0;  // process CPU time (all threads)
    double forward_triangles = 0, reverse_triangles = 0;            // ImGui's, summed over the frames
  } bench_;
  long long frame_index_ = 0;
  double last_time_ = 0.0;
  bool quit_ = false;
  int exit_code_ = 0;
  bool fullscreen_ = false;
  LessonSession lesson_;
  LessonValues lesson_values_;
  double lesson_values_time_ = -1;  // when the view's statistics in lesson_values_ were last taken
  bool presenter_ = false;
  bool presenter_plots_ = false;    // P in presenter mode: the plots column beside the canvas
  int windowed_pos_[2] = {0, 0}, windowed_size_[2] = {0, 0};
  std::unique_ptr<ExportState> export_;  // app_export.h
};

}  // namespace dlab::gui
