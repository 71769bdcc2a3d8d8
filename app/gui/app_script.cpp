// --script: runs the commands of a script file (script.h) across frames, injecting clicks and key
// presses into Dear ImGui as if they came from the mouse and keyboard.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "app/gui/app.h"
#include "app/gui/controls.h"
#include "app/gui/lab.h"
#include "app/gui/screenshot.h"

namespace dlab::gui {

namespace {

int glfw_key(const std::string& name) {
  if (name == "space") return GLFW_KEY_SPACE;
  if (name == "left") return GLFW_KEY_LEFT;
  if (name == "right") return GLFW_KEY_RIGHT;
  if (name == "home") return GLFW_KEY_HOME;
  if (name == "end") return GLFW_KEY_END;
  if (name == "f") return GLFW_KEY_F;
  return -1;
}

}  // namespace

void App::fail_script(const ScriptCommand& command, const std::string& message) {
  std::fprintf(stderr, "error: %s:%d: %s\n", options_.script.c_str(), command.line, message.c_str());
  exit_code_ = 2;
  quit_ = true;
}

// Runs commands until one needs frames to pass (wait, click, key, screenshot, ...).
void App::run_script() {
  if (options_.script.empty() || quit_) return;
  if (script_wait_frames_ > 0) {
    --script_wait_frames_;
    return;
  }
  if (input_.click_phase >= 0 || input_.key_phase >= 0 || script_wait_sampling_) return;
  if (script_wait_training_ >= 0) {
    const TrainingStatus training = lab_->training_status();
    if (training.running && training.step < script_wait_training_) return;
    script_wait_training_ = -1;
  }
  PlaybackState& playback = state_.playback;
  const int end = cursor_end(state_, schedule_);
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
    } else if (name == "play") {
      if (playback.cursor >= end) playback.cursor = 0;
      playback.playing = true;
    } else if (name == "pause") {
      playback.playing = false;
    } else if (name == "wait") {
      script_wait_frames_ = std::max(0, std::stoi(command.args[0]) - 1);
      return;
    } else if (name == "step") {
      const int steps = command.args.empty() ? 1 : std::stoi(command.args[0]);
      playback.playing = false;
      playback.cursor = std::clamp(std::floor(playback.cursor) + steps, 0.0, static_cast<double>(end));
    } else if (name == "home") {
      playback.cursor = 0;
    } else if (name == "end") {
      playback.cursor = end;
    } else if (name == "click") {
      input_.click_phase = 0;
      input_.x = static_cast<float>(std::stoi(command.args[0]));
      input_.y = static_cast<float>(std::stoi(command.args[1]));
      return;
    } else if (name == "key") {
      input_.key = glfw_key(command.args[0]);
      if (input_.key < 0) {
        fail_script(command, "unknown key '" + command.args[0] + "'; keys: space, left, right, home, end, f");
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
    } else if (name == "save" || name == "load") {
      std::string error;
      const bool ok = name == "save" ? lab_->training_save(command.args[0], &error)
                                     : lab_->training_load(command.args[0], state_, &error);
      if (ok && name == "load") state_.model = ModelSource::Live;
      if (!ok) messages_.push_back(error);  // shown in the window, as when the button is pressed
      std::printf("%s %s: %s\n", name.c_str(), command.args[0].c_str(), ok ? "ok" : error.c_str());
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
  if (!script_stats_.empty()) {
    write_stats(script_stats_);
    script_stats_.clear();
  }
  if (!script_screenshot_.empty()) {
    try {
      save_screenshot(script_screenshot_, fb_width, fb_height);
      std::printf("saved %s (%dx%d)\n", script_screenshot_.c_str(), fb_width, fb_height);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      exit_code_ = 1;
    }
    script_screenshot_.clear();
  }
  if (script_wait_sampling_) {
    wait_for_reverse();
    script_wait_sampling_ = false;
  }
}

}  // namespace dlab::gui
