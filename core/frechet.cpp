#include "core/frechet.h"

#include <stdexcept>
#include <string>

namespace dlab {

GaussianStatistics gaussian_statistics(const torch::Tensor& features) {
  if (features.dim() != 2 || features.size(0) < 2)
    throw std::invalid_argument("Frechet distance: features must be [N, D] with N >= 2");
  const torch::Tensor x = features.detach().to(torch::kCPU, torch::kDouble);
  GaussianStatistics out;
  out.count = x.size(0);
  out.mean = x.mean(0);
  const torch::Tensor centered = x - out.mean;
  out.covariance = centered.t().mm(centered) / static_cast<double>(out.count - 1);
  return out;
}

torch::Tensor symmetric_matrix_sqrt(const torch::Tensor& matrix) {
  const torch::Tensor symmetric = 0.5 * (matrix + matrix.t()).to(torch::kDouble);
  // A = V diag(lambda) V^T  =>  A^(1/2) = V diag(sqrt(max(lambda, 0))) V^T.
  const auto [eigenvalues, eigenvectors] = torch::linalg_eigh(symmetric, "L");
  return eigenvectors.mm(torch::diag(eigenvalues.clamp_min(0.0).sqrt())).mm(eigenvectors.t());
}

double frechet_distance(const GaussianStatistics& a, const GaussianStatistics& b) {
  if (!a.mean.defined() || !b.mean.defined() || a.mean.sizes() != b.mean.sizes() ||
      a.covariance.sizes() != b.covariance.sizes())
    throw std::invalid_argument("Frechet distance: both sets need statistics of the same feature dimension");
  const torch::Tensor mean_term = (a.mean - b.mean).pow(2).sum();
  // Tr((S1 S2)^(1/2)) = Tr((S1^(1/2) S2 S1^(1/2))^(1/2)): eigenvalues of a similar symmetric PSD matrix.
  const torch::Tensor root_a = symmetric_matrix_sqrt(a.covariance);
  torch::Tensor inner = root_a.mm(b.covariance.to(torch::kDouble)).mm(root_a);
  inner = 0.5 * (inner + inner.t());
  const torch::Tensor trace_sqrt = torch::linalg_eigvalsh(inner, "L").clamp_min(0.0).sqrt().sum();
  // d^2 = |mu1 - mu2|^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^(1/2)) (Heusel et al. 2017, Eq. (6)).
  const double d2 = mean_term.item<double>() + a.covariance.trace().item<double>() +
                    b.covariance.trace().item<double>() - 2.0 * trace_sqrt.item<double>();
  return d2;
}

}  // namespace dlab
