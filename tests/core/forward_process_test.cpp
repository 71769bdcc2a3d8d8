#include "core/forward_process.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/oracles.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Fraction of standardised values within one standard deviation: 0.6827 for a Gaussian.
double within_one_sd(const torch::Tensor& x, double mean, double sd) {
  return ((x - mean).abs() < sd).to(torch::kDouble).mean().item<double>();
}

// Iterating q(x_t | x_{t-1}) t times and sampling q(x_t | x_0) once give the same law N(sqrt(abar) x0, 1 -
// abar).
TEST(ForwardProcess, ClosedFormAndChainAgreeInDistribution) {
  torch::set_num_threads(1);
  const NoiseSchedule s;  // linear, T = 1000
  const int64_t n = 20000;
  const double x0_value = 1.5;
  const auto x0 = torch::full({n, 1}, x0_value, torch::kDouble);
  for (int t : {1, 10, 100, 400}) {
    Rng rng_closed(10 + t), rng_chain(20 + t);
    const auto closed = diffuse_closed_form(s, x0, t, rng_closed);
    const auto chain = diffuse_chain(s, x0, t, rng_chain);
    const double mean = s.sqrt_alpha_bar(t) * x0_value, var = 1 - s.alpha_bar(t), sd = std::sqrt(var);
    // Standard errors: mean sd/sqrt(n) (0.7% of sd), variance var sqrt(2/n) (1% of var); 5 of each.
    const double mean_tol = 5 * sd / std::sqrt(static_cast<double>(n)),
                 var_tol = 5 * var * std::sqrt(2.0 / n);
    for (const auto& x : {closed, chain}) {
      EXPECT_NEAR(x.mean().item<double>(), mean, mean_tol) << "t = " << t;
      EXPECT_NEAR(x.var().item<double>(), var, var_tol) << "t = " << t;
      // The shape too: 68.27% within one sd (binomial standard error 0.0033).
      EXPECT_NEAR(within_one_sd(x, mean, sd), 0.6827, 0.017) << "t = " << t;
    }
    EXPECT_NEAR(closed.mean().item<double>(), chain.mean().item<double>(), 1.5 * mean_tol);
    EXPECT_NEAR(closed.var().item<double>(), chain.var().item<double>(), 1.5 * var_tol);
  }
}

TEST(ForwardProcess, OneStepHasMeanSqrtAlphaAndVarianceBeta) {
  const NoiseSchedule s;
  const int64_t n = 20000;
  const int t = 700;
  Rng rng(3);
  const auto x = forward_step(s, torch::full({n}, -2.0, torch::kDouble), t, rng);
  EXPECT_NEAR(x.mean().item<double>(), -2.0 * std::sqrt(s.alpha(t)), 5 * std::sqrt(s.beta(t) / n));
  EXPECT_NEAR(x.var().item<double>(), s.beta(t), 5 * s.beta(t) * std::sqrt(2.0 / n));
}

// At t = T the closed form of gmm8 data is N(0, I): mean 0, covariance I.
TEST(ForwardProcess, GmmAtTimeTIsStandardNormal) {
  std::vector<float> centres;
  for (int k = 0; k < 8; ++k) {
    centres.push_back(static_cast<float>(2 * std::cos(k * kPi / 4)));
    centres.push_back(static_cast<float>(2 * std::sin(k * kPi / 4)));
  }
  const GaussianMixture gmm8{torch::tensor(centres).reshape({8, 2}), torch::full({8}, 0.2f),
                             torch::full({8}, 0.125f)};
  const int64_t n = 20000;
  const auto x0 = mixture_sample(gmm8, n, 1);
  const NoiseSchedule s;
  Rng rng(2);
  const auto xT = diffuse_closed_form(s, x0, s.timesteps(), rng).to(torch::kDouble);
  // Mean: standard error 1/sqrt(n) = 0.007. Covariance entries: about sqrt(2/n) = 0.01 (diagonal), 0.007
  // (off).
  EXPECT_LT(xT.mean(0).abs().max().item<double>(), 0.035);
  const auto centred = xT - xT.mean(0);
  const auto cov = torch::matmul(centred.t(), centred) / (n - 1);
  EXPECT_LT((cov - torch::eye(2, torch::kDouble)).abs().max().item<double>(), 0.05);
  // While the data at t = 0 are far from it (covariance 2.02 I).
  const auto c0 = x0.to(torch::kDouble) - x0.to(torch::kDouble).mean(0);
  EXPECT_GT((torch::matmul(c0.t(), c0) / (n - 1) - torch::eye(2, torch::kDouble)).abs().max().item<double>(),
            0.9);
}

TEST(ForwardProcess, ClosedFormReturnsItsNoiseAndIsSeeded) {
  const NoiseSchedule s;
  const auto x0 = torch::randn({64, 2}, torch::kDouble);
  Rng a(5), b(5), c(6);
  torch::Tensor eps;
  const auto xa = diffuse_closed_form(s, x0, 250, a, &eps);
  EXPECT_TRUE(
      torch::allclose(xa, s.sqrt_alpha_bar(250) * x0 + s.sqrt_one_minus_alpha_bar(250) * eps, 1e-12, 1e-12));
  EXPECT_TRUE(torch::equal(xa, diffuse_closed_form(s, x0, 250, b)));
  EXPECT_FALSE(torch::equal(xa, diffuse_closed_form(s, x0, 250, c)));
  Rng d(1);
  EXPECT_TRUE(torch::equal(diffuse_closed_form(s, x0, 0, d), x0));  // abar_0 = 1: t = 0 is the data
}

TEST(ForwardProcess, ChainReportsEveryStep) {
  const NoiseSchedule s;
  Rng rng(1);
  std::vector<int> steps;
  const auto x = diffuse_chain(s, torch::zeros({3, 2}), 5, rng, [&](int t, const torch::Tensor& xt) {
    steps.push_back(t);
    EXPECT_EQ(xt.sizes(), (torch::IntArrayRef{3, 2}));
  });
  EXPECT_EQ(steps, (std::vector<int>{1, 2, 3, 4, 5}));
  Rng a(9), b(9);
  EXPECT_TRUE(torch::equal(diffuse(ForwardMode::Chain, s, x, 7, a), diffuse_chain(s, x, 7, b)));
  EXPECT_THROW(forward_step(s, x, 0, a), std::out_of_range);
  EXPECT_THROW(forward_step(s, x, 1001, a), std::out_of_range);
}

// KL(N(sqrt(abar_T) x0, 1 - abar_T) || N(0, 1)) = 0.5 (v + abar_T x0^2 - 1 - log v), v = 1 - abar_T.
TEST(ForwardProcess, PriorKlClosedForm) {
  const NoiseSchedule s;
  const auto x0 = torch::full({10, 2}, 2.0);
  const double ab = s.alpha_bar(1000), v = 1 - ab;
  EXPECT_NEAR(prior_kl_per_dim(s, x0), 0.5 * (v + ab * 4.0 - 1 - std::log(v)), 1e-15);
  EXPECT_LT(prior_kl_per_dim(s, x0), 1e-3);
  // T = 50 with the linear schedule: x_T is visibly not Gaussian (tiny-diffusion's issue #4).
  ScheduleConfig c;
  c.timesteps = 50;
  const NoiseSchedule short_schedule(c);
  EXPECT_GT(prior_kl_per_dim(short_schedule, x0), 0.5);
}

TEST(ForwardProcess, ClosedFormWithAGivenEps) {
  const NoiseSchedule schedule;
  const torch::Tensor x0 = torch::tensor({1.0f, -2.0f}).reshape({1, 2});
  const torch::Tensor eps = torch::tensor({0.5f, 0.25f}).reshape({1, 2});
  for (int t : {0, 1, 500, 1000}) {
    const torch::Tensor x = closed_form(schedule, x0, t, eps);
    EXPECT_NEAR(x[0][0].item<double>(), closed_form(schedule, 1.0, 0.5, t), 1e-6);
    EXPECT_NEAR(x[0][1].item<double>(), schedule.sqrt_alpha_bar(t) * -2.0 + schedule.sqrt_one_minus_alpha_bar(t) * 0.25,
                1e-6);
  }
  EXPECT_TRUE(torch::equal(closed_form(schedule, x0, 0, eps), x0));  // t = 0: the data
}

}  // namespace
}  // namespace dlab
