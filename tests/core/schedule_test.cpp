#include "core/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlab {
namespace {

TEST(Schedule, LinearEndpoints) {
  NoiseSchedule s;
  EXPECT_EQ(s.timesteps(), 1000);
  EXPECT_DOUBLE_EQ(s.beta(1), 1e-4);
  EXPECT_DOUBLE_EQ(s.beta(1000), 0.02);
  EXPECT_DOUBLE_EQ(s.alpha_bar(0), 1.0);
  EXPECT_NEAR(s.sigma(1), 0.0100005, 1e-7);     // REFERENCE section 2
  EXPECT_NEAR(s.sigma(1000), 157.407, 1e-3);
}

TEST(Schedule, CosineGoldenNumbers) {
  ScheduleConfig c;
  c.kind = ScheduleKind::Cosine;
  NoiseSchedule s(c);
  EXPECT_NEAR(s.beta(1), 4.128e-5, 1e-8);  // REFERENCE section 2
  EXPECT_NEAR(s.beta(500), 3.146e-3, 1e-6);
  EXPECT_NEAR(s.beta(999), 0.74999, 1e-5);
  EXPECT_DOUBLE_EQ(s.beta(1000), 0.999);
  EXPECT_NEAR(s.alpha_bar(1000), 2.43e-9, 0.01e-9);
}

// ---- Posterior variance golden numbers and respacing (added with the samplers) ---------------------------

TEST(Schedule, PosteriorVarianceGoldenNumbers) {
  // diffusers' DDPM _get_variance with 0-based t: t = 487 -> 0.00979, t = 999 -> 0.02 (REFERENCE section 8).
  NoiseSchedule s;
  EXPECT_NEAR(s.beta_tilde(488), 0.00979, 1e-5);
  EXPECT_NEAR(s.beta_tilde(1000), 0.02, 1e-5);
  EXPECT_EQ(s.beta_tilde(1), 0.0);
}

TEST(Schedule, RespacedTimestepsMatchImprovedDiffusionAndDiffusers) {
  // improved-diffusion space_timesteps(1000, "10") = 0-based {0, 111, ..., 999}: ours +1.
  std::vector<int> expected;
  for (int k = 0; k < 10; ++k) expected.push_back(1 + 111 * k);
  EXPECT_EQ(respaced_timesteps(1000, 10, Spacing::Linspace), expected);
  // "ddim10" = {0, 100, ..., 900} (diffusers "leading").
  expected.clear();
  for (int k = 0; k < 10; ++k) expected.push_back(1 + 100 * k);
  EXPECT_EQ(respaced_timesteps(1000, 10, Spacing::Leading), expected);
  // diffusers "trailing": round(arange(1000, 0, -100)) - 1 = {999, 899, ..., 99}: ours {100, ..., 1000}.
  expected.clear();
  for (int k = 1; k <= 10; ++k) expected.push_back(100 * k);
  EXPECT_EQ(respaced_timesteps(1000, 10, Spacing::Trailing), expected);
  // K = T keeps every step, whatever the spacing.
  for (Spacing sp : {Spacing::Linspace, Spacing::Leading, Spacing::Trailing}) {
    const auto all = respaced_timesteps(50, 50, sp);
    ASSERT_EQ(all.size(), 50u);
    for (int t = 1; t <= 50; ++t) EXPECT_EQ(all[t - 1], t);
  }
  EXPECT_EQ(respaced_timesteps(1000, 1, Spacing::Linspace), std::vector<int>{1000});
  EXPECT_THROW(respaced_timesteps(1000, 0, Spacing::Linspace), std::invalid_argument);
  EXPECT_THROW(respaced_timesteps(1000, 1001, Spacing::Leading), std::invalid_argument);
}

TEST(Schedule, RespacedEffectiveBetasReproduceBaseAlphaBar) {
  for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::Cosine}) {
    ScheduleConfig c;
    c.kind = kind;
    NoiseSchedule base(c);
    for (Spacing sp : {Spacing::Linspace, Spacing::Leading, Spacing::Trailing}) {
      for (int K : {1, 7, 50, 333}) {
        const auto grid = respace(base, K, sp);
        ASSERT_EQ(grid.effective.timesteps(), static_cast<int>(grid.timesteps.size()));
        for (int i = 1; i <= grid.effective.timesteps(); ++i) {
          const double want = base.alpha_bar(grid.timesteps[i - 1]);
          EXPECT_NEAR(grid.effective.alpha_bar(i), want, 1e-7 * want) << K << " " << i;
          // beta'_i = 1 - abar_{t_i}/abar_{t_{i-1}}
          const double prev = i == 1 ? 1.0 : base.alpha_bar(grid.timesteps[i - 2]);
          EXPECT_NEAR(grid.effective.beta(i), 1 - want / prev, 1e-15);
        }
      }
    }
    // Respacing to every step gives the base schedule back.
    const auto full = respace(base, 1000, Spacing::Linspace);
    for (int t = 1; t <= 1000; ++t) EXPECT_NEAR(full.effective.beta(t), base.beta(t), 1e-15);
  }
}

// Issue 15: schedules whose abar_t underflows (every float32 sample NaN) or whose beta_1 rounds away are
// refused naming the value to change; the largest beta-end allowed gives finite tables everywhere.
std::string refusal(const ScheduleConfig& c) {
  try {
    NoiseSchedule s(c);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Schedule, UnderflowingOrRoundedAwaySchedulesAreRefused) {
  ScheduleConfig c;
  c.beta_end = 0.4;
  EXPECT_EQ(refusal(c).rfind("beta-end = 0.4 makes abar_t fall below 1e-60", 0), 0u) << refusal(c);
  c.kind = ScheduleKind::Sigmoid;
  c.beta_end = 0.9;
  EXPECT_EQ(refusal(c).rfind("beta-end = 0.9", 0), 0u) << refusal(c);
  c = ScheduleConfig{};
  c.beta_start = 1e-17;
  EXPECT_EQ(refusal(c).rfind("beta-start = 1e-17 is too small", 0), 0u) << refusal(c);
  c.beta_start = 1e-15;
  EXPECT_EQ(refusal(c), "");
  // The edge at T = 1000: linear and scaled-linear up to beta-end 0.25, sigmoid (which spends longer near
  // beta-end) 0.2; zero terminal SNR (abar_T = 0 by design) still allowed.
  for (auto kind : {ScheduleKind::Linear, ScheduleKind::ScaledLinear, ScheduleKind::Sigmoid}) {
    c = ScheduleConfig{};
    c.kind = kind;
    c.beta_end = kind == ScheduleKind::Sigmoid ? 0.2 : 0.25;
    c.zero_terminal_snr = kind == ScheduleKind::Sigmoid;
    ASSERT_EQ(refusal(c), "") << to_name(kind);
    const NoiseSchedule s(c);
    for (int t = 1; t <= s.timesteps(); ++t) {
      EXPECT_TRUE(std::isfinite(s.beta_tilde(t)) && std::isfinite(s.posterior_mean_coef1(t)) &&
                  std::isfinite(s.posterior_mean_coef2(t)) && !std::isnan(s.log_snr(t)))
          << to_name(kind) << " t = " << t;
      if (t < s.timesteps() || !c.zero_terminal_snr) {
        EXPECT_GE(s.alpha_bar(t), kMinAlphaBar);
      }
    }
  }
}

}  // namespace
}  // namespace dlab
