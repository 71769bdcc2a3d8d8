#include "core/point_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlab {

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
  for (std::size_t i = 0; i < shown; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < count; ++j) {
      const double dx = xy[2 * i] - data[2 * j], dy = xy[2 * i + 1] - data[2 * j + 1];
      best = std::min(best, dx * dx + dy * dy);
    }
    total += std::sqrt(best);
  }
  return total / shown;
}

}  // namespace dlab
