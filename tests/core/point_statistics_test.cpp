// Point statistics (core/point_statistics.h) on sets with known answers.
#include "core/point_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

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

TEST(PointStatistics, SpreadAboutModes) {
  // Two modes; points at distances (3, 4) -> 5 and 0: sqrt((25 + 0) / 2 / 2) = 2.5.
  EXPECT_DOUBLE_EQ(spread_about_modes({3, 4, 10, 0}, {0, 0, 10, 0}), 2.5);
  EXPECT_DOUBLE_EQ(spread_about_modes({}, {0, 0}), -1.0);
  EXPECT_DOUBLE_EQ(spread_about_modes({1, 1}, {}), -1.0);
  // Draws of gmm8 (modes on a circle of radius 2, std 0.2): the spread is the components' std, 0.2 (standard
  // error 0.2/sqrt(2 * 2 * 20000) = 7e-4); the same points moved onto their modes' centres have spread 0.
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.2f);
  std::vector<float> means, xy, collapsed;
  for (int c = 0; c < 8; ++c) {
    means.push_back(static_cast<float>(2 * std::cos(c * M_PI / 4)));
    means.push_back(static_cast<float>(2 * std::sin(c * M_PI / 4)));
  }
  for (int i = 0; i < 20000; ++i) {
    const int c = i % 8;
    xy.push_back(means[2 * c] + normal(rng));
    xy.push_back(means[2 * c + 1] + normal(rng));
    collapsed.push_back(means[2 * c]);
    collapsed.push_back(means[2 * c + 1]);
  }
  EXPECT_NEAR(spread_about_modes(xy, means), 0.2, 0.004);
  EXPECT_NEAR(spread_about_modes(collapsed, means), 0.0, 1e-6);
}

TEST(PointStatistics, MeanNeighbourDistance) {
  // A 3 x 3 grid of spacing 1: every point's nearest other point is 1 away.
  std::vector<float> grid;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) grid.insert(grid.end(), {static_cast<float>(i), static_cast<float>(j)});
  EXPECT_DOUBLE_EQ(mean_neighbour_distance(grid), 1.0);
  EXPECT_DOUBLE_EQ(mean_neighbour_distance({0, 0, 0, 0, 5, 0, 5, 0}), 0.0);  // two points twice: collapsed
  EXPECT_DOUBLE_EQ(mean_neighbour_distance({0, 0, 3, 4}), 5.0);
  EXPECT_DOUBLE_EQ(mean_neighbour_distance({1, 1}), -1.0);
}

TEST(PointStatistics, FitView) {
  // Points within +-2 fit the classic view of half height 3.2 (with 15% to spare): it stays.
  FittedView view = fit_view({2, 2, -2, -2}, 1.5, 3.2);
  EXPECT_EQ(view.center_x, 0.0);
  EXPECT_EQ(view.half_height, 3.2);
  // The checkerboard reaches +-4: the box grown by 30%, half height 5.2 on a square canvas.
  view = fit_view({4, 4, -4, -4, 0, 0}, 1.0, 3.2);
  EXPECT_NEAR(view.half_height, 5.2, 1e-12);
  EXPECT_NEAR(view.center_x, 0.0, 1e-12);
  EXPECT_NEAR(fraction_inside({4, 4, -4, -4, 0, 0}, view.center_x, view.center_y, view.half_height, view.half_height), 1.0,
              1e-12);
  // Wide data on a wide canvas: the width decides (half width 6 * 1.3 = 7.8 at aspect 2: half height 3.9).
  view = fit_view({6, 0, -6, 0}, 2.0, 3.2);
  EXPECT_NEAR(view.half_height, 3.9, 1e-12);
  // Data off the origin: centred on its box.
  view = fit_view({10, 10, 12, 12}, 1.0, 0.5);
  EXPECT_NEAR(view.center_x, 11.0, 1e-12);
  EXPECT_NEAR(view.center_y, 11.0, 1e-12);
  EXPECT_NEAR(view.half_height, 1.3, 1e-12);
  EXPECT_EQ(fit_view({}, 1.0, 3.2).half_height, 3.2);
  EXPECT_DOUBLE_EQ(fraction_inside({0, 0, 5, 0}, 0, 0, 3, 3), 0.5);
}

TEST(PointStatistics, StandardNormalDensity) {
  EXPECT_NEAR(standard_normal_density(0.0), 0.3989422804014327, 1e-15);
  EXPECT_NEAR(standard_normal_density(1.0), 0.24197072451914337, 1e-15);
  EXPECT_EQ(standard_normal_density(2.5), standard_normal_density(-2.5));
}

}  // namespace
}  // namespace dlab
