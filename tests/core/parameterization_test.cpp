#include "core/parameterization.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/rng.h"

namespace dlab {
namespace {

bool close(const torch::Tensor& a, const torch::Tensor& b, double tol = 1e-12) {
  return torch::allclose(a, b, tol, tol);
}

// x_t = sqrt(abar) x0 + sqrt(1 - abar) eps; every representation must give back the same (x0, eps).
TEST(Parameterization, RoundTripsEpsX0VScore) {
  const auto x0 = Rng(1).normal({16, 3}).to(torch::kDouble);
  const auto eps = Rng(2).normal({16, 3}).to(torch::kDouble);
  for (double ab : {1e-6, 0.01, 0.5, 0.9, 0.9999}) {
    const auto xt = std::sqrt(ab) * x0 + std::sqrt(1 - ab) * eps;
    const double tol =
        1e-12 / std::sqrt(ab * (1 - ab));  // conversions divide by sqrt(abar) or sqrt(1 - abar)
    EXPECT_TRUE(close(x0_from_eps(xt, eps, ab), x0, tol)) << ab;
    EXPECT_TRUE(close(eps_from_x0(xt, x0, ab), eps, tol)) << ab;
    const auto v = v_from_eps_x0(eps, x0, ab);
    EXPECT_TRUE(close(v, std::sqrt(ab) * eps - std::sqrt(1 - ab) * x0)) << ab;  // Salimans & Ho 2022
    EXPECT_TRUE(close(x0_from_v(xt, v, ab), x0, tol)) << ab;
    EXPECT_TRUE(close(eps_from_v(xt, v, ab), eps, tol)) << ab;
    const auto score = score_from_eps(eps, ab);
    EXPECT_TRUE(close(score, -eps / std::sqrt(1 - ab))) << ab;
    EXPECT_TRUE(close(eps_from_score(score, ab), eps, tol)) << ab;
    // v has unit variance when x0 and eps do: |v|^2 ~ |x0|^2 (1 - abar) + |eps|^2 abar (Salimans & Ho 2022).
    for (Prediction p : {Prediction::Eps, Prediction::X0, Prediction::V}) {
      const auto output = p == Prediction::Eps ? eps : p == Prediction::X0 ? x0 : v;
      const auto both = to_eps_and_x0(p, output, xt, ab);
      EXPECT_TRUE(close(both.eps, eps, tol)) << to_name(p) << " " << ab;
      EXPECT_TRUE(close(both.x0, x0, tol)) << to_name(p) << " " << ab;
    }
  }
}

// The score of q(x_t | x_0) = N(sqrt(abar) x0, (1 - abar) I) is exactly -eps/sqrt(1 - abar).
TEST(Parameterization, ScoreOfTheGaussianKernel) {
  const double ab = 0.3;
  const auto x0 = torch::tensor({0.5, -1.0}, torch::kDouble);
  const auto xt = torch::tensor({0.1, 0.4}, torch::kDouble);
  const auto exact = -(xt - std::sqrt(ab) * x0) / (1 - ab);
  EXPECT_TRUE(close(score_from_eps(eps_from_x0(xt, x0, ab), ab), exact));
}

TEST(Parameterization, TrainingTargetsPerRow) {
  const auto x0 = Rng(3).normal({4, 2, 3}).to(torch::kDouble);
  const auto eps = Rng(4).normal({4, 2, 3}).to(torch::kDouble);
  const auto ab = torch::tensor({0.1, 0.5, 0.9, 0.999}, torch::kDouble);
  EXPECT_TRUE(torch::equal(training_target(Prediction::Eps, x0, eps, ab), eps));
  EXPECT_TRUE(torch::equal(training_target(Prediction::X0, x0, eps, ab), x0));
  const auto v = training_target(Prediction::V, x0, eps, ab);
  for (int i = 0; i < 4; ++i) {
    const double a = ab[i].item<double>();
    EXPECT_TRUE(close(v[i], v_from_eps_x0(eps[i], x0[i], a))) << i;
  }
}

TEST(Parameterization, DynamicThreshold) {
  // In-range samples are unchanged (s = max(1, quantile) = 1).
  const auto small = torch::tensor({{0.5, -0.9, 0.2, 1.0}}, torch::kDouble);
  EXPECT_TRUE(torch::equal(dynamic_threshold(small), small));
  // A sample with large values: its quantile s > 1, every value ends in [-1, 1], order kept, and samples are
  // independent of each other.
  const auto big = torch::linspace(-4.0, 4.0, 1001, torch::kDouble).reshape({1, -1});
  const auto out = dynamic_threshold(big);
  const auto in_range = small.repeat({1, 251}).narrow(1, 0, 1001);
  const auto batch = dynamic_threshold(torch::cat({in_range, big}, 0));
  EXPECT_TRUE(torch::equal(batch[0], in_range[0]));
  EXPECT_TRUE(torch::allclose(batch[1], out[0]));
  EXPECT_LE(out.abs().max().item<double>(), 1.0);
  EXPECT_GE(out.abs().max().item<double>(), 0.999);
  EXPECT_TRUE((out.diff(1, 1) >= 0).all().item<bool>());
  // |x| ranges over 0..4; its 0.995 quantile is about 3.98, so the middle value 2 maps to about 2/3.98.
  EXPECT_NEAR(out[0][750].item<double>(), 2.0 / 3.98, 0.01);
}

}  // namespace
}  // namespace dlab
