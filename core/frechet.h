// The Frechet distance between two sets of feature vectors, each summarised by a Gaussian (mean,
// covariance): the FID of Heusel et al. 2017 (Eq. (6)), here on features of the project's small
// classifier (core/classifier.h) since Inception features do not fit 28x28 images (REFERENCE.md
// section 10):
//
//   d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))
//
// All in double precision. Tr((S1 S2)^(1/2)) uses that S1 S2 is similar to the symmetric PSD matrix
// S1^(1/2) S2 S1^(1/2), so it is the sum of the square roots of that matrix's eigenvalues (each matrix
// square root by a symmetric eigen-decomposition, negative round-off eigenvalues set to 0).
#pragma once

#include <torch/types.h>

namespace dlab {

struct GaussianStatistics {
  torch::Tensor mean;        // [D] float64
  torch::Tensor covariance;  // [D, D] float64, unbiased (divides by N - 1)
  std::int64_t count = 0;
};

// features [N, D] with N >= 2. Throws std::invalid_argument otherwise.
GaussianStatistics gaussian_statistics(const torch::Tensor& features);

// d^2 (not d: the FID convention). Throws std::invalid_argument for mismatched dimensions.
double frechet_distance(const GaussianStatistics& a, const GaussianStatistics& b);

// The symmetric square root of a symmetric PSD matrix (float64) by eigen-decomposition.
torch::Tensor symmetric_matrix_sqrt(const torch::Tensor& matrix);

}  // namespace dlab
