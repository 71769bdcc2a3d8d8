#include "app/gui/shell/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "app/gui/export/video_encoder.h"
#include "app/gui/state/scene.h"
#include "app/gui/state/controls.h"
#include "app/gui/state/lesson.h"
#include "app/gui/state/script.h"
#include "core/text_excerpt.h"

namespace dlab::gui {

namespace {

// --list-lessons: "NAME<TAB>SLIDES<TAB>TITLE" per built-in lesson; a broken file is an error line and exit 1.
int list_builtin_lessons() {
  int status = 0;
  const std::vector<std::string> paths = builtin_lesson_paths();
  if (paths.empty()) {
    std::fprintf(stderr, "error: no lessons in %s (set DLAB_LESSONS_DIR to the folder of lesson files)\n",
                 builtin_lessons_dir().c_str());
    return 1;
  }
  for (const std::string& path : paths) {
    try {
      const Lesson lesson = load_lesson(path);
      std::printf("%s\t%zu\t%s\n", lesson.name.c_str(), lesson.slides.size(), lesson.title.en.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      status = 1;
    }
  }
  return status;
}

}  // namespace

int parse_options(int argc, char** argv, Options* options) {
  CLI::App cli{"diffusion-lab: watch 2D data diffuse into noise and a model bring it back, step by step, "
               "with every curve of the DDPM notes."};
  cli.get_formatter()->column_width(34);
  std::string size_text;
  cli.add_option("--screenshot", options->screenshot, "Save a PNG of the whole window after --frames frames and exit 0");
  cli.add_option("--frames", options->frames, "Frames to render before --screenshot / --stats-out (default 5)")
      ->check(CLI::Range(1, 1000000));
  cli.add_option("--size", size_text, "Window size WxH (default 1280x720)");
  cli.add_flag("--play", options->play, "Start playback at launch");
  cli.add_option("--script", options->script, "Run a script of actions (" + script_command_names() + "), one per line")
      ->check(CLI::ExistingFile);
  cli.add_option("--timeout", options->timeout,
                 "Fail a --script that has not finished after SECONDS: error and exit 1 (default: no limit)")
      ->check(CLI::Range(1.0, 86400.0));
  cli.add_option("--bench-frames", options->bench_frames,
                 "Render N frames of a 10,000-point scene, print frame times (median, p99) and the time per "
                 "reverse step, exit")
      ->check(CLI::Range(1, 1000000));
  cli.add_option("--bench-points", options->bench_points, "Points in the --bench-frames scene (default 10000)")
      ->check(CLI::Range(1, 20000));
  cli.add_option("--stats-out", options->stats_out, "Write JSON statistics (mean, covariance) of the points shown, then exit");
  cli.add_option("--open", options->open,
                 "Start on a scene file (JSON, saved from the window or with --save-scene); control flags given too "
                 "apply on top of it");
  cli.add_option("--save-scene", options->save_scene, "Write the scene as a file after --frames frames and exit 0");
  cli.add_option("--ui-scale", options->ui_scale, "Multiply the automatic UI scale (text and widgets)")
      ->check(CLI::Range(0.25, 4.0));
  cli.add_option("--font", options->font, "A TTF font file to use instead of DejaVu Sans");
  cli.add_flag("--fullscreen", options->fullscreen, "Start in full screen (F toggles)");
  cli.add_option("--lesson", options->lesson,
                 "Open a lesson: a built-in one's name (see --list-lessons) or a lesson file; Page Down / Page Up "
                 "go from slide to slide");
  cli.add_option("--slide", options->slide, "The lesson's slide to start on, from 1")->check(CLI::Range(1, 1000));
  bool list_lessons = false;
  cli.add_flag("--list-lessons", list_lessons, "Print the built-in lessons, one per line: name, slides, title; exit");
  cli.add_flag("--presenter", options->presenter,
               "Start in presenter mode: the canvas and the slide fill the screen in large type (F5 toggles, Esc leaves)");
  bool no_vsync = false;
  cli.add_flag("--no-vsync", no_vsync, "Do not wait for the display's refresh (frame-time measurements)");
  // Export (issue 11): files of what the window shows, then exit.
  cli.add_option("--export-csv", options->export_csv,
                 "After --frames frames (a reverse run finished), write the --export-table as CSV and exit")
      ->group("Export");
  cli.add_option(
         "--export-table", options->export_table,
         "What --export-csv writes: points (x,y,origin at the frame shown), trajectories (step,t,x,y of the "
         "reverse run, as dlab sample --trajectory), schedule (the columns of dlab schedule), loss "
         "(step,loss of live training), loss-by-t (t,loss), images (the image view: index,row,column,t,label,"
         "class and the data set's classifier's label, class and confidence per image)")
      ->check(CLI::IsMember({"points", "trajectories", "schedule", "loss", "loss-by-t", "images"}))
      ->group("Export");
  std::vector<std::string> png_args;
  cli.add_option(
         "--export-png", png_args,
         "REGION PATH: a PNG of canvas, plots, images, formula or window, drawn again at --export-scale; "
         "images-grid: the image view's pixels as a grid, as dlab sample writes it (--export-scale: "
         "--grid-scale)")
      ->expected(2)
      ->group("Export");
  cli.add_option("--export-scale", options->export_scale,
                 "Scale of --export-png: 1, 2 or 4 (default 1); for images-grid, PNG pixels per image pixel")
      ->check(CLI::IsMember({1, 2, 4}))
      ->group("Export");
  cli.add_option(
         "--export-background", options->export_background,
         "Background of --export-png: theme, transparent, or white (the picture drawn in a light theme, "
         "for printed handouts)")
      ->check(CLI::IsMember({"theme", "transparent", "white"}))
      ->group("Export");
  cli.add_option("--export-video", options->export_video,
                 "Render the playback of the mode, first to last frame, into PATH (.mp4 H.264, .webm VP9, .gif) and exit")
      ->group("Export");
  cli.add_option("--export-fps", options->export_fps, "Frames per second of --export-video (default 30)")
      ->check(CLI::Range(1, 120))
      ->group("Export");
  std::string export_size;
  cli.add_option("--export-size", export_size, "Frame size WxH of --export-video (default: the window's)")->group("Export");
  cli.add_option("--export-region", options->export_region, "What --export-video shows: window or canvas")
      ->check(CLI::IsMember({"window", "canvas"}))
      ->group("Export");
  cli.add_option("--export-title", options->export_title, "A title line over each frame of --export-video")->group("Export");
  cli.add_flag("--print-command", options->print_command,
               "Print the dlab command line that prints the points the canvas shows (same settings and seeds), exit")
      ->group("Export");

  // Every control is also a flag: --dataset moons --sampler ddim --steps 50 ...
  std::vector<std::pair<std::string, std::string>> controls = control_names();
  std::vector<std::string> values(controls.size());
  std::vector<CLI::Option*> control_options;
  for (std::size_t i = 0; i < controls.size(); ++i)
    control_options.push_back(cli.add_option("--" + controls[i].first, values[i], controls[i].second)->group("Controls"));

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli.exit(e);  // --help
    // One line "error: ...", like dlab (not CLI11's two lines without "error:"); the input quoted short.
    std::string what = e.what();
    const std::string conversion = "Could not convert: ";  // "Could not convert: --frames = 1e99"
    if (what.rfind(conversion, 0) == 0 && what.find(" = ") != std::string::npos) {
      const auto equals = what.find(" = ");
      what = what.substr(conversion.size(), equals - conversion.size()) + ": '" +
             text_excerpt(what.substr(equals + 3), 60) + "' is not a number in the flag's range (see --help)";
    }
    for (char& c : what)
      if (c == '\n' || c == '\r') c = ' ';
    std::fprintf(stderr, "error: %s\n", text_excerpt(what, 300).c_str());
    return 2;
  }
  if (list_lessons) return list_builtin_lessons();
  if (!size_text.empty()) {
    int w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(size_text.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 240 || w > 16384 || h > 16384) {
      std::fprintf(stderr, "error: --size: '%s' is not WxH with W >= 320 and H >= 240 (e.g. 1280x720)\n", size_text.c_str());
      return 2;
    }
    options->width = w;
    options->height = h;
  }
  options->vsync = !no_vsync;
  if (png_args.size() == 2) {
    static const char* const regions[] = {"canvas", "plots", "images", "formula", "window", "images-grid"};
    if (std::find(std::begin(regions), std::end(regions), png_args[0]) == std::end(regions)) {
      std::fprintf(
          stderr,
          "error: --export-png: unknown region '%s'; allowed: canvas, plots, images, formula, window, "
          "images-grid\n",
          png_args[0].c_str());
      return 2;
    }
    options->export_png_region = png_args[0];
    options->export_png = png_args[1];
  }
  if (!options->export_video.empty()) {
    try {
      video_format_for(options->export_video);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "error: --export-video: %s\n", e.what());
      return 2;
    }
  }
  if (!export_size.empty()) {
    int w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(export_size.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 64 || h < 64 || w > 7680 || h > 4320) {
      std::fprintf(stderr, "error: --export-size: '%s' is not WxH with 64 <= W <= 7680 and 64 <= H <= 4320 (e.g. 1280x720)\n",
                   export_size.c_str());
      return 2;
    }
    options->export_width = w;
    options->export_height = h;
  }
  // Settings keep their command-line order (so --mode reverse --t 500 work in either order: t is
  // resolved once the grid is known).
  for (CLI::Option* option : cli.parse_order()) {
    for (std::size_t i = 0; i < control_options.size(); ++i) {
      if (option == control_options[i]) {
        options->settings.emplace_back(controls[i].first, values[i]);
        break;
      }
    }
  }
  if (options->frames > 0 && !options->batch()) {
    std::fprintf(stderr,
                 "error: --frames: counts the frames drawn before --screenshot, --stats-out, --save-scene, "
                 "--export-csv, --export-png or --export-video; give one of them (without it the window stays "
                 "open and --frames does nothing)\n");
    return 2;
  }
  // Validate the settings now, so bad values exit 2 with a message naming the flag.
  Scene probe;
  for (const auto& [name, value] : options->settings) {
    try {
      set_control(probe, name, value);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "error: --%s\n", e.what());
      return 2;
    }
  }
  return -1;
}

}  // namespace dlab::gui
