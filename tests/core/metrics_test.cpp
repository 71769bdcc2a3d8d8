// Energy distance and sliced Wasserstein distance against closed forms.
#include <gtest/gtest.h>

#include <cmath>

#include "core/metrics.h"
#include "core/rng.h"

namespace dlab {
namespace {

TEST(EnergyDistance, OfTwoSinglePointsIsTheRootOfTwiceTheirDistance) {
  // D^2 = 2|x - y| - 0 - 0 for one point each (Szekely & Rizzo 2013, Eq. (2)).
  const auto a = torch::tensor({{0.0, 0.0}});
  const auto b = torch::tensor({{3.0, 4.0}});
  EXPECT_NEAR(energy_distance(a, b), std::sqrt(10.0), 1e-12);
}

TEST(EnergyDistance, OfTwoPointPairsMatchesTheHandComputation) {
  // a = {0, 2}, b = {1, 5} on a line: E|X-Y| = (1 + 5 + 1 + 3)/4 = 2.5, E|X-X'| = (0 + 2 + 2 + 0)/4 = 1,
  // E|Y-Y'| = (0 + 4 + 4 + 0)/4 = 2: D^2 = 5 - 1 - 2 = 2.
  const auto a = torch::tensor({{0.0}, {2.0}});
  const auto b = torch::tensor({{1.0}, {5.0}});
  EXPECT_NEAR(energy_distance(a, b), std::sqrt(2.0), 1e-12);
}

TEST(EnergyDistance, IsZeroForEqualSetsSymmetricAndSeesAShift) {
  Rng rng(1);
  const auto a = rng.normal({2000, 2});
  const auto b = rng.normal({2000, 2});
  EXPECT_NEAR(energy_distance(a, a), 0.0, 1e-6);
  EXPECT_NEAR(energy_distance(a, b), energy_distance(b, a), 1e-9);
  // Two draws of 2000 from one law: D ~ n^(-1/2) scale, far below the distance to a shifted law.
  const double same = energy_distance(a, b);
  const double shifted = energy_distance(a, b + torch::tensor({0.5f, 0.0f}));
  EXPECT_LT(same, 0.08);
  EXPECT_GT(shifted, 4 * same);
}

TEST(EnergyDistance, RejectsMismatchedInputs) {
  EXPECT_THROW(energy_distance(torch::zeros({3, 2}), torch::zeros({3, 3})), std::invalid_argument);
  EXPECT_THROW(energy_distance(torch::zeros({0, 2}), torch::zeros({3, 2})), std::invalid_argument);
  EXPECT_THROW(energy_distance(torch::zeros({3}), torch::zeros({3})), std::invalid_argument);
}

TEST(SlicedWasserstein, InOneDimensionIsTheExactW2) {
  // In 1D every direction is +-1, so SW_2 = W_2 = sqrt(mean (sorted a - sorted b)^2).
  const auto a = torch::tensor({{0.0}, {3.0}, {1.0}});
  const auto b = torch::tensor({{2.0}, {1.0}, {7.0}});
  // sorted: (0, 1, 3) vs (1, 2, 7): differences 1, 1, 4 -> mean square 6.
  EXPECT_NEAR(sliced_wasserstein(a, b, 16), std::sqrt(6.0), 1e-12);
}

TEST(SlicedWasserstein, OfAShiftedCopyIsTheShiftOverRootTwoIn2D) {
  // b = a + c: each projection moves by c.theta, so SW^2 = E[(c.theta)^2] = |c|^2/2 for uniform theta;
  // with 256 random directions the mean of cos^2 has a relative error of about 4% (1 sd).
  Rng rng(2);
  const auto a = rng.normal({500, 2});
  const auto c = torch::tensor({0.6f, -0.8f});  // |c| = 1
  const double sw = sliced_wasserstein(a, a + c, 256, 9);
  EXPECT_NEAR(sw * sw, 0.5, 0.06);
  EXPECT_DOUBLE_EQ(sw, sliced_wasserstein(a, a + c, 256, 9));  // deterministic for a seed
  EXPECT_NEAR(sliced_wasserstein(a, a, 64), 0.0, 1e-12);
}

TEST(SlicedWasserstein, ComparesSetsOfDifferentSizes) {
  Rng rng(3);
  const auto a = rng.normal({3000, 2});
  const auto b = rng.normal({1000, 2});
  EXPECT_LT(sliced_wasserstein(a, b), 0.1);
  EXPECT_NEAR(sliced_wasserstein(a, b * 2.0), 1.0, 0.12);  // std 1 vs 2: W2 of each projection is 1
  EXPECT_THROW(sliced_wasserstein(a, b, 0), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
