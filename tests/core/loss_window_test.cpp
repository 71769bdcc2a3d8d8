// The loss-by-noise-level window (core/loss_window.h): one diverged interval leaves the recent mean
// exactly once the window has slid past it (issue 9), and the first window stays.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/loss_window.h"

namespace dlab {
namespace {

// One interval of `steps` steps with `per_step` examples per step in each of 2 bins at loss `loss`.
void add(BinnedLossWindow& window, std::int64_t steps, double loss, double per_step = 10) {
  const std::vector<double> counts(2, per_step * steps), sums(2, loss * per_step * steps);
  window.add(steps, sums.data(), counts.data());
}

TEST(LossWindow, EmptyBinsAreNaN) {
  BinnedLossWindow window(2, 100);
  EXPECT_TRUE(std::isnan(window.recent_mean(0)));
  EXPECT_TRUE(std::isnan(window.first_mean(1)));
  EXPECT_EQ(window.recent_count(0), 0);
}

TEST(LossWindow, OneDivergedIntervalIsForgottenOnceTheWindowSlidesPastIt) {
  BinnedLossWindow window(2, 100);
  for (int i = 0; i < 4; ++i) add(window, 50, 0.5);
  add(window, 50, 1e12);  // learning rate 0.9: a finite but absurd loss
  EXPECT_GT(window.recent_mean(0), 1e10);
  add(window, 50, 0.3);
  EXPECT_GT(window.recent_mean(0), 1e10);  // still inside the last 100 steps
  add(window, 50, 0.3);
  // Exactly the last 100 steps, summed afresh: no rounding residue of the 1e12 (a running mean from
  // the start, or one forgetting with a 500-step half-life, would still read ~1e9 here).
  EXPECT_DOUBLE_EQ(window.recent_mean(0), 0.3);
  EXPECT_DOUBLE_EQ(window.recent_mean(1), 0.3);
  EXPECT_DOUBLE_EQ(window.recent_count(0), 1000);
  EXPECT_EQ(window.recent_steps(), 100);
}

TEST(LossWindow, KeepsTheFirstWindow) {
  BinnedLossWindow window(2, 100);
  add(window, 60, 1.0);
  add(window, 60, 0.5);  // crosses 100 steps: counted whole in the first window
  add(window, 60, 0.1);
  EXPECT_DOUBLE_EQ(window.first_mean(0), 0.75);
  EXPECT_DOUBLE_EQ(window.first_count(0), 1200);
  // Recent: the fewest whole intervals covering 100 steps (the last two).
  EXPECT_DOUBLE_EQ(window.recent_mean(0), 0.3);
  window.clear();
  EXPECT_TRUE(std::isnan(window.first_mean(0)));
  EXPECT_TRUE(std::isnan(window.recent_mean(0)));
}

TEST(LossWindow, AnIntervalLongerThanTheWindowIsKept) {
  BinnedLossWindow window(2, 100);
  add(window, 50, 2.0);
  add(window, 400, 1.0);
  EXPECT_DOUBLE_EQ(window.recent_mean(0), 1.0);
  EXPECT_EQ(window.recent_steps(), 400);
}

TEST(LossWindow, RejectsBadSizes) {
  EXPECT_THROW(BinnedLossWindow(2, 0), std::invalid_argument);
  EXPECT_THROW(BinnedLossWindow(-1, 10), std::invalid_argument);
}

// The smoothed loss curve: a constant stays constant from the first step (the start is debiased), a jump
// is followed with the EMA's time constant, a diverged step is skipped.
TEST(LossWindow, SmoothedCurve) {
  const std::vector<double> flat = smoothed_curve(std::vector<float>(50, 0.5f), 100);
  for (double v : flat) EXPECT_NEAR(v, 0.5, 1e-6);
  // 1 for 1000 steps, then 0: after 100 more steps of span 100, a^100 = 0.99^100 = 0.366 of the jump is left.
  std::vector<float> jump(1000, 1.0f);
  jump.resize(1100, 0.0f);
  const std::vector<double> smooth = smoothed_curve(jump, 100);
  EXPECT_NEAR(smooth[999], 1.0, 1e-6);
  EXPECT_NEAR(smooth[1099], std::pow(0.99, 100), 1e-4);
  // Debiased start: the first value is the first loss, the second the weighted mean (a = 0.9).
  const std::vector<double> start = smoothed_curve({2.0f, 1.0f}, 10);
  EXPECT_NEAR(start[0], 2.0, 1e-12);
  EXPECT_NEAR(start[1], (0.9 * 0.1 * 2.0 + 0.1 * 1.0) / (1 - 0.81), 1e-12);
  const std::vector<double> diverged = smoothed_curve({1.0f, NAN, 1.0f}, 10);
  EXPECT_NEAR(diverged[1], 1.0, 1e-12);
  EXPECT_NEAR(diverged[2], 1.0, 1e-12);
  EXPECT_EQ(smoothed_curve({3.0f, 1.0f}, 1)[1], 1.0);  // span 1: the curve itself
}

}  // namespace
}  // namespace dlab
