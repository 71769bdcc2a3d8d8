// k-NN precision and recall (Kynkaanniemi et al. 2019) on sets whose answers are known.
#include "core/precision_recall.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/rng.h"

namespace dlab {
namespace {

TEST(PrecisionRecall, IdenticalSetsGiveOneAndOne) {
  const auto points = Rng(1).normal({500, 2});
  const PrecisionRecall pr = knn_precision_recall(points, points);
  EXPECT_DOUBLE_EQ(pr.precision, 1.0);
  EXPECT_DOUBLE_EQ(pr.recall, 1.0);
}

TEST(PrecisionRecall, DisjointFarApartSetsGiveZeroAndZero) {
  const auto real = Rng(2).normal({400, 2});
  const auto generated = Rng(3).normal({300, 2}) + 100.0;
  const PrecisionRecall pr = knn_precision_recall(real, generated);
  EXPECT_DOUBLE_EQ(pr.precision, 0.0);
  EXPECT_DOUBLE_EQ(pr.recall, 0.0);
}

TEST(PrecisionRecall, KnnRadiiOnALineMatchTheHandComputation) {
  // Points 0, 1, 3, 7 on a line, k = 2: the second nearest other point is 3, 2, 3, 6 away.
  const auto points = torch::tensor({{0.0}, {1.0}, {3.0}, {7.0}});
  const auto radii = knn_radii(points, 2);
  EXPECT_DOUBLE_EQ(radii[0].item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(radii[1].item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(radii[2].item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(radii[3].item<double>(), 6.0);
}

TEST(PrecisionRecall, ModeCollapseKeepsPrecisionAndLosesRecall) {
  // Real data: two clusters far apart. Samples that are exactly the points of one of them are all
  // plausible (precision 1) and cover half the data (recall 1/2); both clusters plus as many points far
  // from the data have precision 2/3 and full recall.
  const auto a = Rng(4).normal({300, 2}) * 0.1, b = Rng(5).normal({300, 2}) * 0.1 + 10.0;
  const auto real = torch::cat({a, b});
  const PrecisionRecall one_mode = knn_precision_recall(real, a);
  EXPECT_DOUBLE_EQ(one_mode.precision, 1.0);
  EXPECT_DOUBLE_EQ(one_mode.recall, 0.5);
  const auto junk = Rng(6).normal({300, 2}) * 0.1 - 50.0;
  const PrecisionRecall with_junk = knn_precision_recall(real, torch::cat({a, b, junk}));
  EXPECT_NEAR(with_junk.precision, 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(with_junk.recall, 1.0);
}

TEST(PrecisionRecall, RejectsSetsTooSmallForK) {
  EXPECT_THROW(knn_precision_recall(torch::zeros({3, 2}), torch::zeros({10, 2})), std::invalid_argument);
  EXPECT_THROW(knn_precision_recall(torch::zeros({10, 2}), torch::zeros({10, 3})), std::invalid_argument);
  EXPECT_THROW(knn_radii(torch::zeros({10, 2}), 0), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
