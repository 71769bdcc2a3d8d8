// The variational bound on the negative log-likelihood of images, term by term, in bits per dimension
// (Ho et al. 2020, Eq. (5); Nichol & Dhariwal 2021, section 2; improved-diffusion's losses.py and
// gaussian_diffusion.py calc_bpd_loop; REFERENCE.md section 7): the term loop of core/variational_bound.h
// with the decoder of images,
//
//   L_0 = -log p(x_0 | x_1), a Gaussian discretised to the 256 pixel values (bins of width 2/255)
//
// bits/dim = nats / (D ln 2), D = the number of pixel values per image. The model p(x_{t-1} | x_t) has the
// mean of the posterior at x0_hat and a fixed variance (beta~_t or beta_t).
#pragma once

#include <torch/types.h>

#include <atomic>

#include "core/samplers.h"
#include "core/schedule.h"
#include "core/variational_bound.h"

namespace dlab {

// log of the probability that N(mean, exp(log_scale)^2) puts on the pixel bin of x (x on the grid
// 2k/255 - 1, k = 0..255): bins [x - 1/255, x + 1/255], the first extending to -inf and the last to +inf,
// so the 256 probabilities sum to 1. Per element, in nats; computed in float64 with the exact normal CDF.
torch::Tensor discretized_gaussian_log_likelihood(const torch::Tensor& x, const torch::Tensor& mean,
                                                  const torch::Tensor& log_scale);

// The bound's settings (core/variational_bound.h), with x0_hat clamped to the images' range [-1, 1] by
// default (improved-diffusion's clip_denoised).
struct BitsPerDimConfig : VariationalBoundConfig {
  BitsPerDimConfig() { clip_x0 = true; }
};

// The terms of the bound in bits/dim (examples = images).
using BitsPerDimResult = VariationalBound;
using BitsPerDimProgress = BoundProgress;

// x0: [N, ...] in [-1, 1] on the pixel grid; the denoiser's output has kind `prediction`.
// Throws std::invalid_argument for bad arguments (VarianceKind must be BetaTilde or Beta).
BitsPerDimResult bits_per_dim(const NoiseSchedule& schedule, const Denoiser& denoiser, Prediction prediction,
                              const torch::Tensor& x0, const BitsPerDimConfig& config = {},
                              const BitsPerDimProgress& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace dlab
