// The timeline and its transport (app/gui/timeline): one behaviour for keys, the panel and scripts.
#include "app/gui/timeline/timeline.h"

#include <gtest/gtest.h>

namespace dlab::gui {
namespace {

PlaybackState at(double cursor, bool playing = false) {
  PlaybackState playback;
  playback.cursor = cursor;
  playback.playing = playing;
  return playback;
}

TEST(Transport, StepsCountFromTheFrameShown) {
  // A playing cursor sits between frames (4.5 shows frame 4): forward goes to 5, back to 4, as the arrow
  // keys always did; the script's `step -1` used to floor and land on 3.
  PlaybackState playback = at(4.5, true);
  apply_transport(playback, Transport::StepForward, 10);
  EXPECT_EQ(playback.cursor, 5.0);
  EXPECT_FALSE(playback.playing);
  playback = at(4.5, true);
  apply_transport(playback, Transport::StepBack, 10);
  EXPECT_EQ(playback.cursor, 4.0);
  apply_transport(playback, Transport::StepBack, 10);
  EXPECT_EQ(playback.cursor, 3.0);
  apply_transport(playback, Transport::StepForward, 10, 5);
  EXPECT_EQ(playback.cursor, 8.0);
}

TEST(Transport, StepsStopAtTheEnds) {
  PlaybackState playback = at(1);
  apply_transport(playback, Transport::StepBack, 10, 5);
  EXPECT_EQ(playback.cursor, 0.0);
  apply_transport(playback, Transport::StepForward, 10, 50);
  EXPECT_EQ(playback.cursor, 10.0);
}

TEST(Transport, PlayFromTheEndStartsAgain) {
  PlaybackState playback = at(10);
  apply_transport(playback, Transport::TogglePlay, 10);
  EXPECT_TRUE(playback.playing);
  EXPECT_EQ(playback.cursor, 0.0);
  apply_transport(playback, Transport::TogglePlay, 10);
  EXPECT_FALSE(playback.playing);
  playback = at(3);
  apply_transport(playback, Transport::Play, 10);
  EXPECT_TRUE(playback.playing);
  EXPECT_EQ(playback.cursor, 3.0);
}

TEST(Transport, HomeAndEndPause) {
  PlaybackState playback = at(3, true);
  apply_transport(playback, Transport::End, 10);
  EXPECT_EQ(playback.cursor, 10.0);
  EXPECT_FALSE(playback.playing);
  playback.playing = true;
  apply_transport(playback, Transport::Home, 10);
  EXPECT_EQ(playback.cursor, 0.0);
  EXPECT_FALSE(playback.playing);
}

TEST(Transport, ScrubAndModeChanges) {
  PlaybackState playback = at(3, true);
  scrub(playback, 50, 10);
  EXPECT_EQ(playback.cursor, 10.0);
  EXPECT_FALSE(playback.playing);
  playback.playing = true;
  set_mode(playback, LabMode::Reverse);
  EXPECT_EQ(playback.mode, LabMode::Reverse);
  EXPECT_EQ(playback.cursor, 0.0);
  EXPECT_FALSE(playback.playing);
  playback.cursor = 4;
  set_mode(playback, LabMode::Reverse);  // the same mode: nothing changes
  EXPECT_EQ(playback.cursor, 4.0);
}

TEST(Transport, PlaybackAdvancesAndStopsAtTheEnd) {
  PlaybackState playback = at(0, true);
  playback.steps_per_second = 100;
  advance_playback(playback, 0.05, 1000);
  EXPECT_DOUBLE_EQ(playback.cursor, 5.0);
  advance_playback(playback, 100.0, 1000);
  EXPECT_EQ(playback.cursor, 1000.0);
  EXPECT_FALSE(playback.playing);
  playback.cursor = 2000;  // a shorter schedule: clamped
  advance_playback(playback, 0.0, 50);
  EXPECT_EQ(playback.cursor, 50.0);
}

TEST(Timeline, ReverseFramesFollowTheSamplingPlan) {
  const NoiseSchedule schedule;  // linear, T = 1000
  SamplerSettings sampler;
  sampler.steps = 10;
  const SamplingPlan plan = scene_sampling_plan(sampler, schedule);
  ASSERT_EQ(plan.size(), 10);
  EXPECT_EQ(plan.t_of_frame(0), plan.timesteps.back());  // x_T
  EXPECT_EQ(plan.t_of_frame(10), 0);                     // x_0
  // --t 500: the first frame whose timestep is <= 500.
  PlaybackState playback;
  playback.requested_t = 500;
  const int frame = reverse_frame(playback, plan);
  EXPECT_LE(plan.t_of_frame(frame), 500);
  EXPECT_GT(plan.t_of_frame(frame - 1), 500);
  EXPECT_EQ(playback.requested_t, -1);
  EXPECT_EQ(playback.cursor, frame);
  // K = 0 or K >= T: every step.
  sampler.steps = 0;
  EXPECT_EQ(scene_sampling_plan(sampler, schedule).size(), 1000);
  sampler.steps = 5000;
  EXPECT_EQ(scene_sampling_plan(sampler, schedule).size(), 1000);
  Scene scene;
  scene.playback.mode = LabMode::Reverse;
  scene.sampler.steps = 50;
  EXPECT_EQ(cursor_end(scene, schedule), 50);
  scene.playback.mode = LabMode::Forward;
  EXPECT_EQ(cursor_end(scene, schedule), 1000);
}

TEST(Timeline, StepInfoUsesTheSamplersAlphaBar) {
  // Cosine: abar_T = 2.4e-9 > 0 is used as it is (the image view used to clamp it up to 2^-24 = 6e-8).
  ScheduleConfig cosine;
  cosine.kind = ScheduleKind::Cosine;
  const NoiseSchedule schedule(cosine);
  ASSERT_GT(schedule.alpha_bar(1000), 0.0);
  ASSERT_LT(schedule.alpha_bar(1000), kMinSamplingAlphaBar);
  const SamplingPlan plan = scene_sampling_plan(SamplerSettings{}, schedule);
  const StepInfo first = reverse_step_info(0, plan, {0, 1});
  EXPECT_EQ(first.t, 1000);
  EXPECT_EQ(first.next_t, 999);
  EXPECT_EQ(first.alpha_bar, schedule.alpha_bar(1000));
  EXPECT_EQ(first.alpha_bar_next, schedule.alpha_bar(999));
  EXPECT_EQ(first.nfe, 0);
  EXPECT_EQ(reverse_step_info(1, plan, {0, 1}).nfe, 1);
  const StepInfo last = reverse_step_info(999, plan, {});
  EXPECT_EQ(last.t, 1);
  EXPECT_EQ(last.next_t, 0);
  EXPECT_EQ(last.alpha_bar_next, 1.0);
  EXPECT_FALSE(reverse_step_info(1000, plan, {}).has_next);
  // Zero terminal SNR: abar_T = 0 is clamped to 2^-24, as in the samplers.
  ScheduleConfig zero;
  zero.zero_terminal_snr = true;
  const NoiseSchedule zero_schedule(zero);
  const SamplingPlan zero_plan = scene_sampling_plan(SamplerSettings{}, zero_schedule);
  EXPECT_EQ(reverse_step_info(0, zero_plan, {}).alpha_bar, kMinSamplingAlphaBar);
}

TEST(Timeline, PlaybackWaitsForTheRecording) {
  PlaybackState playback = at(40.5, true);
  EXPECT_EQ(recorded_frame(playback, 40, 11), 10);  // 11 frames recorded: 0..10
  EXPECT_EQ(playback.cursor, 10.0);
  playback = at(40, false);  // a position set by hand stays and is shown once recorded
  EXPECT_EQ(recorded_frame(playback, 40, 11), 10);
  EXPECT_EQ(playback.cursor, 40.0);
}

// Issue 14: End pressed while a 1000-step run had recorded 36 steps showed "step 1000 / 1000, t = 964, NFE =
// 36". The counter shows the step the picture is at, and the recording's progress apart.
TEST(Timeline, StepCounterShowsThePictureNotTheCursor) {
  const NoiseSchedule schedule{ScheduleConfig{}};
  const SamplingPlan plan = scene_sampling_plan(SamplerSettings{}, schedule);
  std::vector<int> nfe(37);
  for (int k = 0; k < 37; ++k) nfe[k] = k;
  PlaybackState playback = at(0, false);
  apply_transport(playback, Transport::End, plan.size());
  ASSERT_EQ(playback.cursor, 1000.0);
  const int frame = recorded_frame(playback, reverse_frame(playback, plan), 37);
  const StepInfo info = reverse_step_info(frame, plan, nfe);
  ReverseStatus status;
  status.running = true;
  status.frames = 37;
  status.num_steps = 1000;
  const StepCounter counter = step_counter(info, status, playback.cursor);
  EXPECT_EQ(counter.step, 36);
  EXPECT_EQ(counter.t, 964);
  EXPECT_EQ(counter.nfe, 36);
  EXPECT_TRUE(counter.recording);
  EXPECT_EQ(counter.recorded, 36);
  EXPECT_TRUE(counter.waiting);  // End asked for step 1000: playback waits there
  // Done: no recording, the counter at the end.
  status.running = false;
  status.frames = 1001;
  const StepCounter done = step_counter(reverse_step_info(1000, plan, {}), status, 1000.0);
  EXPECT_EQ(done.step, 1000);
  EXPECT_FALSE(done.recording);
  EXPECT_FALSE(done.waiting);
  // Forward mode never records.
  EXPECT_FALSE(step_counter(forward_step_info(500, schedule), status, 500.0).recording);
}

}  // namespace
}  // namespace dlab::gui
