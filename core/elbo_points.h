// The variational bound for 2D (or any continuous) data in nats per dimension: the term loop of
// core/variational_bound.h (Ho et al. 2020, Eq. (5)) with a continuous Gaussian decoder.
//
// Points are not quantised, so the discretised decoder of images (core/bits_per_dim.h) does not apply:
//
//   L_0 = -log N(x_0; mu_theta(x_1, 1), sigma_1^2 I) per dimension
//       = 0.5 log(2 pi sigma_1^2) + (x_0 - mu_theta(x_1, 1))^2 / (2 sigma_1^2)
//
// with the same fixed variance as the other steps (sigma_1^2 = beta~_2 for both choices, as
// improved-diffusion's clipped log variance). It is a density, not a probability, so L_0 and the total can
// be negative; the total bounds the negative log-density, -log p(x_0) <= L_T + sum L_{t-1} + L_0, and for
// Gaussian data N(0, s^2 I) the true value is 0.5 log(2 pi e s^2) per dimension.
#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>

#include "core/samplers.h"
#include "core/schedule.h"
#include "core/variational_bound.h"

namespace dlab {

// -log N(x; mean, exp(log_variance)) per element, in nats (the continuous Gaussian decoder L_0).
torch::Tensor gaussian_nll(const torch::Tensor& x, const torch::Tensor& mean, double log_variance);

struct PointElboConfig {
  VarianceKind variance = VarianceKind::BetaTilde;  // the model's fixed variance (beta-tilde or beta)
  int term_samples = 0;      // 0: every term (core/variational_bound.h)
  int batch_size = 4096;     // points per network call
  std::uint64_t seed = 0;    // the noise of x_t
};

// The bound of a model on points x0 [N, D] (no clipping of x0_hat), every term in nats per dimension.
// Throws std::invalid_argument for bad arguments.
VariationalBound elbo_points(const NoiseSchedule& schedule, const Denoiser& denoiser, Prediction prediction,
                             const torch::Tensor& x0, const PointElboConfig& config = {},
                             const BoundProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace dlab
