#include "core/class_clusters.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace dlab {

namespace {

double squared_distance(const std::vector<float>& a, std::size_t i, const std::vector<float>& b,
                        std::size_t j) {
  const double dx = a[2 * i] - b[2 * j], dy = a[2 * i + 1] - b[2 * j + 1];
  return dx * dx + dy * dy;
}

}  // namespace

std::vector<int> nearest_data_labels(const std::vector<float>& xy, const std::vector<float>& data,
                                     const std::vector<int>& labels) {
  const std::size_t n = xy.size() / 2, m = std::min(data.size() / 2, labels.size());
  std::vector<int> out;
  if (m == 0) return out;
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t nearest = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const double d = squared_distance(xy, i, data, j);
      if (d < best) {
        best = d;
        nearest = j;
      }
    }
    out[i] = labels[nearest];
  }
  return out;
}

double label_agreement(const std::vector<float>& xy, const std::vector<int>& own,
                       const std::vector<float>& data, const std::vector<int>& labels) {
  const std::size_t n = std::min(xy.size() / 2, own.size());
  if (n == 0) return -1;
  const std::vector<int> nearest = nearest_data_labels(xy, data, labels);
  if (nearest.empty()) return -1;
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i) same += nearest[i] == own[i] ? 1 : 0;
  return static_cast<double>(same) / n;
}

double chance_agreement(const std::vector<int>& labels) {
  if (labels.empty()) return -1;
  const int classes = *std::max_element(labels.begin(), labels.end()) + 1;
  double total = 0;
  for (double share : class_shares(labels, classes)) total += share * share;
  return total;
}

double knn_class_purity(const std::vector<float>& xy, const std::vector<float>& data,
                        const std::vector<int>& labels, int k, std::size_t max_points) {
  const std::size_t n = std::min(xy.size() / 2, max_points), m = std::min(data.size() / 2, labels.size());
  if (n == 0 || k < 1 || m < static_cast<std::size_t>(k) + 1) return -1;
  std::vector<std::pair<double, int>> neighbours(m);
  std::vector<int> counts;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t count = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const double d = squared_distance(xy, i, data, j);
      if (d > 0) neighbours[count++] = {d, labels[j]};
    }
    const std::size_t kk = std::min<std::size_t>(k, count);
    if (kk == 0) continue;
    std::partial_sort(neighbours.begin(), neighbours.begin() + kk, neighbours.begin() + count);
    counts.clear();
    for (std::size_t r = 0; r < kk; ++r) {
      const int label = std::max(0, neighbours[r].second);
      if (label >= static_cast<int>(counts.size())) counts.resize(label + 1, 0);
      ++counts[label];
    }
    total += static_cast<double>(*std::max_element(counts.begin(), counts.end())) / kk;
  }
  return total / n;
}

std::vector<double> class_shares(const std::vector<int>& labels, int classes) {
  std::vector<double> shares(std::max(0, classes), 0.0);
  if (labels.empty()) return shares;
  for (int label : labels)
    if (label >= 0 && label < classes) shares[label] += 1;
  for (double& share : shares) share /= labels.size();
  return shares;
}

}  // namespace dlab
