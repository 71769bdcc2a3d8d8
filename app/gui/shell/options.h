// Command-line flags of diffusion-lab. Settings of controls (--dataset, --sampler, ...) are kept as
// name/value pairs in the order given and applied through set_control (controls.h), the same path
// the scripts and the widgets' name tables use.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dlab::gui {

struct Options {
  std::vector<std::pair<std::string, std::string>> settings;  // control name, value
  std::string screenshot;   // save a PNG of the window after `frames` frames, then exit
  int frames = -1;          // frames to render before the screenshot / stats / exit (-1: default)
  int width = 1280, height = 720;
  bool play = false;        // start playback at launch
  std::string script;       // run a script of actions (script.h)
  double timeout = 0;       // --timeout: a --script not finished after this many seconds fails (0: none)
  int bench_frames = 0;     // measure frame times over this many frames, print, exit
  int bench_points = 10000; // points in the benchmark scene
  std::string stats_out;    // write statistics of the shown points as JSON before exiting
  std::string open;         // start on this scene file (scene_file.h); control flags apply on top of it
  std::string save_scene;   // write the scene after `frames` frames, then exit
  float ui_scale = 1.0f;    // multiplies the automatic scale
  std::string font;         // a TTF to use instead of DejaVu Sans
  std::string lesson;       // open this lesson (a built-in name or a file) at --slide
  int slide = 1;            // the slide to start on, from 1
  bool presenter = false;   // start in presenter mode (F5 toggles, Esc leaves)
  bool fullscreen = false;
  bool vsync = true;

  // The run makes files and exits instead of staying open for a person.
  bool batch() const {
    return !screenshot.empty() || !stats_out.empty() || !save_scene.empty() || !script.empty() || bench_frames > 0;
  }
};

// Parses argv. Returns the exit code to use when the program should stop now (--help: 0, bad usage: 2),
// or -1 to run.
int parse_options(int argc, char** argv, Options* options);

}  // namespace dlab::gui
