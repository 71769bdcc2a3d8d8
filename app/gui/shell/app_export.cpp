// Export (issue 11): pictures of a region drawn again off screen at 1x/2x/4x, videos of the playback
// rendered frame by frame off screen on the UI thread and encoded on a worker (export/video_export.h),
// the numbers as CSV in the command line's formats (core/export_tables.h), and the dlab command line that
// reproduces the canvas (state/dlab_command.h).
#include <glad/gl.h>
// glad first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "app/gui/panels/panels.h"
#include "app/gui/render/screenshot.h"
#include "app/gui/shell/app.h"
#include "app/gui/shell/app_export.h"
#include "app/gui/state/dlab_command.h"
#include "app/gui/state/i18n.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/views/view.h"
#include "core/atomic_file.h"
#include "core/export_tables.h"

namespace dlab::gui {

namespace {

// A failed export: the message in the Export dialog and, when the app runs a batch (flags or a script), one
// "error:" line on stderr and exit code 1.
void report_export_failure(ExportState& e, const char* what, bool batch, int& exit_code) {
  e.message = what;
  e.message_ok = false;
  if (batch) {
    std::fprintf(stderr, "error: %s\n", what);
    exit_code = 1;
  }
}

const char* const kTables[] = {"points", "trajectories", "schedule", "loss", "loss-by-t", "images"};
const char* const kPictureRegions[] = {"canvas", "plots", "images", "formula", "window", "images-grid"};
const char* const kBackgrounds[] = {"theme", "transparent", "white"};

// The rectangle of a region in the frame's pixels (x, y, width, height), rounded inwards.
void region_rect(const Layout& layout, const std::string& region, int frame_w, int frame_h, int* rect) {
  const PanelRect* panel = nullptr;
  if (region == "canvas" || region == "images") panel = &layout.canvas;
  if (region == "plots") panel = &layout.plots;
  if (region == "formula") panel = &layout.formula;
  if (!panel) {
    rect[0] = rect[1] = 0;
    rect[2] = frame_w;
    rect[3] = frame_h;
    return;
  }
  // Inside the 1-pixel border the app draws around each panel.
  const int x0 = static_cast<int>(std::ceil(panel->pos.x + 1)), y0 = static_cast<int>(std::ceil(panel->pos.y + 1));
  const int x1 = static_cast<int>(std::floor(panel->pos.x + panel->size.x - 1));
  const int y1 = static_cast<int>(std::floor(panel->pos.y + panel->size.y - 1));
  rect[0] = std::clamp(x0, 0, frame_w);
  rect[1] = std::clamp(y0, 0, frame_h);
  rect[2] = std::max(0, std::min(x1, frame_w) - rect[0]);
  rect[3] = std::max(0, std::min(y1, frame_h) - rect[1]);
}

double wall_seconds() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

float App::window_ui_scale() const {
  int width = 0, height = 0;
  glfwGetWindowSize(window_, &width, &height);
  float content_x = 1.0f, content_y = 1.0f;
  glfwGetWindowContentScale(window_, &content_x, &content_y);
  return std::max(ui_scale_for(width, height, options_.ui_scale), content_x * options_.ui_scale);
}

bool App::exporting() const { return export_ && (export_->picture.active || export_->video.active); }

// ============================================================================================
// Off-screen frames
// ============================================================================================

bool App::begin_export_frame() {
  ExportState& e = *export_;
  e.frame = OffscreenFrame();
  if (!e.picture.active && !e.video.active) return false;
  const bool batch = options_.batch();
  int window_w = 0, window_h = 0;
  glfwGetWindowSize(window_, &window_w, &window_h);
  // In the window, it is drawn for the person too, a few times a second: the progress bar and Cancel answer.
  const double now = wall_seconds();
  if (!batch && now - e.last_ui_frame > 0.2) {
    e.last_ui_frame = now;
    return false;
  }
  if (e.picture.active) {
    e.frame.active = true;
    e.frame.width = window_w * e.picture.scale;
    e.frame.height = window_h * e.picture.scale;
    e.frame.ui_scale = window_ui_scale() * static_cast<float>(e.picture.scale);
    e.frame.transparent = e.picture.transparent;
    e.frame.light = e.picture.white;  // update_ui_scale switches the palette for this frame
    return true;
  }
  VideoJob& v = e.video;
  if (v.job) {
    const VideoExportProgress progress = v.job->progress();
    if (progress.done || progress.failed || progress.cancelled) {
      end_video_export();
      return false;
    }
  }
  if (!v.pending.empty()) {
    if (!v.job->try_push(std::move(v.pending))) {
      if (batch) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return false;  // the encoder is behind: draw this frame for the window, try again at the next
    }
    v.pending.clear();
  }
  if (v.next >= v.total) {
    if (batch && v.job) v.job->wait(0.05);
    return false;  // every frame handed over: the worker finishes the file
  }
  // A reverse run is recorded before its frames are exported; a data set or a model loading first.
  if (state_.playback.mode == LabMode::Reverse && reverse_running()) {
    if (!batch) return false;
    wait_for_reverse();
  }
  state_.playback.playing = false;
  state_.playback.requested_t = -1;
  state_.playback.cursor = std::min<double>(v.end, v.next * v.steps_per_frame);
  e.frame.active = true;
  e.frame.width = v.width;
  e.frame.height = v.height;
  e.frame.ui_scale = ui_scale_for(v.width, v.height, options_.ui_scale);
  return true;
}

void App::override_export_display() {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(export_->frame.width), static_cast<float>(export_->frame.height));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover highlights in the picture
  for (bool& down : io.MouseDown) down = false;
}

// The video's title line, over the region it shows (before ImGui::Render).
void App::draw_export_overlay() {
  const ExportState& e = *export_;
  if (!e.frame.active || !e.video.active || e.video.title.empty()) return;
  int rect[4];
  region_rect(e.layout, e.video.canvas_only ? "canvas" : "window", e.frame.width, e.frame.height, rect);
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  ImFont* font = fonts_.heading ? fonts_.heading : ImGui::GetFont();
  const float size = font->FontSize;
  const float pad = size * 0.35f;
  const ImVec2 text = font->CalcTextSizeA(size, FLT_MAX, 0.0f, e.video.title.c_str());
  const ImVec2 top_left(static_cast<float>(rect[0]), static_cast<float>(rect[1]));
  // Opaque, in the window's colour: the band replaces the layer toggles under it rather than showing them through.
  const ImU32 band = ImGui::GetColorU32(ImGuiCol_WindowBg, 1.0f) | IM_COL32_A_MASK;
  draw->AddRectFilled(top_left, ImVec2(top_left.x + rect[2], top_left.y + text.y + 2 * pad), band);
  draw->AddText(font, size, ImVec2(top_left.x + (rect[2] - text.x) * 0.5f, top_left.y + pad), IM_COL32(255, 255, 255, 255),
                e.video.title.c_str());
}

void App::finish_export_frame() {
  ExportState& e = *export_;
  const OffscreenFrame& f = e.frame;
  try {
    e.target.bind(f.width, f.height);
  } catch (const std::exception& error) {
    e.picture.active = false;
    if (e.video.job) e.video.job->cancel();
    e.video = VideoJob();
    report_export_failure(e, error.what(), options_.batch(), exit_code_);
    return;
  }
  const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(colors::kBackground);
  if (f.transparent)
    glClearColor(0, 0, 0, 0);
  else
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  int rect[4];
  if (e.picture.active) {
    PictureJob& p = e.picture;
    if (--p.frames_left <= 0) {
      region_rect(e.layout, p.region, f.width, f.height, rect);
      if (p.size[0] > 0 && p.size[1] > 0) {
        rect[2] = std::min(p.size[0], f.width - rect[0]);
        rect[3] = std::min(p.size[1], f.height - rect[1]);
      }
      try {
        if (rect[2] < 1 || rect[3] < 1) throw std::runtime_error(p.path + ": the " + p.region + " is not shown in this view");
        save_png_rgba(p.path, rect[2], rect[3], e.target.read(rect[0], rect[1], rect[2], rect[3], p.transparent));
        e.message = format_text(tr("saved %s (%dx%d)"), p.path.c_str(), rect[2], rect[3]);
        e.message_ok = true;
        if (options_.batch()) std::printf("saved %s (%dx%d)\n", p.path.c_str(), rect[2], rect[3]);
      } catch (const std::exception& error) {
        report_export_failure(e, error.what(), options_.batch(), exit_code_);
      }
      p.active = false;
    }
  } else if (e.video.active) {
    VideoJob& v = e.video;
    // A frame is kept once fonts and layout have settled and nothing shown is still being computed.
    if (v.settle > 0) {
      --v.settle;
    } else if (!busy()) {
      region_rect(e.layout, v.canvas_only ? "canvas" : "window", f.width, f.height, rect);
      std::vector<std::uint8_t> pixels = e.target.read(rect[0], rect[1], rect[2], rect[3], false);
      try {
        if (!v.job) v.job = std::make_unique<VideoExport>(v.path, rect[2], rect[3], v.fps, v.total);
        if (v.job->width() != rect[2] || v.job->height() != rect[3])
          throw std::runtime_error(v.path + ": the region changed size during the export");
        if (!v.job->try_push(std::move(pixels))) v.pending = std::move(pixels);
        ++v.next;
      } catch (const std::exception& error) {
        if (v.job) v.job->cancel();
        v.job.reset();
        v.active = false;
        report_export_failure(e, error.what(), options_.batch(), exit_code_);
      }
    }
  }
  e.target.unbind();
}

// ============================================================================================
// Starting and ending
// ============================================================================================

void App::start_picture_export(const std::string& region, const std::string& path, int scale,
                               const std::string& background) {
  ExportState& e = *export_;
  if (region == "images-grid") {  // the pixels themselves, as dlab sample writes them: nothing to draw
    try {
      const auto [width, height] = view().write_image_grid(path, scale);
      e.message = format_text(tr("saved %s (%dx%d)"), path.c_str(), width, height);
      e.message_ok = true;
      if (options_.batch()) std::printf("saved %s (%dx%d)\n", path.c_str(), width, height);
    } catch (const std::exception& error) {
      report_export_failure(e, error.what(), options_.batch(), exit_code_);
    }
    return;
  }
  PictureJob& p = e.picture;
  p = PictureJob();
  p.active = true;
  p.region = region;
  p.path = path;
  p.scale = scale;
  p.transparent = background == "transparent";
  p.white = background == "white";
  p.frames_left = 3;  // the fonts are made at the new scale in the first; scrollbars settle in the next
  // Exactly `scale` times the region on screen (the layout drawn at a larger scale may round a few pixels
  // differently).
  int window_w = 0, window_h = 0;
  glfwGetWindowSize(window_, &window_w, &window_h);
  int rect[4];
  region_rect(export_->layout, region, window_w, window_h, rect);
  p.size[0] = rect[2] * scale;
  p.size[1] = rect[3] * scale;
}

void App::start_video_export(const std::string& path, int fps, int width, int height, bool canvas_only,
                             const std::string& title) {
  check_video_path(path);  // throws: an unknown extension, a folder that cannot be written
  VideoJob& v = export_->video;
  if (v.job) v.job->cancel();
  v = VideoJob();
  int window_w = 0, window_h = 0;
  glfwGetWindowSize(window_, &window_w, &window_h);
  v.active = true;
  v.path = path;
  v.fps = fps;
  v.width = width > 0 ? width : window_w;
  v.height = height > 0 ? height : window_h;
  v.canvas_only = canvas_only;
  v.title = title;
  // The playback from the first to the last position, at the scene's speed (steps per second).
  v.end = cursor_end(state_, schedule_);
  v.steps_per_frame = state_.playback.steps_per_second / static_cast<double>(fps);
  v.total = static_cast<int>(std::ceil(v.end / v.steps_per_frame - 1e-9)) + 1;
  v.started = wall_seconds();
  v.from_cli = options_.batch();
}

void App::end_video_export() {
  ExportState& e = *export_;
  VideoJob& v = e.video;
  const VideoExportProgress progress = v.job ? v.job->progress() : VideoExportProgress();
  const double seconds = wall_seconds() - v.started;
  if (progress.done) {
    e.message = format_text(tr("exported %s: %d frames of %dx%d (%s) in %.1f s, %.1f frames/s"), v.path.c_str(),
                            progress.frames_total, v.job->width(), v.job->height(), progress.codec.c_str(), seconds,
                            progress.frames_total / std::max(1e-9, seconds));
    e.message_ok = true;
    if (options_.batch())
      std::printf("exported %s: %d frames of %dx%d (%s) in %.1f s, %.1f frames/s\n", v.path.c_str(),
                  progress.frames_total, v.job->width(), v.job->height(), progress.codec.c_str(), seconds,
                  progress.frames_total / std::max(1e-9, seconds));
  } else if (progress.failed) {
    e.message = progress.error;
    e.message_ok = false;
    if (options_.batch()) {
      std::fprintf(stderr, "error: %s\n", progress.error.c_str());
      exit_code_ = 1;
    }
  } else {
    e.message = format_text(tr("export of %s cancelled: no file written"), v.path.c_str());
    e.message_ok = true;
    if (options_.batch()) std::printf("export of %s cancelled: no file written\n", v.path.c_str());
  }
  v = VideoJob();
}

bool App::start_cli_exports() {
  ExportState& e = *export_;
  if (!e.cli_started) {
    e.cli_started = true;
    if (options_.print_command) {
      bool ok = false;
      const std::string text = copy_as_command(&ok);
      if (ok) {
        std::printf("%s\n", text.c_str());
      } else {
        std::fprintf(stderr, "error: --print-command: %s\n", text.c_str());
        exit_code_ = 1;
      }
    }
    if (!options_.export_csv.empty()) {
      try {
        write_export_csv(options_.export_csv, options_.export_table);
        std::printf("wrote %s\n", options_.export_csv.c_str());
      } catch (const std::exception& error) {
        std::fprintf(stderr, "error: --export-csv: %s\n", error.what());
        exit_code_ = 1;
      }
    }
    if (!options_.export_png.empty())
      start_picture_export(options_.export_png_region, options_.export_png, options_.export_scale,
                           options_.export_background);
    if (!options_.export_video.empty()) {
      try {
        start_video_export(options_.export_video, options_.export_fps, options_.export_width, options_.export_height,
                           options_.export_region == "canvas", options_.export_title);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "error: --export-video: %s\n", error.what());
        exit_code_ = 1;
      }
    }
  }
  return exporting();
}

// ============================================================================================
// Numbers and the command line
// ============================================================================================

std::string App::export_csv_text(const std::string& table) {
  if (table == "schedule") return schedule_csv(schedule_);
  if (table == "images") return view().images_csv();  // the image view's; another view says where it is
  if (!points_shown()) throw std::runtime_error(table + ": the image view has no " + table + " table; switch to the 2D points");
  if (table == "points") return points_origin_csv(lab_->current_points());
  if (table == "trajectories") {
    const std::string csv = lab_->reverse_trajectory_csv();
    if (csv.empty()) throw std::runtime_error("trajectories: no finished reverse run (set the mode to reverse and let it finish)");
    return csv;
  }
  std::vector<double> a, b;
  if (table == "loss")
    lab_->training_loss(INT_MAX, &a, &b);
  else if (table == "loss-by-t")
    lab_->training_loss_by_t(schedule_, &a, &b);
  else
    throw std::runtime_error("unknown table '" + table +
                             "'; allowed: points, trajectories, schedule, loss, loss-by-t, images");
  if (a.empty()) throw std::runtime_error(table + ": no training loss yet (train a network here first)");
  return table == "loss" ? two_column_csv("step", "loss", a, b) : two_column_csv("t", "loss", a, b);
}

void App::write_export_csv(const std::string& path, const std::string& table) {
  write_text_atomically(path, export_csv_text(table));
}

std::string App::copy_as_command(bool* ok) {
  *ok = false;
  if (!points_shown()) {  // the image view's dlab sample line (views/images)
    const DlabCommand command = view().image_command(state_);
    if (command.command.empty()) return command.why_not;
    *ok = true;
    return command.command;
  }
  ModelSource source = ModelSource::Exact;
  std::string pretrained;
  if (!lab_->model_in_use(&source, &pretrained) && state_.playback.mode == LabMode::Reverse)
    return "no model to sample with: " + lab_->model_error();
  const DlabCommand command = dlab_command(state_, view().step_info().t, source, pretrained);
  if (command.command.empty()) return command.why_not;
  *ok = true;
  return command.command;
}

// ============================================================================================
// The Export menu and window
// ============================================================================================

void App::draw_export_menu() {
  if (!ImGui::BeginMenu(tr("Export"))) return;
  ExportState& e = *export_;
  if (ImGui::MenuItem(tr("Video, picture or numbers..."))) e.window_open = true;
  if (ImGui::MenuItem(tr("Copy as command"))) {
    bool ok = false;
    e.command_text = copy_as_command(&ok);
    if (ok) ImGui::SetClipboardText(e.command_text.c_str());
    e.message = ok ? tr("the dlab command line is on the clipboard") : tr("no dlab command reproduces this canvas");
    e.message_ok = ok;
    e.window_open = true;
  }
  ImGui::EndMenu();
}

void App::draw_export_window() {
  ExportState& e = *export_;
  if (!e.window_open) return;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowSize(ImVec2(std::min(560.0f * ui_scale_, io.DisplaySize.x * 0.8f), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin(ui_label(tr("Export"), "export_window").c_str(), &e.window_open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  const auto path_field = [](const char* label, std::string* value) {
    char buffer[1024];
    std::snprintf(buffer, sizeof buffer, "%s", value->c_str());
    if (ImGui::InputText(label, buffer, sizeof buffer)) *value = buffer;
  };
  VideoJob& v = e.video;
  // ---- video ----
  ImGui::TextUnformatted(tr("Video of the playback (.mp4, .webm or .gif)"));
  ImGui::BeginDisabled(v.active);
  path_field(ui_label(tr("File"), "video_path").c_str(), &e.video_path);
  tooltip(tr("Where the video goes; its ending picks the format: .mp4 (H.264), .webm (VP9) or .gif. The file "
             "appears only when the whole video is written."));
  ImGui::InputInt(ui_label(tr("Frames per second"), "video_fps").c_str(), &e.video_fps);
  e.video_fps = std::clamp(e.video_fps, 1, 120);
  tooltip(tr("Frames per second of the video (1 to 120): each frame is one frame of the playback, so a lower "
             "rate makes the same playback last longer."));
  ImGui::InputInt2(ui_label(tr("Size (0: the window's)"), "video_size").c_str(), e.video_size);
  tooltip(tr("Width and height in pixels (64 to 7680 by 64 to 4320); 0 keeps the size of the window or the "
             "canvas. The frames are drawn again at this size, not scaled."));
  const char* regions[] = {tr("whole window"), tr("canvas only")};
  ImGui::Combo(ui_label(tr("Shows"), "video_region").c_str(), &e.video_region, regions, 2);
  tooltip(tr("The whole window with its panels, or only the canvas (the points or the image grid)."));
  path_field(ui_label(tr("Title line"), "video_title").c_str(), &e.video_title);
  tooltip(tr("A line of text drawn at the top of every frame, e.g. the lecture's title; empty: none."));
  ImGui::EndDisabled();
  if (!v.active) {
    if (ImGui::Button(ui_label(tr("Export video"), "video_start").c_str())) {
      try {
        const int w = e.video_size[0] > 0 ? std::clamp(e.video_size[0], 64, 7680) : 0;
        const int h = e.video_size[1] > 0 ? std::clamp(e.video_size[1], 64, 4320) : 0;
        start_video_export(e.video_path, e.video_fps, w, h, e.video_region == 1, e.video_title);
        e.message.clear();
      } catch (const std::exception& error) {
        e.message = error.what();
        e.message_ok = false;
      }
    }
  } else {
    const VideoExportProgress progress = v.job ? v.job->progress() : VideoExportProgress();
    const int done = std::max(progress.frames_encoded, 0);
    const float fraction = v.total > 0 ? static_cast<float>(done) / v.total : 0.0f;
    const std::string label = format_text(tr("%d of %d frames, %.0f s left"), done, v.total, progress.seconds_left());
    ImGui::ProgressBar(fraction, ImVec2(-ImGui::GetFontSize() * 6.0f, 0), label.c_str());
    ImGui::SameLine();
    if (ImGui::Button(ui_label(tr("Cancel"), "video_cancel").c_str())) {
      if (v.job)
        v.job->cancel();  // the worker stops; the next frame reports it (end_video_export)
      else
        end_video_export();  // no frame encoded yet
    }
  }
  ImGui::Separator();
  // ---- picture ----
  ImGui::TextUnformatted(tr("Picture (PNG), drawn again at the scale chosen"));
  const char* picture_regions[] = {tr("canvas"),       tr("plots"),
                                   tr("image grid"),   tr("formula panel"),
                                   tr("whole window"), tr("image grid's pixels (as dlab sample)")};
  ImGui::Combo(ui_label(tr("Region"), "picture_region").c_str(), &e.picture_region, picture_regions, 6);
  tooltip(tr("What the picture shows: one panel, the whole window, or the image grid's own pixels with "
             "nothing drawn around them (the same PNG as dlab sample writes)."));
  const char* scales[] = {"1x", "2x", "4x"};
  int scale_index = e.picture_scale == 4 ? 2 : e.picture_scale == 2 ? 1 : 0;
  if (ImGui::Combo(ui_label(tr("Scale"), "picture_scale").c_str(), &scale_index, scales, 3))
    e.picture_scale = scale_index == 2 ? 4 : scale_index == 1 ? 2 : 1;
  tooltip(tr("The picture is drawn again at 2 or 4 times the pixels (sharp text and lines for slides and "
             "print), not enlarged afterwards."));
  const bool pixels =
      e.picture_region == 5;  // the images themselves: no background, the scale is --grid-scale's
  ImGui::BeginDisabled(pixels);
  const char* backgrounds[] = {tr("the window's (dark)"), tr("transparent"),
                               tr("white, light theme (for print)")};
  ImGui::Combo(ui_label(tr("Background"), "picture_background").c_str(), &e.picture_background, backgrounds,
               3);
  tooltip(tr("The window's dark theme (for slides), a transparent background, or the light theme on white "
             "(dark text and lines, darker points) for printed handouts."));
  ImGui::EndDisabled();
  path_field(ui_label(tr("File"), "picture_path").c_str(), &e.picture_path);
  tooltip(tr("Where the PNG goes (written to a temporary file first, then renamed: an old file is never half "
             "overwritten)."));
  ImGui::BeginDisabled(exporting());
  if (ImGui::Button(ui_label(tr("Save PNG"), "picture_save").c_str()))
    start_picture_export(kPictureRegions[e.picture_region], e.picture_path, e.picture_scale,
                         kBackgrounds[e.picture_background]);
  ImGui::EndDisabled();
  ImGui::Separator();
  // ---- numbers ----
  ImGui::TextUnformatted(tr("Numbers (CSV, as the dlab command line writes them)"));
  const char* tables[] = {tr("points x,y,origin at this frame"),
                          tr("reverse trajectories step,t,x,y"),
                          tr("schedule table (dlab schedule)"),
                          tr("training loss step,loss"),
                          tr("loss by timestep t,loss"),
                          tr("images: index, class, the classifier's class and confidence")};
  ImGui::Combo(ui_label(tr("Table"), "csv_table").c_str(), &e.csv_table, tables, 6);
  tooltip(tr("Which numbers to save, with the same columns as the dlab command that computes them, so a "
             "spreadsheet or a script can check the picture."));
  path_field(ui_label(tr("File"), "csv_path").c_str(), &e.csv_path);
  tooltip(tr("Where the CSV goes (written to a temporary file first, then renamed)."));
  if (ImGui::Button(ui_label(tr("Save CSV"), "csv_save").c_str())) {
    try {
      write_export_csv(e.csv_path, kTables[e.csv_table]);
      e.message = format_text(tr("wrote %s"), e.csv_path.c_str());
      e.message_ok = true;
    } catch (const std::exception& error) {
      e.message = error.what();
      e.message_ok = false;
    }
  }
  ImGui::Separator();
  // ---- command ----
  if (ImGui::Button(ui_label(tr("Copy as command"), "copy_command").c_str())) {
    bool ok = false;
    e.command_text = copy_as_command(&ok);
    if (ok) ImGui::SetClipboardText(e.command_text.c_str());
    e.message = ok ? tr("the dlab command line is on the clipboard") : tr("no dlab command reproduces this canvas");
    e.message_ok = ok;
  }
  tooltip(tr("Puts on the clipboard the dlab command that computes the same numbers as this canvas (same "
             "settings and seed), for a script or a handout."));
  if (!e.command_text.empty()) {
    std::vector<char> text(e.command_text.begin(), e.command_text.end());
    text.push_back('\0');
    ImGui::InputTextMultiline("##command", text.data(), text.size(), ImVec2(-1, ImGui::GetTextLineHeight() * 4),
                              ImGuiInputTextFlags_ReadOnly);
  }
  if (!e.message.empty()) {
    if (e.message_ok)
      ImGui::TextWrapped("%s", e.message.c_str());
    else
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", e.message.c_str());
  }
  ImGui::End();
}

}  // namespace dlab::gui
