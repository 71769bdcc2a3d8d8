#include "core/precision_recall.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace dlab {
namespace {

constexpr std::int64_t kBlock = 1024;  // rows per distance block: memory stays at kBlock x n doubles

torch::Tensor as_points(const torch::Tensor& points, const char* name, int k) {
  if (!points.defined() || points.dim() != 2 || points.size(0) <= k)
    throw std::invalid_argument(std::string("precision/recall: ") + name + " must be [n, d] with n > k = " +
                                std::to_string(k));
  return points.detach().to(torch::kCPU, torch::kDouble).contiguous();
}

// The fraction of the rows of `queries` inside at least one ball (centre, radius) of `centres`.
double fraction_covered(const torch::Tensor& queries, const torch::Tensor& centres, const torch::Tensor& radii) {
  std::int64_t covered = 0;
  for (std::int64_t start = 0; start < queries.size(0); start += kBlock) {
    const auto rows = queries.narrow(0, start, std::min(kBlock, queries.size(0) - start));
    const auto inside = torch::cdist(rows, centres).le(radii.unsqueeze(0));  // [rows, centres]
    covered += inside.any(1).sum().item<std::int64_t>();
  }
  return static_cast<double>(covered) / static_cast<double>(queries.size(0));
}

}  // namespace

torch::Tensor knn_radii(const torch::Tensor& points, int k) {
  if (k < 1) throw std::invalid_argument("precision/recall: k must be >= 1");
  const auto x = as_points(points, "points", k);
  const std::int64_t n = x.size(0);
  torch::Tensor radii = torch::empty({n}, torch::kDouble);
  for (std::int64_t start = 0; start < n; start += kBlock) {
    const std::int64_t rows = std::min(kBlock, n - start);
    auto distances = torch::cdist(x.narrow(0, start, rows), x);  // [rows, n]
    // A row is not its own neighbour (a duplicate of it elsewhere is, at distance 0).
    const auto self = torch::arange(start, start + rows, torch::kLong);
    distances.index_put_({torch::arange(rows, torch::kLong), self}, std::numeric_limits<double>::infinity());
    radii.narrow(0, start, rows).copy_(std::get<0>(distances.kthvalue(k, 1)));
  }
  return radii;
}

PrecisionRecall knn_precision_recall(const torch::Tensor& real, const torch::Tensor& generated, int k) {
  if (k < 1) throw std::invalid_argument("precision/recall: k must be >= 1");
  const auto r = as_points(real, "real", k);
  const auto g = as_points(generated, "generated", k);
  if (r.size(1) != g.size(1)) throw std::invalid_argument("precision/recall: both sets need the same dimension");
  PrecisionRecall out;
  out.precision = fraction_covered(g, r, knn_radii(r, k));  // Kynkaanniemi et al. 2019, Eq. (2)
  out.recall = fraction_covered(r, g, knn_radii(g, k));     // Eq. (3)
  return out;
}

}  // namespace dlab
