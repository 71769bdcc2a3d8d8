// The export's state in the App (app_export.cpp, issue 11): a picture or a video being rendered off
// screen, the Export window's fields, and the frame the export draws now.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/export/video_export.h"
#include "app/gui/panels/panels.h"
#include "app/gui/render/offscreen_target.h"

namespace dlab::gui {

// The frame being drawn off screen: its size and UI scale (fonts made at that scale).
struct OffscreenFrame {
  bool active = false;
  int width = 0, height = 0;
  float ui_scale = 1.0f;
  bool transparent = false;
  bool light = false;  // drawn in the light palette (a picture for print: white background, dark text)
};

struct PictureJob {
  bool active = false;
  std::string region, path;  // canvas, plots, images, formula, window
  int scale = 1;
  bool transparent = false;
  bool white = false;        // the light palette, on white
  int frames_left = 0;       // offscreen frames still to draw (the last one is saved)
  int size[2] = {0, 0};      // the region's size in the window times `scale`: the picture's exact size
  bool from_cli = false;
};

struct VideoJob {
  bool active = false;
  std::string path;
  int fps = 30;
  int width = 0, height = 0;  // the rendered frame (the window's, or --export-size)
  bool canvas_only = false;
  std::string title;
  int end = 0;                // the cursor's last position
  double steps_per_frame = 1;
  int total = 0, next = 0;    // video frames, and the next one to render
  int settle = 2;             // frames drawn before the first one kept (fonts and scrollbars settle)
  std::unique_ptr<VideoExport> job;
  std::vector<std::uint8_t> pending;  // a rendered frame waiting for room in the encoder's queue
  bool from_cli = false;
  double started = 0;
};

struct ExportState {
  OffscreenTarget target;
  OffscreenFrame frame;      // this frame's, when it is drawn off screen
  Layout layout;             // the layout of the last frame drawn
  PictureJob picture;
  VideoJob video;
  bool cli_started = false;  // the command line's exports have begun
  bool script_wait = false;  // the script waits until the picture or video is done (wait-export, export-png)
  double last_ui_frame = 0;  // while a video renders in the window: when the window was last drawn
  // The Export window.
  bool window_open = false;
  std::string video_path = "diffusion.mp4", picture_path = "canvas.png", csv_path = "points.csv";
  int video_fps = 30, video_size[2] = {0, 0}, video_region = 0, picture_region = 0, picture_scale = 1, csv_table = 0;
  int picture_background = 0;  // theme, transparent, white (kBackgrounds)
  std::string video_title;
  std::string command_text, message;
  bool message_ok = true;
};

}  // namespace dlab::gui
