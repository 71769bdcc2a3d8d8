// The 2D variational bound (core/elbo_points.h) against closed forms: the continuous decoder, a data set of
// one point (every L_{t-1} of the exact model is 0), L_T = prior_kl_per_dim, and Gaussian data N(0, s^2 I)
// under the exact denoiser, whose expected terms are known exactly and whose true negative log-density is
// 0.5 log(2 pi e s^2) per dimension.
#include "core/elbo_points.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/forward_process.h"
#include "core/oracles.h"
#include "core/rng.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

NoiseSchedule linear(int T) {
  ScheduleConfig config;
  config.timesteps = T;
  return NoiseSchedule(config);
}

// The exact eps of a single Gaussian N(0, s^2 I) in 2D (core/oracles.h with one component).
Denoiser gaussian_oracle(double s) {
  const GaussianMixture mixture{torch::zeros({1, 2}, torch::kDouble), torch::tensor({s}, torch::kDouble),
                                torch::ones({1}, torch::kDouble)};
  return [mixture](const torch::Tensor& x_t, int, double alpha_bar) { return mixture_eps(mixture, x_t, alpha_bar); };
}

// The expected terms of the bound for data N(0, s^2) per dimension under the exact denoiser, in closed form.
// With k_t = sqrt(abar_t) s^2 / (abar_t s^2 + 1 - abar_t), E[x_0 | x_t] = k_t x_t and its error has variance
// v_t = s^2 (1 - abar_t) / (abar_t s^2 + 1 - abar_t). The model mean is the posterior mean at E[x_0 | x_t], so
// it misses the true posterior mean by c1_t (x_0 - E[x_0 | x_t]) (Ho et al. 2020, Eq. (7)):
//   E L_{t-1} = 0.5 (-1 + lv2 - lv1 + exp(lv1 - lv2) + c1_t^2 v_t exp(-lv2))      lv1 = log beta~_t
//   E L_0     = 0.5 (log(2 pi) + lv) + v_1 / (2 exp(lv))                          (c1_1 = 1, c2_1 = 0)
//   L_T       = 0.5 (1 - abar_T + abar_T s^2 - 1 - log(1 - abar_T)).
struct Expected {
  double prior = 0, diffusion = 0, decoder = 0;
  std::vector<double> terms;  // t = 2..T
  double total() const { return prior + diffusion + decoder; }
};

Expected expected_gaussian_bound(const NoiseSchedule& s, double std, VarianceKind variance) {
  const int T = s.timesteps();
  const double s2 = std * std;
  const auto error_variance = [&](int t) {
    const double ab = s.alpha_bar(t);
    return s2 * (1 - ab) / (ab * s2 + 1 - ab);
  };
  Expected e;
  const double v = 1 - s.alpha_bar(T);
  e.prior = 0.5 * (v + s.alpha_bar(T) * s2 - 1 - std::log(v));
  for (int t = 2; t <= T; ++t) {
    const double lv1 = std::log(s.beta_tilde(t)), lv2 = model_log_variance(s, t, variance);
    const double c1 = s.posterior_mean_coef1(t);
    e.terms.push_back(0.5 * (-1 + lv2 - lv1 + std::exp(lv1 - lv2) + c1 * c1 * error_variance(t) * std::exp(-lv2)));
    e.diffusion += e.terms.back();
  }
  const double lv = model_log_variance(s, 1, variance);
  e.decoder = 0.5 * (std::log(2 * kPi) + lv) + error_variance(1) / (2 * std::exp(lv));
  return e;
}

TEST(ElboPoints, GaussianNllIsTheNegativeLogDensity) {
  const auto x = torch::tensor({0.3, -1.0}, torch::kDouble), mean = torch::tensor({0.1, 0.5}, torch::kDouble);
  const double v = 0.25;
  const auto nll = gaussian_nll(x, mean, std::log(v));
  EXPECT_NEAR(nll[0].item<double>(), 0.5 * std::log(2 * kPi * v) + 0.04 / (2 * v), 1e-14);
  EXPECT_NEAR(nll[1].item<double>(), 0.5 * std::log(2 * kPi * v) + 2.25 / (2 * v), 1e-14);
}

TEST(ElboPoints, OnePointDataHasZeroDiffusionTermsUnderTheExactModel) {
  // Every x_0 is the point p: the exact x0-predictor returns p, so the model mean is the true posterior mean
  // and, with variance beta~_t, every L_{t-1} is 0. At t = 1, c1 = 1 and c2 = 0: the decoder's mean is p
  // itself and L_0 = 0.5 log(2 pi beta~_2) per dimension.
  const auto s = linear(100);
  const auto p = torch::tensor({{0.7, -1.3}});
  const auto x0 = p.expand({32, 2}).contiguous();
  const Denoiser exact = [p](const torch::Tensor& x_t, int, double) { return p.expand_as(x_t).clone(); };
  const auto bound = elbo_points(s, exact, Prediction::X0, x0);
  ASSERT_EQ(bound.timesteps.size(), 99u);
  for (std::size_t i = 0; i < bound.term_means.size(); ++i)
    EXPECT_NEAR(bound.term_means[i], 0.0, 1e-9) << "t = " << bound.timesteps[i];
  EXPECT_NEAR(bound.decoder, 0.5 * std::log(2 * kPi * s.beta_tilde(2)), 1e-6);
  EXPECT_NEAR(bound.prior, prior_kl_per_dim(s, x0), 1e-12);
  EXPECT_EQ(bound.examples, 32);
  EXPECT_EQ(bound.dimensions, 2);
  EXPECT_FALSE(bound.estimated);
}

TEST(ElboPoints, PriorTermIsPriorKlPerDim) {
  for (int T : {50, 1000}) {
    const auto s = linear(T);
    const auto x0 = Rng(3).normal({500, 2}) * 1.5 + 0.4;
    const Denoiser zero = [](const torch::Tensor& x, int, double) { return torch::zeros_like(x); };
    PointElboConfig config;
    config.term_samples = 4;
    EXPECT_NEAR(elbo_points(s, zero, Prediction::Eps, x0, config).prior, prior_kl_per_dim(s, x0), 1e-12) << T;
  }
}

TEST(ElboPoints, GaussianDataUnderTheExactDenoiserMatchesTheClosedFormAndBoundsTheNll) {
  // Data N(0, s^2 I) in 2D and its exact oracle at T = 1000: the Monte Carlo terms agree with their expected
  // values, and the total is an upper bound on the true negative log-density 0.5 log(2 pi e s^2), tight up
  // to the fixed variances' mismatch.
  const auto s = linear(1000);
  for (double std : {0.2, 1.0}) {
    for (VarianceKind variance : {VarianceKind::BetaTilde, VarianceKind::Beta}) {
      const auto x0 = Rng(11).normal({4000, 2}) * std;
      PointElboConfig config;
      config.variance = variance;
      config.seed = 5;
      const auto bound = elbo_points(s, gaussian_oracle(std), Prediction::Eps, x0, config);
      const Expected e = expected_gaussian_bound(s, std, variance);
      const std::string what = "s = " + std::to_string(std) + ", " + to_name(variance);
      EXPECT_NEAR(bound.prior, prior_kl_per_dim(s, x0), 1e-12) << what;
      EXPECT_NEAR(bound.prior, e.prior, 1e-5) << what;
      // Each term averages 4000 points x 2 dimensions: a few per cent; the sum of 999 independent ones, less.
      for (int t : {2, 10, 100, 500, 1000})
        EXPECT_NEAR(bound.term_means[t - 2], e.terms[t - 2], 0.1 * e.terms[t - 2] + 1e-4) << what << ", t = " << t;
      EXPECT_NEAR(bound.diffusion, e.diffusion, 0.01 * e.diffusion) << what;
      EXPECT_NEAR(bound.decoder, e.decoder, 0.02) << what;
      const double nll = 0.5 * std::log(2 * kPi * std::exp(1.0) * std * std);
      EXPECT_GE(e.total(), nll) << what;
      EXPECT_GE(bound.total(), nll - 0.03) << what;
      // The Monte Carlo total is within a few standard errors of its expectation.
      EXPECT_GT(bound.total_standard_error, 0.0) << what;
      EXPECT_LT(std::abs(bound.total() - e.total()), 4 * bound.total_standard_error) << what;
    }
  }
  // Unit variance data with the variance beta_t ("optimal for x_0 ~ N(0, I)", Ho et al. 2020, section 3.2):
  // each reverse step of the model is the true one and q(x_T) = N(0, I), so the only gap left is the
  // decoder's variance beta~_2 where the true q(x_0 | x_1) has beta_1: KL = 0.5 (r - 1 - log r),
  // r = beta_1 / beta~_2 (0.11 nats).
  const auto x0 = Rng(12).normal({4000, 2});
  PointElboConfig config;
  config.variance = VarianceKind::Beta;
  const auto bound = elbo_points(s, gaussian_oracle(1.0), Prediction::Eps, x0, config);
  const double nll = 0.5 * std::log(2 * kPi * std::exp(1.0));
  const double r = s.beta(1) / s.beta_tilde(2);
  const double gap = 0.5 * (r - 1 - std::log(r));
  EXPECT_NEAR(bound.total(), nll + gap, 0.03);
}

TEST(ElboPoints, EstimatesTheSumFromSomeTermsAndStopsWhenCancelled) {
  const auto s = linear(1000);
  const auto x0 = Rng(4).normal({2000, 2}) * 0.5;
  const auto all = elbo_points(s, gaussian_oracle(0.5), Prediction::Eps, x0);
  PointElboConfig config;
  config.term_samples = 40;
  const auto some = elbo_points(s, gaussian_oracle(0.5), Prediction::Eps, x0, config);
  EXPECT_TRUE(some.estimated);
  EXPECT_LE(some.timesteps.size(), 40u);
  EXPECT_NEAR(some.diffusion, all.diffusion, 0.05 * all.diffusion);
  std::atomic<bool> cancel{true};
  const auto none = elbo_points(s, gaussian_oracle(0.5), Prediction::Eps, x0, {}, {}, &cancel);
  EXPECT_TRUE(none.timesteps.empty());
  EXPECT_TRUE(none.estimated);
}

TEST(ElboPoints, RejectsBadArguments) {
  const auto s = linear(10);
  const Denoiser zero = [](const torch::Tensor& x, int, double) { return torch::zeros_like(x); };
  PointElboConfig config;
  config.variance = VarianceKind::Zero;
  EXPECT_THROW(elbo_points(s, zero, Prediction::Eps, torch::zeros({4, 2}), config), std::invalid_argument);
  EXPECT_THROW(elbo_points(s, {}, Prediction::Eps, torch::zeros({4, 2})), std::invalid_argument);
  EXPECT_THROW(elbo_points(s, zero, Prediction::Eps, torch::zeros({0, 2})), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
