// Reverse-process samplers. Each is a function of a denoiser callback: it never knows what network
// (or oracle) answers, reports every step to an observer, honours a cancel flag, counts network
// evaluations (NFE) and is deterministic for a given seed (REFERENCE.md section 6).
#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/names.h"
#include "core/parameterization.h"
#include "core/schedule.h"

namespace dlab {

enum class SamplerKind { Ddpm, Ddim, Euler, Heun, EulerAncestral, DpmSolverPP2M };

template <>
struct EnumNames<SamplerKind> {
  static constexpr std::array<EnumEntry<SamplerKind>, 6> entries{{
      {SamplerKind::Ddpm, "ddpm", "DDPM (ancestral)"},
      {SamplerKind::Ddim, "ddim", "DDIM"},
      {SamplerKind::Euler, "euler", "Euler"},
      {SamplerKind::Heun, "heun", "Heun"},
      {SamplerKind::EulerAncestral, "euler-a", "Euler ancestral"},
      {SamplerKind::DpmSolverPP2M, "dpmpp-2m", "DPM-Solver++(2M)"},
  }};
};

// The variance sigma_t^2 of the DDPM ancestral step x_{t-1} = mu + sigma_t z (Ho et al. 2020, section 3.2).
enum class VarianceKind { BetaTilde, Beta, Zero, VarianceAsStd };

template <>
struct EnumNames<VarianceKind> {
  static constexpr std::array<EnumEntry<VarianceKind>, 4> entries{{
      // Labels in UTF-8 for the app (beta, sigma, subscript t); ImGui's combo boxes cannot stack a
      // combining tilde, so beta~_t is named by what it is.
      {VarianceKind::BetaTilde, "beta-tilde", "Posterior (fixed small)"},
      {VarianceKind::Beta, "beta", "\u03b2\u209c (fixed large)"},
      {VarianceKind::Zero, "zero", "No noise (\u03c3\u209c = 0)"},
      // The error in seed note 003: z multiplied by the variance beta~_t instead of its square root.
      {VarianceKind::VarianceAsStd, "variance-as-std", "Mistake: variance used as std"},
  }};
};

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

// Network evaluations `sample` will make for this configuration (Heun: 2 per step but the last).
int expected_nfe(const NoiseSchedule& schedule, const SamplerConfig& config);

// DDIM's sigma_t(eta) = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev) (Song et al. 2021,
// Eq. (16)); with eta = 1 its square is the posterior variance beta~ of the (respaced) step.
double ddim_sigma(double alpha_bar, double alpha_bar_prev, double eta);

// The smallest abar used in sampling, for zero-terminal-SNR schedules.
constexpr double kMinSamplingAlphaBar = 1.0 / (1 << 24);

}  // namespace dlab
