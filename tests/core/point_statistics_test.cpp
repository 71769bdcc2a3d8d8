// Point statistics (core/point_statistics.h) on sets with known answers.
#include "core/point_statistics.h"

#include <gtest/gtest.h>

namespace dlab {
namespace {

TEST(PointStatistics, MomentsOfFourPoints) {
  // (+-1, +-2): mean 0, unbiased variances 4/3 and 16/3, no correlation.
  const PointMoments m = point_moments({1, 2, -1, 2, 1, -2, -1, -2});
  EXPECT_EQ(m.n, 4);
  EXPECT_DOUBLE_EQ(m.mean[0], 0.0);
  EXPECT_DOUBLE_EQ(m.mean[1], 0.0);
  EXPECT_DOUBLE_EQ(m.cov[0][0], 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.cov[1][1], 16.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.cov[0][1], 0.0);
  const PointMoments line = point_moments({0, 0, 1, 1, 2, 2});
  EXPECT_DOUBLE_EQ(line.cov[0][1], 1.0);
  EXPECT_DOUBLE_EQ(line.cov[1][0], 1.0);
  EXPECT_EQ(point_moments({}).n, 0);
}

TEST(PointStatistics, FractionNearModes) {
  // One mode at (0, 0) with std 1: within 3 std are the first two points.
  EXPECT_DOUBLE_EQ(fraction_near_modes({0, 0, 2.9f, 0, 3.1f, 0, 10, 10}, {0, 0}, {1}), 0.5);
  // A second mode at (10, 10) catches the last one.
  EXPECT_DOUBLE_EQ(fraction_near_modes({0, 0, 2.9f, 0, 3.1f, 0, 10, 10}, {0, 0, 10, 10}, {1, 1}), 0.75);
}

TEST(PointStatistics, MeanNearestDistance) {
  EXPECT_DOUBLE_EQ(mean_nearest_distance({0, 0, 3, 4}, {0, 0}), 2.5);  // distances 0 and 5
  EXPECT_DOUBLE_EQ(mean_nearest_distance({0, 0, 3, 4}, {0, 0, 3, 4}), 0.0);
  EXPECT_DOUBLE_EQ(mean_nearest_distance({1, 1}, {}), -1.0);
  EXPECT_DOUBLE_EQ(mean_nearest_distance({0, 0, 3, 4}, {0, 0}, 1), 0.0);  // only the first point counted
}

TEST(PointStatistics, StandardNormalDensity) {
  EXPECT_NEAR(standard_normal_density(0.0), 0.3989422804014327, 1e-15);
  EXPECT_NEAR(standard_normal_density(1.0), 0.24197072451914337, 1e-15);
  EXPECT_EQ(standard_normal_density(2.5), standard_normal_density(-2.5));
}

}  // namespace
}  // namespace dlab
