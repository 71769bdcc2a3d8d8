// The timesteps a sampler visits and the abar it uses at each: the one source of truth for the
// samplers, the app's timeline and its formula panel. Torch-free.
#pragma once

#include <vector>

#include "core/schedule.h"

namespace dlab {

// The smallest abar used in sampling: abar_T = 0 of a zero-terminal-SNR schedule is clamped to 2^-24
// (Lin et al. 2023, section 3.1). Any abar > 0 is used as it is.
constexpr double kMinSamplingAlphaBar = 1.0 / (1 << 24);

// abar_t as the samplers use it: the schedule's value, or kMinSamplingAlphaBar where that is 0 (t >= 1).
double sampling_alpha_bar(const NoiseSchedule& schedule, int t);

// K sampler steps over the base schedule: timesteps t_1 < ... < t_K in 1..T (all of them when K = 0 or
// K = T, else respaced with `spacing`), alpha_bars[0] = 1 (x_0) and alpha_bars[i] = sampling_alpha_bar(t_i).
struct SamplingPlan {
  std::vector<int> timesteps;
  std::vector<double> alpha_bars;
  int size() const { return static_cast<int>(timesteps.size()); }
  // Frame k of a recorded run shows x at this timestep: frame 0 is x_T (t_K), frame K is x_0 (t = 0).
  int t_of_frame(int k) const;
  // The first frame whose timestep is <= t (K when t < t_1).
  int frame_of_t(int t) const;
};

// Throws std::invalid_argument when steps is outside 0..T.
SamplingPlan make_sampling_plan(const NoiseSchedule& schedule, int steps, Spacing spacing);

// DDIM's sigma_t(eta) = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev) (Song et al. 2021,
// Eq. (16)); with eta = 1 its square is the posterior variance beta~ of the (respaced) step.
double ddim_sigma(double alpha_bar, double alpha_bar_prev, double eta);

}  // namespace dlab
