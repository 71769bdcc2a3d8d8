// Summary statistics of a set of 2D points (x, y pairs), for the app's read-outs and its --stats-out:
// is x_T N(0, I) (mean and covariance), did sampling land on the mixture's modes, how far are samples from
// the data. Torch-free: plain float arrays.
#pragma once

#include <cmath>
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

// The N(0, 1) density exp(-x^2/2)/sqrt(2 pi), drawn over histograms of x_T's values: is x_T Gaussian?
inline double standard_normal_density(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }

}  // namespace dlab
