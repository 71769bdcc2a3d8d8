// Precision and recall of generated samples against real data, from k-nearest-neighbour balls
// (Kynkaanniemi et al. 2019, "Improved precision and recall metric for assessing generative models",
// section 3, Eq. (1)-(3)):
//
//   f_k(x, S) = 1 if |x - s| <= |s - NN_k(s, S)| for some s in S, else 0
//   precision = mean over generated g of f_k(g, real)       (how many samples look like data)
//   recall    = mean over real r of f_k(r, generated)       (how much of the data the samples cover)
//
// where NN_k(s, S) is the k-th nearest neighbour of s in S other than s itself (the paper uses k = 3).
// Each set's k-NN balls approximate the support of its distribution: precision falls when samples land
// where there is no data (blurry or wrong samples), recall when part of the data is never generated (mode
// collapse). Exact Euclidean distances in double precision, computed in row blocks.
#pragma once

#include <torch/types.h>

namespace dlab {

constexpr int kPrecisionRecallK = 3;

struct PrecisionRecall {
  double precision = 0;
  double recall = 0;
};

// real [n, d], generated [m, d], both with more than k rows. Throws std::invalid_argument otherwise.
PrecisionRecall knn_precision_recall(const torch::Tensor& real, const torch::Tensor& generated,
                                     int k = kPrecisionRecallK);

// The radius of each row's k-NN ball in its own set: the distance to its k-th nearest other row.
torch::Tensor knn_radii(const torch::Tensor& points, int k);

}  // namespace dlab
