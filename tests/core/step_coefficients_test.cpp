// The sampler step coefficients (core/step_coefficients.h) against their closed forms.
#include "core/step_coefficients.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/sampling_plan.h"
#include "core/schedule.h"

namespace dlab {
namespace {

// LMS weights: they sum to the step length (the basis sums to 1), and integrate polynomials of degree <
// order exactly: sum_j c_j p(s_{i-j}) = integral of p over [s_i, s_{i+1}].
TEST(StepCoefficients, LmsWeightsIntegrateCubicsExactly) {
  const double sigmas[] = {80.0, 30.0, 9.0, 2.5, 0.6, 0.0};
  auto p = [](double x) { return 1.0 - 2.0 * x + 0.3 * x * x - 0.01 * x * x * x; };
  auto integral = [](double a, double b) {
    auto F = [](double x) { return x - x * x + 0.1 * x * x * x - 0.0025 * x * x * x * x; };
    return F(b) - F(a);
  };
  for (int i = 3; i <= 4; ++i) {
    double sum = 0, quad = 0;
    for (int j = 0; j < 4; ++j) {
      const double c = lms_coefficient(sigmas, i, j, 4);
      sum += c;
      quad += c * p(sigmas[i - j]);
    }
    EXPECT_NEAR(sum, sigmas[i + 1] - sigmas[i], 1e-12);
    EXPECT_NEAR(quad, integral(sigmas[i], sigmas[i + 1]), 1e-9 * std::abs(integral(sigmas[i], sigmas[i + 1])));
  }
  // Order 1 is Euler: c_0 = sigma_next - sigma.
  EXPECT_NEAR(lms_coefficient(sigmas, 0, 0, 1), -50.0, 1e-12);
  // Order 2, equal steps h: Adams-Bashforth 2, c = (3/2 h, -1/2 h).
  const double even[] = {3.0, 2.0, 1.0};
  EXPECT_NEAR(lms_coefficient(even, 1, 0, 2), -1.5, 1e-12);
  EXPECT_NEAR(lms_coefficient(even, 1, 1, 2), 0.5, 1e-12);
}

// Karras et al. 2022, Eq. (5) and the log-uniform (exponential) sigmas, and their placement on timesteps.
TEST(StepCoefficients, KarrasAndExponentialSigmas) {
  const auto karras = spacing_sigmas(0.002, 80.0, 5, Spacing::Karras);
  ASSERT_EQ(karras.size(), 5u);
  EXPECT_DOUBLE_EQ(karras.front(), 80.0);
  EXPECT_DOUBLE_EQ(karras.back(), 0.002);
  // i = 2 of 5: ((80^(1/7) + 0.002^(1/7))/2)^7, by hand: (1.8706 + 0.4118)/2 = 1.1412, ^7 = 2.5218
  EXPECT_NEAR(karras[2], std::pow((std::pow(80.0, 1 / 7.0) + std::pow(0.002, 1 / 7.0)) / 2, 7), 1e-12);
  EXPECT_NEAR(karras[2], 2.52, 0.01);
  const auto expo = spacing_sigmas(0.01, 100.0, 5, Spacing::Exponential);
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(expo[i], std::pow(10.0, 2.0 - i), 1e-9 * expo[i]);
  EXPECT_EQ(spacing_sigmas(0.01, 100.0, 1, Spacing::Karras), std::vector<double>{100.0});
  EXPECT_THROW(spacing_sigmas(0.01, 100.0, 5, Spacing::Linspace), std::invalid_argument);

  const NoiseSchedule linear;  // sigma_1 = 0.0100005, sigma_1000 = 157.4 (REFERENCE.md section 2)
  const auto sig = sampling_sigmas(linear);
  EXPECT_NEAR(sig.front(), 0.0100005, 1e-6);
  EXPECT_NEAR(sig.back(), 157.407, 1e-3);
  for (Spacing spacing : {Spacing::Karras, Spacing::Exponential}) {
    for (int K : {1, 2, 10, 50, 200, 999, 1000}) {
      const auto ts = sigma_spaced_timesteps(linear, K, spacing);
      ASSERT_EQ(static_cast<int>(ts.size()), K) << K;
      EXPECT_EQ(ts.back(), 1000);
      if (K > 1) {
        EXPECT_EQ(ts.front(), 1);
      }
      for (int i = 1; i < K; ++i) EXPECT_LT(ts[i - 1], ts[i]);
      EXPECT_EQ(respace(linear, K, spacing).timesteps, ts);
      EXPECT_EQ(make_sampling_plan(linear, K, spacing).timesteps, ts);
    }
    // At K = 10 no two sigmas share a timestep, so each is the nearest in log sigma.
    const auto targets = spacing_sigmas(sig.front(), sig.back(), 10, spacing);
    const auto ts = sigma_spaced_timesteps(linear, 10, spacing);
    for (int i = 0; i < 10; ++i) {
      const int t = ts[9 - i];
      const double here = std::abs(std::log(sig[t - 1] / targets[i]));
      if (t > 1) {
        EXPECT_LE(here, std::abs(std::log(sig[t - 2] / targets[i]))) << i;
      }
      if (t < 1000) {
        EXPECT_LE(here, std::abs(std::log(sig[t] / targets[i]))) << i;
      }
    }
  }
  // Zero terminal SNR: sigma_T is clamped (abar_T = 2^-24, sigma 4096) below sigma_999 (15,400); the plan still
  // starts at T and keeps K distinct ascending timesteps.
  ScheduleConfig zero;
  zero.zero_terminal_snr = true;
  for (Spacing spacing : {Spacing::Karras, Spacing::Exponential}) {
    const auto ts = sigma_spaced_timesteps(NoiseSchedule(zero), 30, spacing);
    ASSERT_EQ(ts.size(), 30u);
    EXPECT_EQ(ts.back(), 1000);
    EXPECT_EQ(ts.front(), 1);
    for (int i = 1; i < 30; ++i) EXPECT_LT(ts[i - 1], ts[i]);
  }
  EXPECT_THROW(respaced_timesteps(1000, 10, Spacing::Karras), std::invalid_argument);
  EXPECT_THROW(sigma_spaced_timesteps(linear, 1001, Spacing::Karras), std::invalid_argument);
}

TEST(StepCoefficients, DdpmMatchesTheScheduleOnUnrespacedSteps) {
  // On the full chain the step's beta' is beta_t and beta~ is the schedule's posterior variance.
  const NoiseSchedule schedule;
  for (int t : {2, 10, 500, 1000}) {
    const DdpmStep s = ddpm_step(schedule.alpha_bar(t), schedule.alpha_bar(t - 1), VarianceKind::BetaTilde);
    EXPECT_NEAR(s.beta, schedule.beta(t), 1e-12);
    EXPECT_NEAR(s.beta_tilde, schedule.beta_tilde(t), 1e-12);
    EXPECT_NEAR(s.sigma, std::sqrt(schedule.beta_tilde(t)), 1e-12);
    // Ho et al. 2020, Eq. (7): c_x0 = sqrt(abar_{t-1}) beta_t/(1 - abar_t), c_xt = sqrt(alpha_t)(1 - abar_{t-1})/(1 - abar_t).
    EXPECT_NEAR(s.c_x0, std::sqrt(schedule.alpha_bar(t - 1)) * schedule.beta(t) / (1 - schedule.alpha_bar(t)), 1e-12);
    EXPECT_NEAR(s.c_xt, std::sqrt(1 - schedule.beta(t)) * (1 - schedule.alpha_bar(t - 1)) / (1 - schedule.alpha_bar(t)),
                1e-12);
    // The eps form (Eq. (11)) gives the same mean: with x_t = sqrt(abar) x0 + sqrt(1 - abar) eps,
    // (x_t - c_eps eps)/sqrt(alpha) = c_x0 x0 + c_xt x_t.
    const double abar = schedule.alpha_bar(t), x0 = 0.7, eps = -1.3, xt = std::sqrt(abar) * x0 + std::sqrt(1 - abar) * eps;
    EXPECT_NEAR((xt - s.c_eps * eps) / std::sqrt(s.alpha), s.c_x0 * x0 + s.c_xt * xt, 1e-9);
  }
}

TEST(StepCoefficients, DdpmVariances) {
  const double abar = 0.3, abar_prev = 0.4;
  const DdpmStep tilde = ddpm_step(abar, abar_prev, VarianceKind::BetaTilde);
  EXPECT_DOUBLE_EQ(ddpm_step(abar, abar_prev, VarianceKind::Beta).sigma, std::sqrt(tilde.beta));
  EXPECT_DOUBLE_EQ(ddpm_step(abar, abar_prev, VarianceKind::Zero).sigma, 0.0);
  // The notes' mistake (seed 003): the variance itself where its square root belongs.
  EXPECT_DOUBLE_EQ(ddpm_step(abar, abar_prev, VarianceKind::VarianceAsStd).sigma, tilde.beta_tilde);
}

TEST(StepCoefficients, DdimAtEtaOneHasThePosteriorVariance) {
  const double abar = 0.3, abar_prev = 0.4;
  const DdimStep one = ddim_step(abar, abar_prev, 1.0);
  EXPECT_NEAR(one.sigma * one.sigma, ddpm_step(abar, abar_prev, VarianceKind::BetaTilde).beta_tilde, 1e-15);
  const DdimStep zero = ddim_step(abar, abar_prev, 0.0);
  EXPECT_EQ(zero.sigma, 0.0);
  EXPECT_DOUBLE_EQ(zero.c_x0, std::sqrt(abar_prev));
  EXPECT_DOUBLE_EQ(zero.c_eps, std::sqrt(1 - abar_prev));
  EXPECT_NEAR(one.c_eps * one.c_eps + one.sigma * one.sigma, 1 - abar_prev, 1e-15);  // variance preserved
}

TEST(StepCoefficients, AncestralSplitsTheNextNoiseLevel) {
  const double sigma = 2.0, sigma_next = 1.2;
  const AncestralStep full = ancestral_step(sigma, sigma_next, 1.0);
  EXPECT_NEAR(full.sigma_up * full.sigma_up + full.sigma_down * full.sigma_down, sigma_next * sigma_next, 1e-12);
  EXPECT_NEAR(full.sigma_up, sigma_next * std::sqrt(1 - (sigma_next * sigma_next) / (sigma * sigma)), 1e-12);
  const AncestralStep none = ancestral_step(sigma, sigma_next, 0.0);
  EXPECT_EQ(none.sigma_up, 0.0);
  EXPECT_DOUBLE_EQ(none.sigma_down, sigma_next);
  EXPECT_DOUBLE_EQ(ve_sigma(0.2), 2.0);
}

}  // namespace
}  // namespace dlab
