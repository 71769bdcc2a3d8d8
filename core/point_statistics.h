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

// How wide the points lie about a mixture's modes, per dimension: sqrt(mean_i min_c ||x_i - mu_c||^2 / 2), the
// root-mean-square distance to the nearest mode's mean (means: x, y pairs). For data drawn from an isotropic
// mixture with well-separated modes it is the components' std (0.2 for gmm8); samples that collapse onto the
// modes' centres give less, samples that blur between them more. -1 without points or means.
double spread_about_modes(const std::vector<float>& xy, const std::vector<float>& means);

// The mean distance from each of the first max_points points to its nearest other point among them: how finely
// the points cover the region they lie in (compare sets of the same size). Points that collapse onto a few
// places give a fraction of what the data give. -1 with fewer than two points.
double mean_neighbour_distance(const std::vector<float>& xy, std::size_t max_points = 2000);

// A view of the plane that shows every point: the classic view (centre 0, half height `minimum_half_height`)
// when the points fit in it with `margin` (a fraction of their half-extent) to spare on each side, else their
// bounding box grown by `fit_margin` (room for the read-outs in the canvas's corners), centred on it, at a
// width/height `aspect` (the canvas's).
struct FittedView {
  double center_x = 0, center_y = 0, half_height = 0;
};
FittedView fit_view(const std::vector<float>& xy, double aspect, double minimum_half_height, double margin = 0.15,
                    double fit_margin = 0.3);

// The fraction of the points inside the box centre +- (half_width, half_height); 1 without points.
double fraction_inside(const std::vector<float>& xy, double center_x, double center_y, double half_width,
                       double half_height);

// The N(0, 1) density exp(-x^2/2)/sqrt(2 pi), drawn over histograms of x_T's values: is x_T Gaussian?
inline double standard_normal_density(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }

}  // namespace dlab
