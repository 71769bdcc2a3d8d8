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
  // Export (issue 11), once --frames frames are drawn and every reverse run is finished; then exit.
  std::string export_csv;              // CSV of export_table
  std::string export_table = "points";  // points, trajectories, schedule, loss, loss-by-t, images
  // canvas, plots, images, formula, window (drawn again), images-grid (the image view's pixels); the PNG's path
  std::string export_png_region, export_png;
  int export_scale = 1;  // 1, 2, 4: drawn again at that scale (images-grid: pixels per image pixel)
  std::string export_background = "theme";  // theme, transparent, white (the light theme, for print)
  std::string export_video;            // .mp4, .webm, .gif: the playback of the mode, first to last frame
  int export_fps = 30;
  int export_width = 0, export_height = 0;  // the video's frame size (0: the window's)
  std::string export_region = "window";     // window or canvas
  std::string export_title;            // a title line over the video
  bool print_command = false;          // print the dlab command line that reproduces the canvas

  // The run makes files and exits instead of staying open for a person.
  bool batch() const {
    return !screenshot.empty() || !stats_out.empty() || !save_scene.empty() || !script.empty() || bench_frames > 0 ||
           exports();
  }
  bool exports() const {
    return !export_csv.empty() || !export_png.empty() || !export_video.empty() || print_command;
  }
};

// Parses argv. Returns the exit code to use when the program should stop now (--help: 0, bad usage: 2),
// or -1 to run.
int parse_options(int argc, char** argv, Options* options);

}  // namespace dlab::gui
