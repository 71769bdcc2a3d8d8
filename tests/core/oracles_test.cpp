#include "core/oracles.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/rng.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Two unequal components in 2D, in double so the comparisons are tight.
GaussianMixture two_components() {
  return {torch::tensor({{1.0, -0.5}, {-2.0, 1.5}}, torch::kDouble),
          torch::tensor({0.3, 0.8}, torch::kDouble), torch::tensor({0.25, 0.75}, torch::kDouble)};
}

// The density written out term by term, without logsumexp.
double naive_density(const GaussianMixture& m, double x, double y, double ab) {
  double p = 0;
  for (int k = 0; k < m.means.size(0); ++k) {
    const double mx = std::sqrt(ab) * m.means[k][0].item<double>(),
                 my = std::sqrt(ab) * m.means[k][1].item<double>();
    const double s = m.stds[k].item<double>(), v = ab * s * s + 1 - ab;
    const double w = m.weights[k].item<double>();
    p += w / (2 * kPi * v) * std::exp(-((x - mx) * (x - mx) + (y - my) * (y - my)) / (2 * v));
  }
  return p;
}

TEST(Oracles, LogDensityMatchesTheFormulaAndIntegratesToOne) {
  const auto m = two_components();
  for (double ab : {0.0, 0.3, 0.9, 1.0}) {
    const auto x = torch::tensor({{0.1, 0.2}, {-1.5, 1.0}, {2.0, -3.0}}, torch::kDouble);
    const auto lp = mixture_log_density(m, x, ab);
    ASSERT_EQ(lp.sizes(), (torch::IntArrayRef{3}));
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(lp[i].item<double>(),
                  std::log(naive_density(m, x[i][0].item<double>(), x[i][1].item<double>(), ab)), 1e-12);
    // Riemann sum over a fine grid.
    const double h = 0.02;
    const auto g = torch::arange(-8.0, 8.0, h, torch::kDouble);
    const auto grid = torch::stack(torch::meshgrid({g, g}, "ij"), -1).reshape({-1, 2});
    EXPECT_NEAR(mixture_log_density(m, grid, ab).exp().sum().item<double>() * h * h, 1.0, 1e-6) << ab;
  }
}

TEST(Oracles, ScoreIsTheGradientOfTheLogDensity) {
  const auto m = two_components();
  const auto x = Rng(1).normal({50, 2}).to(torch::kDouble) * 2.0;
  for (double ab : {0.01, 0.5, 0.99}) {
    const auto score = mixture_score(m, x, ab);
    const double h = 1e-5;
    for (int d = 0; d < 2; ++d) {
      auto dx = torch::zeros({1, 2}, torch::kDouble);
      dx[0][d] = h;
      const auto fd = (mixture_log_density(m, x + dx, ab) - mixture_log_density(m, x - dx, ab)) / (2 * h);
      EXPECT_LT((fd - score.select(1, d)).abs().max().item<double>(), 1e-6) << ab;
    }
    // eps* = -sqrt(1 - abar) score.
    EXPECT_LT((mixture_eps(m, x, ab) + std::sqrt(1 - ab) * score).abs().max().item<double>(), 1e-12);
  }
}

TEST(Oracles, SingleGaussianHasTheClosedFormEps) {
  // x_0 ~ N(mu, s^2 I): x_t ~ N(sqrt(abar) mu, v I), v = abar s^2 + 1 - abar, eps* = sqrt(1 - abar)(x -
  // sqrt(abar) mu)/v.
  GaussianMixture m{torch::tensor({{0.5, -1.0}}), torch::tensor({0.2f}), torch::tensor({1.0f})};
  const auto x = Rng(2).normal({10, 2});
  const double ab = 0.4, v = ab * 0.04 + 0.6;
  const auto mu = torch::tensor({0.5, -1.0}).unsqueeze(0);
  const auto expected = std::sqrt(1 - ab) * (x - std::sqrt(ab) * mu) / v;
  const auto eps = mixture_eps(m, x, ab);
  EXPECT_EQ(eps.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::allclose(eps, expected, 1e-5, 1e-6));
}

TEST(Oracles, StableFarAwayAndAtTinyAlphaBar) {
  const auto m = two_components();
  // Far from every component the plain density underflows to 0 in double; logsumexp does not.
  const auto far = torch::tensor({{1e3, -1e3}, {-5e4, 2e4}}, torch::kDouble);
  const double ab = 0.999999;
  const auto lp = mixture_log_density(m, far, ab);
  EXPECT_TRUE(torch::isfinite(lp).all().item<bool>());
  const auto score = mixture_score(m, far, ab);
  EXPECT_TRUE(torch::isfinite(score).all().item<bool>());
  // There the wider component (std 0.8) dominates: score ~ -(x - sqrt(abar) mu_2)/v_2.
  const double v2 = ab * 0.64 + (1 - ab);
  const auto expected = -(far - std::sqrt(ab) * torch::tensor({-2.0, 1.5}, torch::kDouble).unsqueeze(0)) / v2;
  EXPECT_TRUE(torch::allclose(score, expected, 1e-9, 1e-9));
  // In float32 too.
  EXPECT_TRUE(torch::isfinite(mixture_eps(m, far.to(torch::kFloat), ab)).all().item<bool>());
  // Tiny abar: q(x_t) is N(0, I) to within abar, so eps* = x_t.
  const auto x = Rng(3).normal({20, 2}).to(torch::kDouble);
  const auto eps = mixture_eps(m, x, 1e-12);
  EXPECT_TRUE(torch::allclose(eps, x, 1e-5, 1e-5));
  EXPECT_TRUE(torch::isfinite(mixture_eps(m, x, 0.0)).all().item<bool>());
}

TEST(Oracles, MixtureSampleHasTheMixturesWeightsMeansAndStds) {
  // Components far apart (6 = 7.5 sd of the wider one), so the sign of x tells them apart.
  const GaussianMixture m{torch::tensor({{3.0, 1.0}, {-3.0, -1.0}}, torch::kDouble),
                          torch::tensor({0.3, 0.8}, torch::kDouble),
                          torch::tensor({0.25, 0.75}, torch::kDouble)};
  const int64_t n = 20000;
  const auto x = mixture_sample(m, n, 7);
  ASSERT_EQ(x.sizes(), (torch::IntArrayRef{n, 2}));
  EXPECT_EQ(x.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::equal(x, mixture_sample(m, n, 7)));
  EXPECT_FALSE(torch::equal(x, mixture_sample(m, n, 8)));
  const auto xd = x.to(torch::kDouble);
  const auto first = xd.select(1, 0).gt(0.0);
  const double w1 = first.to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(w1, 0.25, 4 * std::sqrt(0.25 * 0.75 / n));  // 4 binomial standard errors (0.012)
  const auto a = xd.index({first}), b = xd.index({first.logical_not()});
  // Means: standard errors 0.3/sqrt(5000) = 0.004 and 0.8/sqrt(15000) = 0.0065; stds: sd/sqrt(2 n_k).
  EXPECT_LT((a.mean(0) - torch::tensor({3.0, 1.0}, torch::kDouble)).abs().max().item<double>(), 0.02);
  EXPECT_LT((b.mean(0) - torch::tensor({-3.0, -1.0}, torch::kDouble)).abs().max().item<double>(), 0.03);
  EXPECT_NEAR(a.std(0).mean().item<double>(), 0.3, 0.015);
  EXPECT_NEAR(b.std(0).mean().item<double>(), 0.8, 0.025);
}

TEST(Oracles, EmpiricalX0IsTheSoftmaxWeightedMean) {
  const auto points = torch::tensor({{0.0, 0.0}, {1.0, 0.0}, {0.0, 2.0}}, torch::kDouble);
  const auto x = torch::tensor({{0.3, 0.4}, {-1.0, 2.5}, {10.0, -10.0}}, torch::kDouble);
  const double ab = 0.7;
  // Naive: weights exp(-|x - sqrt(abar) p_i|^2 / (2(1 - abar))), normalised.
  const auto diff = x.unsqueeze(1) - std::sqrt(ab) * points.unsqueeze(0);
  const auto w = torch::softmax(-diff.pow(2).sum(2) / (2 * (1 - ab)), 1);
  const auto expected = torch::matmul(w, points);
  EXPECT_TRUE(torch::allclose(empirical_x0(points, x, ab), expected, 1e-12, 1e-12));
  // Limits: at abar -> 0 the mean of the points, at abar = 1 the nearest point.
  EXPECT_TRUE(torch::allclose(empirical_x0(points, x, 1e-12), points.mean(0).expand({3, 2}), 1e-4, 1e-4));
  const auto nearest = empirical_x0(points, x, 1.0);
  EXPECT_TRUE(torch::equal(nearest, torch::tensor({{0.0, 0.0}, {0.0, 2.0}, {1.0, 0.0}}, torch::kDouble)));
  // empirical_eps is consistent: x_t = sqrt(abar) x0_hat + sqrt(1 - abar) eps_hat.
  const auto eps = empirical_eps(points, x, ab);
  EXPECT_TRUE(torch::allclose(std::sqrt(ab) * expected + std::sqrt(1 - ab) * eps, x, 1e-12, 1e-12));
  EXPECT_THROW(empirical_eps(points, x, 1.0), std::invalid_argument);
}

TEST(Oracles, EmpiricalStableNearCleanData) {
  // abar close to 1: logits of size |x|^2/(1 - abar) ~ 1e8 must not overflow and must pick the right point.
  const auto points = Rng(4).uniform({100, 2}).to(torch::kDouble) * 4 - 2;
  const double ab = 1 - 1e-8;
  const auto x = std::sqrt(ab) * points.slice(0, 0, 10) + 1e-5 * Rng(5).normal({10, 2}).to(torch::kDouble);
  const auto x0 = empirical_x0(points, x, ab);
  EXPECT_TRUE(torch::allclose(x0, points.slice(0, 0, 10), 1e-9, 1e-9));
  EXPECT_TRUE(torch::isfinite(empirical_eps(points, x.to(torch::kFloat), ab)).all().item<bool>());
}

TEST(Oracles, EmpiricalChunkedRowsMatchOneByOne) {
  torch::set_num_threads(1);
  // 10,000 points: the rows of x_t go in chunks of about 400; each row alone must give the same answer.
  const auto points = Rng(6).normal({10000, 2});
  const auto x = Rng(7).normal({1000, 2});
  const double ab = 0.5;
  const auto all = empirical_x0(points, x, ab);
  ASSERT_EQ(all.sizes(), x.sizes());
  EXPECT_EQ(all.scalar_type(), torch::kFloat);
  for (int64_t i : {0, 399, 400, 401, 799, 800, 999}) {
    const auto one = empirical_x0(points, x.slice(0, i, i + 1), ab);
    EXPECT_TRUE(torch::allclose(all.slice(0, i, i + 1), one, 1e-6, 1e-6)) << i;
  }
}

TEST(Oracles, InvalidInputsThrow) {
  const auto m = two_components();
  const auto x = torch::zeros({3, 2}, torch::kDouble);
  EXPECT_THROW(mixture_eps(m, torch::zeros({3, 3}), 0.5), std::invalid_argument);
  EXPECT_THROW(mixture_eps(m, x, 1.5), std::invalid_argument);
  EXPECT_THROW(mixture_eps(m, x, -0.1), std::invalid_argument);
  GaussianMixture bad = m;
  bad.stds = torch::tensor({0.3}, torch::kDouble);
  EXPECT_THROW(mixture_score(bad, x, 0.5), std::invalid_argument);
  bad = m;
  bad.weights = torch::tensor({0.0, 1.0}, torch::kDouble);
  EXPECT_THROW(mixture_log_density(bad, x, 0.5), std::invalid_argument);
  EXPECT_THROW(mixture_sample(m, -1, 0), std::invalid_argument);
  EXPECT_THROW(empirical_x0(torch::zeros({0, 2}), x, 0.5), std::invalid_argument);
  EXPECT_THROW(empirical_x0(torch::zeros({5, 3}), x, 0.5), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
