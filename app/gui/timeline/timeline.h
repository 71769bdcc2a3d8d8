// The one timeline every view runs on: the frames of the current mode (forward: t = 0..T; reverse: the
// K steps of the sampling plan, frame 0 = x_T), what a frame shows (StepInfo), where a reverse recording
// stands (ReverseStatus), and the transport (play, pause, step, home, end, scrub) that keys, the timeline
// panel and scripts all call. Torch-free and GL-free: unit-tested without a window.
#pragma once

#include <string>
#include <vector>

#include "app/gui/state/scene.h"
#include "core/sampling_plan.h"
#include "core/schedule.h"

namespace dlab::gui {

// Where a view's reverse recording stands.
struct ReverseStatus {
  bool running = false;
  int frames = 0;     // recorded states: frame 0 = x_T, frame k = after k sampler steps
  int num_steps = 0;  // K
  int nfe_total = 0;  // network evaluations of the whole run so far
  std::string error;
};

// What is shown at the cursor, for the step counter and the formula panel.
struct StepInfo {
  LabMode mode = LabMode::Forward;
  int t = 0;            // timestep of the points shown (base schedule)
  int step = 0;         // reverse: sampler steps taken (0..K); forward: t
  int num_steps = 0;    // reverse: K; forward: T
  int nfe = 0;          // reverse: network evaluations to reach this frame
  // Reverse: the next step, x_t -> x_next_t, with the abar the sampler uses (core/sampling_plan.h).
  bool has_next = false;
  int next_t = 0;
  double alpha_bar = 0, alpha_bar_next = 1;
};

// The sampling plan of the scene's sampler settings (K = 0 or K >= T: every step).
SamplingPlan scene_sampling_plan(const SamplerSettings& sampler, const NoiseSchedule& schedule);
// The number of positions of the cursor for the current mode: T (forward) or K (reverse).
int cursor_end(const Scene& scene, const NoiseSchedule& schedule);

// The frame the cursor shows. A pending --t N (requested_t) is turned into a cursor position first:
// forward, t = N; reverse, the first frame whose timestep is <= N.
int forward_frame(PlaybackState& playback, int T);
int reverse_frame(PlaybackState& playback, const SamplingPlan& plan);
// While a reverse run records, the cursor shows at most the last recorded frame and playback waits there.
int recorded_frame(PlaybackState& playback, int frame, int recorded_frames);

// The step counter's numbers at a frame. frame_nfe[k]: network evaluations to reach frame k (may be
// shorter than the plan while recording).
StepInfo forward_step_info(int t, const NoiseSchedule& schedule);
StepInfo reverse_step_info(int frame, const SamplingPlan& plan, const std::vector<int>& frame_nfe);

// The step counter of the timeline: the step the picture is at (never the cursor's target, which may lie
// past the recording) and, while a reverse run records, how many of its steps are recorded. The timeline,
// the formula panel and --stats-out all number steps this way: step k = k sampler steps taken (0..K).
struct StepCounter {
  int step = 0, num_steps = 0, t = 0, nfe = 0;
  bool recording = false;  // a reverse run is still recording
  int recorded = 0;        // steps recorded so far (frames - 1)
  bool waiting = false;    // the cursor asks for a step not recorded yet: playback waits there
};
StepCounter step_counter(const StepInfo& info, const ReverseStatus& status, double cursor);

// ---- the transport: every way of moving the cursor goes through these -----------------------------
enum class Transport { TogglePlay, Play, Pause, StepForward, StepBack, Home, End };

// Applies an action over frames 0..end. Steps move `count` frames from the frame shown (a fractional
// cursor counts as the frame it shows going forward, and as the next one going back), and pause.
// Play from the end starts again at 0.
void apply_transport(PlaybackState& playback, Transport action, int end, int count = 1);
void scrub(PlaybackState& playback, int frame, int end);  // pauses at a frame
void set_mode(PlaybackState& playback, LabMode mode);     // a new mode starts paused at its frame 0
// Advances a playing cursor by elapsed seconds; stops at the end. Always clamps to 0..end.
void advance_playback(PlaybackState& playback, double seconds, int end);

}  // namespace dlab::gui
