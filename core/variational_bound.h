// The variational bound on the negative log-likelihood, term by term (Ho et al. 2020, Eq. (5); Sohl-Dickstein
// et al. 2015; REFERENCE.md section 7), for any data shape and any decoder L_0:
//
//   -log p(x_0) <= E_q[ L_T + sum_{t=2..T} L_{t-1} + L_0 ]
//   L_T     = KL(q(x_T | x_0) || N(0, I))                         (the prior; no network)
//   L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t))        (x_t ~ q(x_t | x_0), Eq. (4))
//   L_0     = -log p(x_0 | x_1)                                    (the decoder, given by the caller)
//
// The model p(x_{t-1} | x_t) = N(mu_theta(x_t, t), sigma_t^2 I) has the posterior mean of Eq. (7) at the
// network's x0_hat and a fixed variance: beta~_t ("fixed small") or beta_t ("fixed large"), as
// improved-diffusion's FIXED_SMALL and FIXED_LARGE. Every term is in nats per dimension, averaged over the
// examples. The images' bits/dim (core/bits_per_dim.h, a discretised decoder) and the 2D points' nats/dim
// (core/elbo_points.h, a continuous Gaussian decoder) are this loop with their own L_0.
#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/choices.h"
#include "core/samplers.h"
#include "core/schedule.h"

namespace dlab {

// KL(N(m1, exp(lv1)) || N(m2, exp(lv2))) per element, in nats:
// 0.5 (-1 + lv2 - lv1 + exp(lv1 - lv2) + (m1 - m2)^2 exp(-lv2)) (improved-diffusion losses.normal_kl).
torch::Tensor normal_kl(const torch::Tensor& mean1, const torch::Tensor& log_variance1,
                        const torch::Tensor& mean2, const torch::Tensor& log_variance2);

// The log of the model's fixed variance at t: log beta~_t (t = 1 takes t = 2's value, since beta~_1 = 0)
// or log beta_t (t = 1 takes beta~_2, as improved-diffusion's FIXED_LARGE). `variance` must be BetaTilde
// or Beta (std::invalid_argument otherwise).
double model_log_variance(const NoiseSchedule& schedule, int t, VarianceKind variance);

struct VariationalBoundConfig {
  VarianceKind variance = VarianceKind::BetaTilde;  // the model's fixed variance (beta-tilde or beta)
  bool clip_x0 = false;    // clamp x0_hat to [-1, 1] (images on [-1, 1]; improved-diffusion's clip_denoised)
  // 0: every t = 2..T. K > 0: K values of t spaced geometrically from 2 to T (the terms are largest at
  // small t), each weighted by the number of t it stands for: an estimate of the sum.
  int term_samples = 0;
  int batch_size = 256;    // examples per network call
  std::uint64_t seed = 0;  // the noise of x_t
};

// Every term in nats per dimension, the mean over the examples.
struct VariationalBound {
  double prior = 0;      // L_T
  double diffusion = 0;  // sum_{t=2..T} L_{t-1} (estimated from the evaluated t when term_samples > 0)
  double decoder = 0;    // L_0
  double total() const { return prior + diffusion + decoder; }
  // The standard error of the total: the standard deviation of the examples' own totals (each one an unbiased
  // estimate of its bound) over sqrt(N); 0 for one example.
  double total_standard_error = 0;
  std::vector<int> timesteps;        // the t of the evaluated L_{t-1} terms, ascending
  std::vector<double> term_means;    // mean L_{t-1} at each of them
  std::vector<double> term_weights;  // how many t each stands for (all 1 when every term is evaluated)
  std::int64_t examples = 0;         // rows of x0
  int dimensions = 0;                // values per example
  bool estimated = false;            // true when only some terms were evaluated (or the run was cancelled)
};

// -log p(x_0 | x_1) per element of x0, in nats, for the model mean at t = 1 and its log variance.
using DecoderNll =
    std::function<torch::Tensor(const torch::Tensor& x0, const torch::Tensor& mean, double log_variance)>;

// Progress: (terms done, terms to do), counting L_0 as one. Returns early (estimated from what was done,
// L_0 left at 0) when *cancel is set.
using BoundProgress = std::function<void(int, int)>;

// x0: [N, ...] with N >= 1; the denoiser's output has kind `prediction` and is called with the abar the
// samplers use (core/sampling_plan.h: abar_T = 0 of a zero-terminal-SNR schedule is clamped). Throws
// std::invalid_argument for bad arguments.
VariationalBound variational_bound(const NoiseSchedule& schedule, const Denoiser& denoiser, Prediction prediction,
                                   const torch::Tensor& x0, const VariationalBoundConfig& config,
                                   const DecoderNll& decoder_nll, const BoundProgress& progress = {},
                                   const std::atomic<bool>* cancel = nullptr);

}  // namespace dlab
