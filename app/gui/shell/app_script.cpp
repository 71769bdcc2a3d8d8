// --script: runs the commands of a script file (script.h) across frames, injecting clicks and key
// presses into Dear ImGui as if they came from the mouse and keyboard.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "app/gui/shell/app.h"
#include "app/gui/shell/app_export.h"
#include "app/gui/state/controls.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/render/screenshot.h"
#include "app/gui/state/scene_file.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

int glfw_key(const std::string& name) {
  if (name == "space") return GLFW_KEY_SPACE;
  if (name == "left") return GLFW_KEY_LEFT;
  if (name == "right") return GLFW_KEY_RIGHT;
  if (name == "home") return GLFW_KEY_HOME;
  if (name == "end") return GLFW_KEY_END;
  if (name == "f") return GLFW_KEY_F;
  if (name == "pagedown") return GLFW_KEY_PAGE_DOWN;
  if (name == "pageup") return GLFW_KEY_PAGE_UP;
  if (name == "f5") return GLFW_KEY_F5;
  if (name == "escape") return GLFW_KEY_ESCAPE;
  if (name == "p") return GLFW_KEY_P;
  return -1;
}

}  // namespace

void App::fail_script(const ScriptCommand& command, const std::string& message) {
  std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, message.c_str());
  exit_code_ = 2;
  quit_ = true;
}

void App::report_control_errors(std::vector<ControlError> errors) {
  for (const ControlError& error : errors) {
    const auto set = script_control_lines_.find(error.control);
    const int line = std::max(set == script_control_lines_.end() ? 0 : set->second, script_scene_line_);
    if (line > 0) {
      ScriptCommand command;
      command.line = line;
      fail_script(command, error.message);
    } else if (options_.batch()) {  // the value came from a flag (--class) or a scene file given with --open
      std::fprintf(stderr, "error: --%s: %s\n", error.control.c_str(), error.message.c_str());
      exit_code_ = 2;
      quit_ = true;
    } else {
      messages_.push_back(error.message);
    }
  }
}

// Runs commands until one needs frames to pass (wait, click, key, screenshot, ...).
void App::run_script() {
  if (options_.script.empty() || quit_) return;
  if (options_.timeout > 0 && glfwGetTime() > options_.timeout) {  // seconds since the window opened
    std::fprintf(stderr, "error: %s: not finished after %g s (--timeout)\n", options_.script.c_str(), options_.timeout);
    exit_code_ = 1;
    quit_ = true;
    return;
  }
  if (script_wait_frames_ > 0) {
    --script_wait_frames_;
    return;
  }
  if (input_.click_phase >= 0 || input_.key_phase >= 0 || script_wait_sampling_) return;
  if (!script_stats_.empty() || !script_screenshot_.empty()) return;  // waiting for statistics (view.h)
  if (checkpoint_load_.id != 0) return;  // `load` waits for its result (the frames go on)
  if (export_->script_wait) {  // wait-export, export-png: until the file is written (app_export.cpp)
    if (exporting()) return;
    export_->script_wait = false;
  }
  if (script_wait_training_ >= 0) {
    const TrainingStatus training = lab_->training_status();
    if (training.running && training.step < script_wait_training_) return;
    script_wait_training_ = -1;
  }
  PlaybackState& playback = state_.playback;
  // The end of the timeline as of each command (a `set` or `open` before it may change it).
  const auto end = [this] { return cursor_end(state_, schedule_); };
  while (script_next_ < script_.size()) {
    const ScriptCommand& command = script_[script_next_++];
    const std::string& name = command.name;
    if (name == "set") {
      try {
        set_control(state_, command.args[0], command.args[1]);
      } catch (const std::invalid_argument& e) {
        fail_script(command, e.what());
        return;
      }
      std::string control = command.args[0];  // as set_control names it (image_dataset is image-dataset)
      std::replace(control.begin(), control.end(), '_', '-');
      script_control_lines_[control] = command.line;
    } else if (name == "play") {
      apply_transport(playback, Transport::Play, end());
    } else if (name == "pause") {
      apply_transport(playback, Transport::Pause, end());
    } else if (name == "wait") {
      script_wait_frames_ = std::max(0, std::stoi(command.args[0]) - 1);
      return;
    } else if (name == "step") {
      const int steps = command.args.empty() ? 1 : std::stoi(command.args[0]);
      apply_transport(playback, steps >= 0 ? Transport::StepForward : Transport::StepBack, end(), std::abs(steps));
    } else if (name == "home") {
      apply_transport(playback, Transport::Home, end());
    } else if (name == "end") {
      apply_transport(playback, Transport::End, end());
    } else if (name == "hover") {
      input_.hover = true;
      input_.x = static_cast<float>(std::stoi(command.args[0]));
      input_.y = static_cast<float>(std::stoi(command.args[1]));
    } else if (name == "click") {
      input_.hover = false;
      input_.click_phase = 0;
      input_.x = static_cast<float>(std::stoi(command.args[0]));
      input_.y = static_cast<float>(std::stoi(command.args[1]));
      return;
    } else if (name == "key") {
      input_.key = glfw_key(command.args[0]);
      if (input_.key < 0) {
        fail_script(command, "unknown key '" + command.args[0] + "'; keys: space, left, right, home, end, f, pagedown, pageup, f5, escape, p");
        return;
      }
      input_.key_phase = 0;
      return;
    } else if (name == "wait-training") {
      script_wait_training_ = std::stoll(command.args[0]);  // checked each frame; the UI keeps running
      return;
    } else if (name == "wait-sampling") {
      script_wait_sampling_ = true;  // after this frame's sync has started the run
      return;
    } else if (name == "screenshot") {
      script_screenshot_ = command.args[0];
      return;
    } else if (name == "stats") {
      script_stats_ = command.args[0];
      return;
    } else if (name == "save") {
      std::string error;
      const bool ok = lab_->training_save(command.args[0], &error);
      if (!ok) messages_.push_back(error);  // shown in the window, as when the button is pressed
      std::printf("save %s: %s\n", command.args[0].c_str(), ok ? "ok" : error.c_str());
      if (!ok) {  // and the script fails at its end, naming the line (issue 15)
        std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, error.c_str());
        exit_code_ = 1;
      }
    } else if (name == "load") {
      // The checkpoint is loaded with the scene's data, made at the first frame's sync: as the first line of a
      // script, `load` waits for it (before, it failed with "the data set is empty").
      if (lab_->data_points().empty() && checkpoint_load_.waited_frames++ < 30) {
        --script_next_;
        return;
      }
      // On the training thread: the next commands wait for the result (finish_checkpoint_load prints it).
      start_checkpoint_load(command.args[0], LoadOrigin::Script);
      checkpoint_load_.script_line = command.line;
      return;
    } else if (name == "open") {
      script_scene_line_ = command.line;
      try {
        open_scene(command.args[0]);
      } catch (const SceneFileError& e) {
        // As the Open button: the window says what to fix and keeps its scene; the script fails at its end.
        messages_.push_back(e.what());
        std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, e.what());
        exit_code_ = 1;
      }
    } else if (name == "open-lesson") {
      script_scene_line_ = command.line;
      try {
        open_lesson(command.args[0], 0);
      } catch (const std::exception& e) {
        fail_script(command, e.what());
        return;
      }
    } else if (name == "save-scene") {
      try {
        save_scene(command.args[0]);
        std::printf("saved scene %s\n", command.args[0].c_str());
      } catch (const std::exception& e) {
        fail_script(command, e.what());
        return;
      }
    } else if (name == "sample-again") {
      // As the button "Sample again with the latest model": the latest weights of live training, a new run.
      lab_->training_snapshot();
      state_.requests.sample_again = true;
    } else if (name == "export-video") {
      try {
        start_video_export(command.args[0], options_.export_fps, options_.export_width, options_.export_height,
                           options_.export_region == "canvas", options_.export_title);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, e.what());
        exit_code_ = 1;
      }
    } else if (name == "wait-export") {
      export_->script_wait = true;
      return;
    } else if (name == "cancel-export") {
      if (export_->video.job)
        export_->video.job->cancel();  // the worker stops; the next frame reports it (end_video_export)
      else if (export_->video.active)
        end_video_export();  // no frame encoded yet
    } else if (name == "export-png") {
      const std::string& region = command.args[0];
      const int scale = command.args.size() > 2 ? std::atoi(command.args[2].c_str()) : 1;
      const std::string background = command.args.size() > 3 ? command.args[3] : options_.export_background;
      if ((region != "canvas" && region != "plots" && region != "images" && region != "formula" &&
           region != "window" && region != "images-grid") ||
          (scale != 1 && scale != 2 && scale != 4) ||
          (background != "theme" && background != "transparent" && background != "white")) {
        fail_script(command,
                    "export-png REGION PATH [SCALE [BACKGROUND]]: REGION is canvas, plots, images, formula, "
                    "window or images-grid; SCALE is 1, 2 or 4; BACKGROUND is theme, transparent or white");
        return;
      }
      start_picture_export(region, command.args[1], scale, background);
      export_->script_wait = true;
      return;
    } else if (name == "export-csv") {
      const std::string table = command.args.size() > 1 ? command.args[1] : "points";
      try {
        write_export_csv(command.args[0], table);
        std::printf("wrote %s\n", command.args[0].c_str());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, e.what());
        exit_code_ = 1;
      }
    } else if (name == "print-command") {
      bool ok = false;
      const std::string text = copy_as_command(&ok);
      if (ok)
        std::printf("%s\n", text.c_str());
      else {
        std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, text.c_str());
        exit_code_ = 1;
      }
    } else if (name == "quit") {
      quit_ = true;
      return;
    }
  }
  quit_ = true;  // the end of the script
}

// Between the GLFW backend's NewFrame (which reads the real mouse) and ImGui::NewFrame.
void App::apply_injected_input() {
  ImGuiIO& io = ImGui::GetIO();
  if (input_.hover && input_.click_phase < 0) io.MousePos = ImVec2(input_.x, input_.y);
  if (input_.click_phase >= 0) {
    io.MousePos = ImVec2(input_.x, input_.y);
    io.MouseDown[0] = input_.click_phase == 1;
    if (++input_.click_phase > 2) input_.click_phase = -1;
  }
  if (input_.key_phase >= 0) {
    io.KeysDown[input_.key] = input_.key_phase == 0;
    if (++input_.key_phase > 1) input_.key_phase = -1;
  }
}

// After rendering: the screenshot or statistics a command asked for, and waiting for sampling.
void App::finish_script_frame(int fb_width, int fb_height) {
  if (options_.script.empty()) return;
  // With the ELBO tab shown, `stats` and screenshots wait for the statistics computed on request (view.h:
  // stats_pending; seconds each, so only there); the script waits with them.
  if (!script_stats_.empty() && !view().stats_pending(state_.plots_tab == kPlotsTabElbo)) {
    write_stats(script_stats_);
    script_stats_.clear();
  }
  if (!script_screenshot_.empty() && !view().stats_pending(false)) {
    try {
      save_screenshot(script_screenshot_, fb_width, fb_height);
      std::printf("saved %s (%dx%d)\n", script_screenshot_.c_str(), fb_width, fb_height);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      exit_code_ = 1;
    }
    script_screenshot_.clear();
  }
  // wait-sampling: first let the view finish loading its data and model (the run starts in the sync that
  // takes them), then wait for the run itself.
  if (script_wait_sampling_ && !busy()) {
    wait_for_reverse();
    script_wait_sampling_ = false;
  }
}

}  // namespace dlab::gui
