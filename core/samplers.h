// Reverse-process samplers. Each is a function of a denoiser callback: it never knows what network
// (or oracle) answers, reports every step to an observer, honours a cancel flag, counts network
// evaluations (NFE) and is deterministic for a given seed (REFERENCE.md section 6).
#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/choices.h"
#include "core/parameterization.h"
#include "core/sampling_plan.h"
#include "core/schedule.h"

namespace dlab {

// The model: raw network output for x_t at base-schedule timestep t (1..T) with cumulative alpha_bar.
// Its meaning (eps, x0 or v) is SamplerConfig::prediction.
using Denoiser = std::function<torch::Tensor(const torch::Tensor& x_t, int t, double alpha_bar)>;

struct SamplerStep {
  int step = 0;        // 1..K, in the order they run (step 1 is the first, noisiest)
  int num_steps = 0;   // K
  int t = 0;           // base-schedule timestep of x_t
  int t_prev = 0;      // base-schedule timestep of x_prev (0 = clean data)
  double alpha_bar = 0, alpha_bar_prev = 1;
  torch::Tensor x_t, eps_hat, x0_hat, x_prev;
  int nfe = 0;         // network evaluations so far, this step included
};

using StepObserver = std::function<void(const SamplerStep&)>;

struct SamplerConfig {
  SamplerKind kind = SamplerKind::Ddpm;
  int steps = 0;                       // K in 1..T (respaced); 0 or T means every step of the schedule; > T throws
  Spacing spacing = Spacing::Linspace;
  VarianceKind variance = VarianceKind::BetaTilde;  // DDPM only
  double eta = 0.0;                    // DDIM and Euler ancestral
  Prediction prediction = Prediction::Eps;
  bool clip_x0 = false;                // clamp x0_hat to [-1, 1] (images)
  std::uint64_t seed = 0;              // noise z of stochastic samplers
};

struct SampleResult {
  torch::Tensor x0;
  int nfe = 0;
  int steps_done = 0;
  bool cancelled = false;
};

// Runs the reverse process from x_T (already drawn by the caller, usually N(0, I)) down to t = 0.
// With a zero-terminal-SNR schedule abar_T = 0 is clamped to 2^-24 for sampling (Lin et al. 2023, section 3.1).
SampleResult sample(const NoiseSchedule& schedule, const Denoiser& denoiser, const torch::Tensor& x_T,
                    const SamplerConfig& config, const StepObserver& observer = {},
                    const std::atomic<bool>* cancel = nullptr);

// The start of a reverse run of n points of dimension `dims` from one user seed (core/seed_streams.h):
// x_T ~ N(0, I) from the StartingNoise stream and the seed of the sampler's noise z from SamplerNoise, so
// z never repeats x_T. `dlab sample --seed S` and the app's reverse run both start here.
struct ReverseStart {
  torch::Tensor x_T;
  std::uint64_t sampler_seed = 0;
};
ReverseStart reverse_start(std::int64_t n, std::int64_t dims, std::uint64_t seed);

// Network evaluations `sample` will make for this configuration (Heun: 2 per step but the last).
int expected_nfe(const NoiseSchedule& schedule, const SamplerConfig& config);


}  // namespace dlab
