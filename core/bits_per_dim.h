// The variational bound on the negative log-likelihood, term by term, in bits per dimension
// (Ho et al. 2020, Eq. (5); Nichol & Dhariwal 2021, section 2; improved-diffusion's losses.py and
// gaussian_diffusion.py calc_bpd_loop; REFERENCE.md section 7):
//
//   -log p(x_0) <= L_T + sum_{t=2..T} L_{t-1} + L_0
//   L_T     = KL(q(x_T | x_0) || N(0, I))                         (prior; no network)
//   L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t))        (x_t ~ q(x_t | x_0))
//   L_0     = -log p(x_0 | x_1), a Gaussian discretised to the 256 pixel values (bins of width 2/255)
//
// bits/dim = nats / (D ln 2), D = the number of pixel values per image. The model p(x_{t-1} | x_t) has the
// mean of the posterior at x0_hat and a fixed variance (beta~_t or beta_t).
#pragma once

#include <torch/types.h>

#include <atomic>
#include <functional>
#include <vector>

#include "core/parameterization.h"
#include "core/samplers.h"
#include "core/schedule.h"

namespace dlab {

// KL(N(m1, exp(lv1)) || N(m2, exp(lv2))) per element, in nats:
// 0.5 (-1 + lv2 - lv1 + exp(lv1 - lv2) + (m1 - m2)^2 exp(-lv2)).
torch::Tensor normal_kl(const torch::Tensor& mean1, const torch::Tensor& log_variance1,
                        const torch::Tensor& mean2, const torch::Tensor& log_variance2);

// log of the probability that N(mean, exp(log_scale)^2) puts on the pixel bin of x (x on the grid
// 2k/255 - 1, k = 0..255): bins [x - 1/255, x + 1/255], the first extending to -inf and the last to +inf,
// so the 256 probabilities sum to 1. Per element, in nats; computed in float64 with the exact normal CDF.
torch::Tensor discretized_gaussian_log_likelihood(const torch::Tensor& x, const torch::Tensor& mean,
                                                  const torch::Tensor& log_scale);

struct BitsPerDimConfig {
  VarianceKind variance = VarianceKind::BetaTilde;  // the model's fixed variance (beta-tilde or beta)
  bool clip_x0 = true;  // clamp x0_hat to [-1, 1] (improved-diffusion's clip_denoised)
  // 0: every t = 2..T. K > 0: K values of t spaced geometrically from 2 to T (the terms are largest at
  // small t), each weighted by the number of t it stands for: an estimate of the sum.
  int term_samples = 0;
  int batch_size = 256;    // images per network call
  std::uint64_t seed = 0;  // the noise of x_t
};

struct BitsPerDimResult {
  double prior = 0;      // L_T, bits/dim, mean over the images
  double diffusion = 0;  // sum_{t=2..T} L_{t-1} (estimated from the evaluated t when term_samples > 0)
  double decoder = 0;    // L_0
  double total() const { return prior + diffusion + decoder; }
  std::vector<int> timesteps;        // the t of the evaluated L_{t-1} terms, ascending
  std::vector<double> term_means;    // mean L_{t-1} at each of them, bits/dim
  std::vector<double> term_weights;  // how many t each stands for (all 1 when every term is evaluated)
  std::int64_t images = 0;
  int dimensions = 0;
  bool estimated = false;  // true when only some terms were evaluated
};

// Progress: (terms done, terms to do). Returns early (estimated from what was done) when *cancel is set.
using BitsPerDimProgress = std::function<void(int, int)>;

// x0: [N, ...] in [-1, 1] on the pixel grid; the denoiser's output has kind `prediction`.
// Throws std::invalid_argument for bad arguments (VarianceKind must be BetaTilde or Beta).
BitsPerDimResult bits_per_dim(const NoiseSchedule& schedule, const Denoiser& denoiser, Prediction prediction,
                              const torch::Tensor& x0, const BitsPerDimConfig& config = {},
                              const BitsPerDimProgress& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace dlab
