#include "core/metrics.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dlab {

namespace {

torch::Tensor as_points(const torch::Tensor& points, const char* name) {
  if (!points.defined() || points.dim() != 2 || points.size(0) < 1)
    throw std::invalid_argument(std::string("metrics: ") + name + " must be a non-empty [n, d] tensor");
  return points.detach().to(torch::kCPU, torch::kDouble).contiguous();
}

// Mean Euclidean distance over all n*m pairs, in row blocks so memory stays bounded.
double mean_pairwise_distance(const torch::Tensor& a, const torch::Tensor& b) {
  constexpr std::int64_t kBlock = 1024;
  double total = 0;
  for (std::int64_t start = 0; start < a.size(0); start += kBlock) {
    const auto rows = a.narrow(0, start, std::min(kBlock, a.size(0) - start));
    total += torch::cdist(rows, b).sum().item<double>();
  }
  return total / (static_cast<double>(a.size(0)) * static_cast<double>(b.size(0)));
}

}  // namespace

double energy_distance(const torch::Tensor& a, const torch::Tensor& b) {
  const auto x = as_points(a, "a");
  const auto y = as_points(b, "b");
  if (x.size(1) != y.size(1)) throw std::invalid_argument("metrics: both point sets need the same dimension");
  const double squared = 2 * mean_pairwise_distance(x, y) - mean_pairwise_distance(x, x) - mean_pairwise_distance(y, y);
  return std::sqrt(std::max(squared, 0.0));
}

double sliced_wasserstein(const torch::Tensor& a, const torch::Tensor& b, int projections, std::uint64_t seed) {
  const auto x = as_points(a, "a");
  const auto y = as_points(b, "b");
  if (x.size(1) != y.size(1)) throw std::invalid_argument("metrics: both point sets need the same dimension");
  if (projections < 1) throw std::invalid_argument("metrics: projections must be >= 1");
  at::Generator generator = at::detail::createCPUGenerator(seed);
  // Uniform directions on the sphere: normalised Gaussian vectors.
  auto directions = at::randn({x.size(1), projections}, generator, torch::TensorOptions().dtype(torch::kDouble));
  directions = directions / directions.norm(2, 0, true);
  const auto x_sorted = std::get<0>(torch::sort(x.matmul(directions), 0));  // [n, P]
  const auto y_sorted = std::get<0>(torch::sort(y.matmul(directions), 0));  // [m, P]
  const std::int64_t levels = std::max(x.size(0), y.size(0));
  // Quantile level (i + 0.5)/K picks sorted row floor(level * n) of each set.
  auto quantile_rows = [&](std::int64_t n) {
    auto level = (torch::arange(levels, torch::kDouble) + 0.5) / static_cast<double>(levels);
    return (level * static_cast<double>(n)).floor().to(torch::kLong).clamp(0, n - 1);
  };
  const auto x_quantiles = x_sorted.index_select(0, quantile_rows(x.size(0)));
  const auto y_quantiles = y_sorted.index_select(0, quantile_rows(y.size(0)));
  return std::sqrt((x_quantiles - y_quantiles).square().mean().item<double>());
}

}  // namespace dlab
