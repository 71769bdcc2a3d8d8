// Scripts of actions for end-to-end tests and classroom demos (--script FILE), one command a line:
//
//   # a comment
//   set sampler ddim          any control of controls.h, as on the command line
//   play | pause              start / stop playback
//   wait 30                   let 30 frames pass
//   step 5 | step -1          steps forward or back (default 1), as the arrow keys (timeline.h)
//   home | end                jump to the start or the end
//   click 640 360             a left click at window pixel (x, y)
//   hover 640 360             the mouse rests at window pixel (x, y) without a click (tooltips), until a click
//   key space                 a key press: space, left, right, home, end, f, pagedown, pageup, f5, escape, p
//   wait-sampling             wait until the reverse run is fully recorded
//   wait-training 500         wait until live training has taken 500 steps (or stopped)
//   screenshot out/a.png      save a PNG of the window
//   stats out/a.json          write the statistics of the points shown
//   save model.pt             save the network trained here (a failure is shown in the window)
//   load model.pt             load a checkpoint to train on or sample with
//   open lecture.json         replace the scene by a scene file (scene_file.h); a file that cannot be
//                             used keeps the scene, shows why, and makes the script exit 1 at its end
//   save-scene lecture.json   write the scene (and a network trained here, beside it)
//   open-lesson NAME|FILE     open a lesson (lesson.h) at its first slide
//   sample-again              restart the reverse run with the latest weights of live training
//   export-video out.mp4      start rendering the playback into a video (.mp4, .webm, .gif; app_export.cpp);
//                             the next commands run while it renders
//   wait-export               wait until the video (or picture) is written, failed or cancelled
//   cancel-export             cancel the video being rendered: no file is left
//   export-png canvas a.png 2 a PNG of canvas, plots, images, formula or window at scale 1, 2 or 4 (waits);
//                             a 4th word, theme, transparent or white (the light theme, for print), sets the
//                             background; images-grid: the image view's pixels as dlab sample's PNG grid
//   export-csv a.csv [TABLE]  the CSV of points (default), trajectories, schedule, loss, loss-by-t or images
//   print-command             print the dlab command line that reproduces the canvas
//   quit                      exit (also at the end of the script)
#pragma once

#include <string>
#include <vector>

namespace dlab::gui {

struct ScriptCommand {
  std::string name;               // "set", "wait", ...
  std::vector<std::string> args;  // the words after the name (set: control name and the rest as value)
  int line = 0;                   // 1-based, for error messages
};

// The most frames one `wait` may ask for (30 minutes at 60 frames per second).
constexpr long long kMaxScriptWaitFrames = 108000;

// Parses a script. Throws std::runtime_error naming the file and line for an unknown command, a
// wrong number of arguments or a number out of range (control values are checked when they run).
std::vector<ScriptCommand> parse_script(const std::string& text, const std::string& file_name);
std::vector<ScriptCommand> load_script(const std::string& path);
// Every command a script may use, comma-separated in alphabetical order (for --help).
std::string script_command_names();

}  // namespace dlab::gui
