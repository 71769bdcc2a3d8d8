// The sampler step coefficients (core/step_coefficients.h) against their closed forms.
#include "core/step_coefficients.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/sampling_plan.h"
#include "core/schedule.h"

namespace dlab {
namespace {

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
