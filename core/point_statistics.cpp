#include "core/point_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlab {

namespace {

// Squared distance from point i of `xy` to the nearest of the first `count` points of `others`, leaving out
// others' point `skip` (the point itself, when others is xy).
double nearest_squared_distance(const std::vector<float>& xy, std::size_t i, const std::vector<float>& others,
                                std::size_t count, std::size_t skip = static_cast<std::size_t>(-1)) {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < count; ++j) {
    if (j == skip) continue;
    const double dx = xy[2 * i] - others[2 * j], dy = xy[2 * i + 1] - others[2 * j + 1];
    best = std::min(best, dx * dx + dy * dy);
  }
  return best;
}

}  // namespace

PointMoments point_moments(const std::vector<float>& xy) {
  PointMoments m;
  const std::size_t n = xy.size() / 2;
  m.n = static_cast<int>(n);
  if (n == 0) return m;
  for (std::size_t i = 0; i < n; ++i) {
    m.mean[0] += xy[2 * i];
    m.mean[1] += xy[2 * i + 1];
  }
  m.mean[0] /= n;
  m.mean[1] /= n;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = xy[2 * i] - m.mean[0], dy = xy[2 * i + 1] - m.mean[1];
    m.cov[0][0] += dx * dx;
    m.cov[0][1] += dx * dy;
    m.cov[1][1] += dy * dy;
  }
  const double denominator = std::max<std::size_t>(1, n - 1);
  m.cov[0][0] /= denominator;
  m.cov[0][1] /= denominator;
  m.cov[1][1] /= denominator;
  m.cov[1][0] = m.cov[0][1];
  return m;
}

double fraction_near_modes(const std::vector<float>& xy, const std::vector<float>& means,
                           const std::vector<float>& stds, double k) {
  const std::size_t n = xy.size() / 2;
  if (n == 0) return 0.0;
  std::size_t near = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < stds.size(); ++c) {
      const double dx = xy[2 * i] - means[2 * c], dy = xy[2 * i + 1] - means[2 * c + 1];
      if (std::sqrt(dx * dx + dy * dy) < k * stds[c]) {
        ++near;
        break;
      }
    }
  return static_cast<double>(near) / n;
}

double mean_nearest_distance(const std::vector<float>& xy, const std::vector<float>& data, std::size_t max_points) {
  const std::size_t shown = std::min(xy.size() / 2, max_points), count = std::min(data.size() / 2, max_points);
  if (shown == 0 || count == 0) return -1.0;
  double total = 0;
  for (std::size_t i = 0; i < shown; ++i) total += std::sqrt(nearest_squared_distance(xy, i, data, count));
  return total / shown;
}

FittedView fit_view(const std::vector<float>& xy, double aspect, double minimum_half_height, double margin,
                    double fit_margin) {
  FittedView view;
  view.half_height = minimum_half_height;
  const std::size_t n = xy.size() / 2;
  if (n == 0 || !(aspect > 0)) return view;
  double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(xy[2 * i]) || !std::isfinite(xy[2 * i + 1])) continue;
    min_x = std::min(min_x, static_cast<double>(xy[2 * i]));
    max_x = std::max(max_x, static_cast<double>(xy[2 * i]));
    min_y = std::min(min_y, static_cast<double>(xy[2 * i + 1]));
    max_y = std::max(max_y, static_cast<double>(xy[2 * i + 1]));
  }
  if (!(min_x <= max_x)) return view;
  const double grow = 1.0 + margin;
  // About the origin: the classic view, if the points fit in it.
  const double about_origin = std::max(std::max(std::abs(min_y), std::abs(max_y)),
                                       std::max(std::abs(min_x), std::abs(max_x)) / aspect) * grow;
  if (about_origin <= minimum_half_height) return view;
  view.center_x = 0.5 * (min_x + max_x);
  view.center_y = 0.5 * (min_y + max_y);
  view.half_height = std::max(minimum_half_height,
                              std::max(0.5 * (max_y - min_y), 0.5 * (max_x - min_x) / aspect) * (1.0 + fit_margin));
  return view;
}

double fraction_inside(const std::vector<float>& xy, double center_x, double center_y, double half_width,
                       double half_height) {
  const std::size_t n = xy.size() / 2;
  if (n == 0) return 1.0;
  std::size_t inside = 0;
  for (std::size_t i = 0; i < n; ++i)
    inside += std::abs(xy[2 * i] - center_x) <= half_width && std::abs(xy[2 * i + 1] - center_y) <= half_height;
  return static_cast<double>(inside) / n;
}

double spread_about_modes(const std::vector<float>& xy, const std::vector<float>& means) {
  const std::size_t n = xy.size() / 2, modes = means.size() / 2;
  if (n == 0 || modes == 0) return -1.0;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) total += nearest_squared_distance(xy, i, means, modes);
  return std::sqrt(total / n / 2.0);
}

double mean_neighbour_distance(const std::vector<float>& xy, std::size_t max_points) {
  const std::size_t n = std::min(xy.size() / 2, max_points);
  if (n < 2) return -1.0;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) total += std::sqrt(nearest_squared_distance(xy, i, xy, n, i));
  return total / n;
}

}  // namespace dlab
