// --bench-frames N: frame times of the view the scene shows (the 2D views with --bench-points points, 10,000
// by default; the image view with its grid), playing the forward process, then while the worker computes a
// reverse run (the UI must not wait for the network), then playing the recorded run; and the time per
// reverse sampler step.
#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "app/gui/shell/app.h"
#include "app/gui/state/controls.h"
#include "app/gui/render/gl_util.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

constexpr int kWarmupFrames = 10;

// CPU seconds used by the whole process so far (all threads: the UI, llvmpipe's rasterisers, workers).
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t i = std::min(values.size() - 1, static_cast<std::size_t>(p * (values.size() - 1) + 0.5));
  return values[i];
}

}  // namespace

// Phases: 0 set up the forward scene, 1 warm up, 2 measure forward playback, 3 measure frames while the
// reverse run is computed, then warm up, 4 measure reverse playback, 5 report.
void App::bench_frame_start() {
  if (options_.bench_frames <= 0) return;
  Bench& b = bench_;
  const double now = glfwGetTime();
  const double elapsed_ms = (now - b.frame_start) * 1000.0;
  b.frame_start = now;
  PlaybackState& playback = state_.playback;
  switch (b.phase) {
    case 0:
      if (state_.main_view != "images") state_.data.n = options_.bench_points;
      playback.mode = LabMode::Forward;
      playback.cursor = 0;
      playback.playing = true;
      playback.steps_per_second = 200;
      b.phase = 1;
      b.frames = 0;
      break;
    case 1:
      if (++b.frames >= kWarmupFrames) b.phase = 2, b.frames = 0, b.cpu_start = process_cpu_seconds();
      break;
    case 2:
      b.forward_ms.push_back(elapsed_ms);
      if (playback.cursor >= schedule_.timesteps()) playback.cursor = 0, playback.playing = true;
      if (++b.frames >= options_.bench_frames) {
        b.forward_cpu_ms = (process_cpu_seconds() - b.cpu_start) * 1000.0 / b.frames;
        playback.mode = LabMode::Reverse;
        playback.cursor = 0;
        playback.playing = false;
        b.phase = 3;
        b.frames = 0;
      }
      break;
    case 3:
      // The run starts at this frame's sync: the frames drawn while the worker computes it, then warm up.
      if (b.frames >= 1 && !b.sampling_done) {
        if (view().reverse_status().running) {
          b.sampling_ms.push_back(elapsed_ms);
          break;  // the cursor stays at x_T while the run is computed
        }
        b.sampling_done = true;
        view().wait_for_reverse(3600.0);
        b.reverse_steps = view().step_info().num_steps;
        b.frames = 1;
      }
      if (++b.frames >= kWarmupFrames) {
        b.reverse_ms_per_step = view().last_reverse_ms_per_step();
        playback.playing = true;
        b.phase = 4;
        b.frames = 0;
        b.cpu_start = process_cpu_seconds();
      }
      break;
    case 4:
      b.reverse_ms.push_back(elapsed_ms);
      if (playback.cursor >= cursor_end(state_, schedule_)) playback.cursor = 0, playback.playing = true;
      if (++b.frames >= options_.bench_frames) {
        b.reverse_cpu_ms = (process_cpu_seconds() - b.cpu_start) * 1000.0 / b.frames;
        b.phase = 5;
      }
      break;
    default:
      break;
  }
}

void App::bench_frame_end() {
  if (options_.bench_frames <= 0) return;
  glFinish();  // count the GPU's work (llvmpipe: the CPU's) in the frame
  if (const ImDrawData* draw = ImGui::GetDrawData(); draw && (bench_.phase == 2 || bench_.phase == 4))
    (bench_.phase == 2 ? bench_.forward_triangles : bench_.reverse_triangles) += draw->TotalIdxCount / 3.0;
  if (bench_.phase != 5) return;
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  if (state_.main_view == "images")
    std::printf("bench: image view, %d images, %dx%d window, %s\n", state_.images.count, width, height,
                gl_description().c_str());
  else
    std::printf("bench: %s view, %d points, %dx%d window, %s\n", state_.main_view.c_str(), state_.data.n, width,
                height, gl_description().c_str());
  std::printf("forward playback: median %.2f ms, p99 %.2f ms per frame (%zu frames), CPU time %.2f ms per frame, "
              "%.0f ImGui triangles per frame\n",
              percentile(bench_.forward_ms, 0.5), percentile(bench_.forward_ms, 0.99), bench_.forward_ms.size(),
              bench_.forward_cpu_ms, bench_.forward_triangles / std::max<std::size_t>(1, bench_.forward_ms.size()));
  std::printf("while sampling: median %.2f ms, p99 %.2f ms per frame (%zu frames drawn while the worker computed "
              "the reverse run)\n",
              percentile(bench_.sampling_ms, 0.5), percentile(bench_.sampling_ms, 0.99), bench_.sampling_ms.size());
  std::printf("reverse playback: median %.2f ms, p99 %.2f ms per frame (%zu frames), CPU time %.2f ms per frame, "
              "%.0f ImGui triangles per frame\n",
              percentile(bench_.reverse_ms, 0.5), percentile(bench_.reverse_ms, 0.99), bench_.reverse_ms.size(),
              bench_.reverse_cpu_ms, bench_.reverse_triangles / std::max<std::size_t>(1, bench_.reverse_ms.size()));
  std::printf("reverse sampling: %s, %d steps, %d %s: %.3f ms per step (model: %s)\n", to_label(state_.sampler.kind),
              bench_.reverse_steps, state_.main_view == "images" ? state_.images.count : state_.data.n,
              state_.main_view == "images" ? "images" : "points", bench_.reverse_ms_per_step,
              view().model_description().c_str());
  quit_ = true;
}

}  // namespace dlab::gui
