// Summary statistics of a set of 2D points (x, y pairs), for the app's read-outs and its --stats-out:
// is x_T N(0, I) (mean and covariance), did sampling land on the mixture's modes, how far are samples from
// the data. Torch-free: plain float arrays.
#pragma once

#include <cstddef>
#include <vector>

namespace dlab {

struct PointMoments {
  int n = 0;
  double mean[2] = {0, 0};
  double cov[2][2] = {{0, 0}, {0, 0}};  // unbiased (divides by n - 1)
};
PointMoments point_moments(const std::vector<float>& xy);

// The fraction of points within k standard deviations of some component's mean (means: x, y pairs; stds:
// one isotropic std per component).
double fraction_near_modes(const std::vector<float>& xy, const std::vector<float>& means,
                           const std::vector<float>& stds, double k = 3.0);

// The mean over the first max_points points of the distance to the nearest of the first max_points data
// points (O(max_points^2): for tests and --stats-out, not every frame). -1 without data.
double mean_nearest_distance(const std::vector<float>& xy, const std::vector<float>& data,
                             std::size_t max_points = 2000);

}  // namespace dlab
