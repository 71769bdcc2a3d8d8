#include "core/bits_per_dim.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace dlab {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

NoiseSchedule short_linear(int T) {
  ScheduleConfig config;
  config.timesteps = T;
  config.beta_end = 0.2;  // abar_T small enough at T = 100
  return NoiseSchedule(config);
}

// Pixel-grid images: bytes -> 2p/255 - 1.
torch::Tensor grid_images(std::int64_t n, std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randint(0, 256, {n, 1, 4, 4}, torch::kLong).to(torch::kFloat).div(127.5).sub(1.0);
}

TEST(BitsPerDim, NormalKlMatchesTheClosedForm) {
  const auto m1 = torch::tensor({0.3}, torch::kDouble), m2 = torch::tensor({-0.2}, torch::kDouble);
  const double v1 = 0.5, v2 = 2.0;
  const double expected = std::log(std::sqrt(v2) / std::sqrt(v1)) + (v1 + 0.25) / (2 * v2) - 0.5;
  EXPECT_NEAR(normal_kl(m1, torch::tensor({std::log(v1)}, torch::kDouble), m2,
                        torch::tensor({std::log(v2)}, torch::kDouble))
                  .item<double>(),
              expected, 1e-14);
  EXPECT_NEAR(
      normal_kl(m1, torch::zeros({1}, torch::kDouble), m1, torch::zeros({1}, torch::kDouble)).item<double>(),
      0.0, 1e-15);
}

TEST(BitsPerDim, DiscretizedGaussianIntegratesToOneOverThe256Bins) {
  const auto bins = torch::arange(256, torch::kDouble).div(127.5).sub(1.0);
  for (double mean : {-1.3, -0.2, 0.0, 0.77, 1.0}) {
    for (double scale : {1e-3, 0.01, 0.3, 2.0}) {
      const auto log_p =
          discretized_gaussian_log_likelihood(bins, torch::full({256}, mean, torch::kDouble),
                                              torch::full({256}, std::log(scale), torch::kDouble));
      EXPECT_NEAR(log_p.exp().sum().item<double>(), 1.0, 1e-9) << mean << " " << scale;
    }
  }
  // A Gaussian of std 1e-3 on a bin centre: the bin holds erf(z/sqrt(2)) of it, z = (1/255)/1e-3.
  const auto x = torch::tensor({2.0 * 100 / 255 - 1}, torch::kDouble);
  EXPECT_NEAR(discretized_gaussian_log_likelihood(x, x, torch::full({1}, std::log(1e-3), torch::kDouble))
                  .item<double>(),
              std::log(std::erf((1.0 / 255) / 1e-3 / std::sqrt(2.0))), 1e-12);
}

TEST(BitsPerDim, PriorTermMatchesTheClosedForm) {
  const auto s = short_linear(100);
  const auto x0 = grid_images(8, 1);
  const Denoiser zero = [](const torch::Tensor& x, int, double) { return torch::zeros_like(x); };
  BitsPerDimConfig config;
  config.term_samples = 3;
  const auto result = bits_per_dim(s, zero, Prediction::Eps, x0, config);
  // KL(N(sqrt(abar) x, 1 - abar) || N(0, 1)) = 0.5 (1 - abar + abar x^2 - 1 - log(1 - abar)) per dimension.
  const double abar = s.alpha_bar(100), v = 1 - abar;
  const double mean_sq = x0.to(torch::kDouble).pow(2).mean().item<double>();
  EXPECT_NEAR(result.prior, 0.5 * (v + abar * mean_sq - 1 - std::log(v)) / kLn2, 1e-12);
  EXPECT_EQ(result.dimensions, 16);
  EXPECT_TRUE(result.estimated);
  EXPECT_EQ(result.timesteps.size(), 3u);
}

TEST(BitsPerDim, ExactDenoiserOfOneImageHasZeroDiffusionTerms) {
  // All images equal to one image x: the optimal x0-predictor returns x itself, so the model mean is the
  // true posterior mean. With variance beta~_t every L_{t-1} is 0; with beta_t each is the variance
  // mismatch 0.5 (-1 + log(beta_t / beta~_t) + beta~_t / beta_t) nats per dimension.
  const auto s = short_linear(100);
  const auto x = grid_images(1, 2);
  const auto x0 = x.expand({6, 1, 4, 4}).contiguous();
  const Denoiser oracle = [x](const torch::Tensor& x_t, int, double) { return x.expand_as(x_t).clone(); };
  const auto small = bits_per_dim(s, oracle, Prediction::X0, x0);
  EXPECT_EQ(small.timesteps.size(), 99u);
  EXPECT_FALSE(small.estimated);
  EXPECT_NEAR(small.diffusion, 0.0, 1e-9);

  BitsPerDimConfig large_config;
  large_config.variance = VarianceKind::Beta;
  const auto large = bits_per_dim(s, oracle, Prediction::X0, x0, large_config);
  double expected = 0;
  for (int t = 2; t <= 100; ++t) {
    const double ratio = s.beta_tilde(t) / s.beta(t);
    expected += 0.5 * (-1.0 - std::log(ratio) + ratio) / kLn2;
  }
  EXPECT_NEAR(large.diffusion, expected, 1e-9 * expected);
  // With the true mean the decoder only pays for its own width: L_0 is small but positive here.
  EXPECT_GT(small.decoder, 0.0);
  EXPECT_NEAR(small.total(), small.prior + small.decoder, 1e-9);

  // 20 of the 99 terms, spaced geometrically and weighted, estimate the sum (which is dominated by the
  // first terms: beta~_t/beta_t is far from 1 only at small t).
  large_config.term_samples = 20;
  EXPECT_NEAR(bits_per_dim(s, oracle, Prediction::X0, x0, large_config).diffusion, expected, 0.05 * expected);
}

TEST(BitsPerDim, RejectsBadArguments) {
  const auto s = short_linear(10);
  const Denoiser zero = [](const torch::Tensor& x, int, double) { return torch::zeros_like(x); };
  BitsPerDimConfig config;
  config.variance = VarianceKind::Zero;
  EXPECT_THROW(bits_per_dim(s, zero, Prediction::Eps, grid_images(2, 0), config), std::invalid_argument);
  EXPECT_THROW(bits_per_dim(s, {}, Prediction::Eps, grid_images(2, 0)), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
