#include "core/posterior.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/parameterization.h"

namespace dlab {
namespace {

struct Moments {
  double mean, variance;
};

// Bayes on a grid: p(x_{t-1} | x_t, x_0) ∝ q(x_t | x_{t-1}) q(x_{t-1} | x_0), normalised numerically.
Moments numerical_posterior(const NoiseSchedule& s, int t, double x0, double xt) {
  const double lik_mean = xt / std::sqrt(s.alpha(t)), lik_sd = std::sqrt(s.beta(t) / s.alpha(t));
  const double prior_mean = s.sqrt_alpha_bar(t - 1) * x0, prior_sd = std::sqrt(1 - s.alpha_bar(t - 1));
  // The posterior lies between the two peaks and is narrower than either factor.
  const double narrow = prior_sd > 0 ? std::min(lik_sd, prior_sd) : lik_sd;
  const double lo = std::min(lik_mean, prior_mean) - 12 * narrow,
               hi = std::max(lik_mean, prior_mean) + 12 * narrow;
  const int64_t n = 100001;
  const auto x = torch::linspace(lo, hi, n, torch::kDouble);
  // log q(x_t | x_{t-1}) = -(x_t - sqrt(alpha_t) x_{t-1})^2/(2 beta_t); log q(x_{t-1} | x_0) likewise.
  auto log_p = -(xt - std::sqrt(s.alpha(t)) * x).pow(2) / (2 * s.beta(t));
  if (prior_sd > 0) log_p = log_p - (x - prior_mean).pow(2) / (2 * prior_sd * prior_sd);
  auto w = (log_p - log_p.max()).exp();
  w = w / w.sum();
  const double mean = (w * x).sum().item<double>();
  const double variance = (w * (x - mean).pow(2)).sum().item<double>();
  return {mean, variance};
}

TEST(Posterior, MatchesNumericalBayesOnAGrid) {
  torch::set_num_threads(1);  // many small element-wise ops: threads only add synchronisation
  for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::Cosine}) {
    ScheduleConfig c;
    c.kind = kind;
    const NoiseSchedule s(c);
    for (int t : {2, 3, 10, 100, 500, 999, 1000}) {
      const double x0 = 0.7, xt = s.sqrt_alpha_bar(t) * x0 + s.sqrt_one_minus_alpha_bar(t) * (-0.8);
      const auto num = numerical_posterior(s, t, x0, xt);
      const auto mean =
          posterior_mean(s, t, torch::tensor({x0}, torch::kDouble), torch::tensor({xt}, torch::kDouble));
      EXPECT_NEAR(mean.item<double>(), num.mean, 1e-6 * std::sqrt(num.variance) + 1e-12)
          << to_name(kind) << " t = " << t;
      EXPECT_NEAR(s.beta_tilde(t), num.variance, 1e-6 * num.variance) << to_name(kind) << " t = " << t;
    }
  }
}

// At t = 1 the posterior is a point mass at x_0: beta~_1 = 0, mean x_0.
TEST(Posterior, FirstStepIsThePointX0) {
  const NoiseSchedule s;
  EXPECT_EQ(s.beta_tilde(1), 0.0);
  const auto x0 = torch::tensor({0.3, -1.2}, torch::kDouble), xt = torch::tensor({2.0, 5.0}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(posterior_mean(s, 1, x0, xt), x0, 1e-12, 1e-12));
}

TEST(Posterior, EpsFormEqualsX0Form) {
  const NoiseSchedule s;
  const auto xt = torch::randn({32, 2}, torch::kDouble), eps = torch::randn({32, 2}, torch::kDouble);
  for (int t : {1, 2, 50, 500, 1000}) {
    const auto x0 = x0_from_eps(xt, eps, s.alpha_bar(t));
    EXPECT_TRUE(
        torch::allclose(posterior_mean_from_eps(s, t, xt, eps), posterior_mean(s, t, x0, xt), 1e-9, 1e-9))
        << "t = " << t;
  }
}

TEST(Posterior, GoldenVariances) {
  // diffusers' DDPM _get_variance (0-based t): t = 487 -> 0.00979, t = 999 -> 0.02 (REFERENCE.md section 8).
  const NoiseSchedule s;
  EXPECT_NEAR(s.beta_tilde(488), 0.00979, 1e-5);
  EXPECT_NEAR(s.beta_tilde(1000), 0.02, 1e-5);
}

TEST(Posterior, ClippedLogVariance) {
  const NoiseSchedule s;
  EXPECT_DOUBLE_EQ(posterior_log_variance_clipped(s, 1), std::log(s.beta_tilde(2)));
  EXPECT_DOUBLE_EQ(posterior_log_variance_clipped(s, 2), std::log(s.beta_tilde(2)));
  EXPECT_DOUBLE_EQ(posterior_log_variance_clipped(s, 700), std::log(s.beta_tilde(700)));
  EXPECT_TRUE(std::isfinite(posterior_log_variance_clipped(s, 1)));
}

}  // namespace
}  // namespace dlab
