#include "core/frechet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace dlab {
namespace {

GaussianStatistics exact(const std::vector<double>& mean, const std::vector<double>& covariance, int d) {
  GaussianStatistics s;
  s.mean = torch::tensor(mean, torch::kDouble);
  s.covariance = torch::tensor(covariance, torch::kDouble).view({d, d});
  s.count = 1;
  return s;
}

TEST(Frechet, MatrixSquareRootSquaresBack) {
  torch::manual_seed(0);
  const auto a = torch::randn({6, 6}, torch::kDouble);
  const auto spd = a.mm(a.t()) + 0.1 * torch::eye(6, torch::kDouble);
  const auto root = symmetric_matrix_sqrt(spd);
  EXPECT_TRUE(torch::allclose(root.mm(root), spd, 1e-10, 1e-10));
  EXPECT_TRUE(torch::allclose(root, root.t()));
}

TEST(Frechet, ClosedFormForTwoDimensionalGaussians) {
  // For 2x2 matrices with positive eigenvalues, Tr(M^(1/2)) = sqrt(Tr M + 2 sqrt(det M)), and
  // det(S1 S2) = det S1 det S2: an independent closed form for non-commuting covariances.
  const auto a = exact({1.0, -2.0}, {2.0, 0.6, 0.6, 1.0}, 2);
  const auto b = exact({0.5, 1.0}, {0.5, -0.2, -0.2, 3.0}, 2);
  const double tr_product = 2.0 * 0.5 + 0.6 * -0.2 + 0.6 * -0.2 + 1.0 * 3.0;  // Tr(S1 S2)
  const double det_product = (2.0 * 1.0 - 0.36) * (0.5 * 3.0 - 0.04);
  const double tr_sqrt = std::sqrt(tr_product + 2.0 * std::sqrt(det_product));
  const double expected = (0.5 * 0.5 + 3.0 * 3.0) + (3.0 + 3.5) - 2.0 * tr_sqrt;
  EXPECT_NEAR(frechet_distance(a, b), expected, 1e-12);
  EXPECT_NEAR(frechet_distance(b, a), expected, 1e-12);  // symmetric
  // Diagonal covariances: sum (sqrt(s1) - sqrt(s2))^2 over the diagonal.
  const auto c = exact({0, 0, 0}, {4, 0, 0, 0, 1, 0, 0, 0, 9}, 3);
  const auto e = exact({1, 0, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3);
  EXPECT_NEAR(frechet_distance(c, e), 1.0 + 1.0 + 0.0 + 4.0, 1e-12);
}

TEST(Frechet, SetAgainstItselfIsZeroAndSamplesMatchTheClosedForm) {
  torch::manual_seed(1);
  const int d = 4, n = 20000;
  const auto mixing = torch::randn({d, d}, torch::kDouble) * 0.7;
  const auto shift = torch::tensor({1.0, 0.0, -0.5, 2.0}, torch::kDouble);
  const auto x = torch::randn({n, d}, torch::kDouble);
  const auto y = torch::randn({n, d}, torch::kDouble).mm(mixing.t()) + shift;
  const auto sx = gaussian_statistics(x);
  EXPECT_NEAR(frechet_distance(sx, sx), 0.0, 1e-9);
  // Population: N(0, I) against N(shift, A A^T).
  GaussianStatistics px{torch::zeros({d}, torch::kDouble), torch::eye(d, torch::kDouble), 1};
  GaussianStatistics py{shift, mixing.mm(mixing.t()), 1};
  const double expected = frechet_distance(px, py);
  // Sampling error of mean and covariance with n = 20000 in 4 dimensions: a few times sqrt(d/n) ~ 0.014
  // relative to the scale of the covariances (~1).
  EXPECT_NEAR(frechet_distance(sx, gaussian_statistics(y)), expected, 0.05);
  EXPECT_GT(expected, 5.0);
  EXPECT_THROW(gaussian_statistics(torch::zeros({1, 3})), std::invalid_argument);
  EXPECT_THROW(frechet_distance(sx, exact({0, 0}, {1, 0, 0, 1}, 2)), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
