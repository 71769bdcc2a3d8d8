#include "app/gui/timeline/timeline.h"

#include <algorithm>
#include <cmath>

namespace dlab::gui {

namespace {
// K: the scene's steps, or every step of the schedule for 0 or K >= T.
int sampler_step_count(const SamplerSettings& sampler, const NoiseSchedule& schedule) {
  const int T = schedule.timesteps();
  return sampler.steps <= 0 || sampler.steps >= T ? T : sampler.steps;
}
}  // namespace

SamplingPlan scene_sampling_plan(const SamplerSettings& sampler, const NoiseSchedule& schedule) {
  return make_sampling_plan(schedule, sampler_step_count(sampler, schedule), sampler.spacing);
}

int cursor_end(const Scene& scene, const NoiseSchedule& schedule) {
  return scene.playback.mode == LabMode::Forward ? schedule.timesteps() : sampler_step_count(scene.sampler, schedule);
}

int forward_frame(PlaybackState& playback, int T) {
  if (playback.requested_t >= 0) {
    playback.cursor = std::min(playback.requested_t, T);
    playback.requested_t = -1;
  }
  return std::clamp(static_cast<int>(std::floor(playback.cursor)), 0, T);
}

int reverse_frame(PlaybackState& playback, const SamplingPlan& plan) {
  const int K = plan.size();
  if (playback.requested_t >= 0) {
    playback.cursor = plan.frame_of_t(playback.requested_t);
    playback.requested_t = -1;
  }
  return std::clamp(static_cast<int>(std::floor(playback.cursor)), 0, K);
}

int recorded_frame(PlaybackState& playback, int frame, int recorded_frames) {
  const int k = std::clamp(frame, 0, std::max(0, recorded_frames - 1));
  if (playback.playing && playback.cursor > k + 0.999) playback.cursor = k;
  return k;
}

StepInfo forward_step_info(int t, const NoiseSchedule& schedule) {
  StepInfo info;
  info.mode = LabMode::Forward;
  info.t = info.step = t;
  info.num_steps = schedule.timesteps();
  return info;
}

StepInfo reverse_step_info(int frame, const SamplingPlan& plan, const std::vector<int>& frame_nfe) {
  StepInfo info;
  info.mode = LabMode::Reverse;
  const int K = plan.size();
  info.step = std::clamp(frame, 0, K);
  info.t = plan.t_of_frame(info.step);
  info.num_steps = K;
  if (info.step < static_cast<int>(frame_nfe.size())) info.nfe = frame_nfe[info.step];
  if (info.step < K) {
    info.has_next = true;
    info.next_t = plan.t_of_frame(info.step + 1);
    // plan.alpha_bars[i] belongs to timesteps[i - 1]; frame k shows t_{K - k}.
    info.alpha_bar = plan.alpha_bars[K - info.step];
    info.alpha_bar_next = plan.alpha_bars[K - info.step - 1];
  }
  return info;
}

StepCounter step_counter(const StepInfo& info, const ReverseStatus& status, double cursor) {
  StepCounter counter;
  counter.step = info.step;
  counter.num_steps = info.num_steps;
  counter.t = info.t;
  counter.nfe = info.nfe;
  if (info.mode == LabMode::Reverse && status.running) {
    counter.recording = true;
    counter.recorded = std::max(0, status.frames - 1);
    counter.waiting = std::floor(cursor) > info.step;
  }
  return counter;
}

void apply_transport(PlaybackState& playback, Transport action, int end, int count) {
  const double last = std::max(0, end);
  switch (action) {
    case Transport::TogglePlay:
      if (playback.playing) {
        playback.playing = false;
      } else {
        apply_transport(playback, Transport::Play, end);
      }
      break;
    case Transport::Play:
      if (playback.cursor >= last) playback.cursor = 0;
      playback.playing = true;
      break;
    case Transport::Pause:
      playback.playing = false;
      break;
    case Transport::StepForward:
    case Transport::StepBack: {
      const int delta = action == Transport::StepForward ? count : -count;
      const double base = delta >= 0 ? std::floor(playback.cursor) : std::ceil(playback.cursor);
      playback.playing = false;
      playback.cursor = std::clamp(base + delta, 0.0, last);
      break;
    }
    case Transport::Home:
      playback.playing = false;
      playback.cursor = 0;
      break;
    case Transport::End:
      playback.playing = false;
      playback.cursor = last;
      break;
  }
}

void scrub(PlaybackState& playback, int frame, int end) {
  playback.playing = false;
  playback.cursor = std::clamp(frame, 0, std::max(0, end));
}

void set_mode(PlaybackState& playback, LabMode mode) {
  if (mode == playback.mode) return;
  playback.mode = mode;
  playback.cursor = 0;
  playback.playing = false;
}

void advance_playback(PlaybackState& playback, double seconds, int end) {
  const double last = std::max(0, end);
  if (playback.playing) {
    playback.cursor += seconds * playback.steps_per_second;
    if (playback.cursor >= last) {
      playback.cursor = last;
      playback.playing = false;
    }
  }
  playback.cursor = std::clamp(playback.cursor, 0.0, last);
}

}  // namespace dlab::gui
