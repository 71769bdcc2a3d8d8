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

// K noise levels from sigma_max down to sigma_min, descending (K = 1: sigma_max alone):
//   karras (Karras et al. 2022, Eq. (5), rho = 7): sigma_i = (smax^(1/rho) + i/(K-1) (smin^(1/rho) -
//   smax^(1/rho)))^rho; exponential: log sigma_i uniform between log smax and log smin. Throws for the
//   timestep spacings.
constexpr double kKarrasRho = 7.0;
std::vector<double> spacing_sigmas(double sigma_min, double sigma_max, int steps, Spacing spacing);

// The variance-exploding sigma_t = sqrt((1 - abar_t)/abar_t) of each t = 1..T, with abar_t as the samplers
// use it (sampling_alpha_bar): [t - 1] = sigma_t, ascending in t.
std::vector<double> sampling_sigmas(const NoiseSchedule& schedule);

// Karras or exponential sigmas between the schedule's smallest and largest sigma (sigma_1, sigma_T) placed
// on timesteps: each sigma goes to the NEAREST timestep in log sigma (no interpolation: the network is
// only asked at timesteps it was trained on, and the sampler uses that timestep's own sigma). Where two
// sigmas land on one timestep (many steps crowd the small sigmas), the lower is kept and the higher moves up
// to the next free timestep, so there are always exactly K distinct timesteps. Ascending, t_1 = 1, t_K = T.
std::vector<int> sigma_spaced_timesteps(const NoiseSchedule& schedule, int steps, Spacing spacing);

// The largest ratio h_i/h_{i-1} between the log-sigma lengths h = log(sigma_t/sigma_t_prev) of two
// consecutive steps of the plan, over the steps that end above t = 0 (the last step, to sigma = 0, is
// infinitely long in log sigma). Multistep solvers (DPM-Solver++(2M), LMS) extrapolate from the previous
// step with weight ~ h_i/(2 h_{i-1}) (Lu et al. 2022, Alg. 2): a ratio of several overshoots. 1 for K < 3.
double max_log_sigma_step_ratio(const SamplingPlan& plan);
constexpr double kLargeStepRatio = 3.0;  // above this the formula panel warns

// Throws std::invalid_argument when steps is outside 0..T.
SamplingPlan make_sampling_plan(const NoiseSchedule& schedule, int steps, Spacing spacing);

// DDIM's sigma_t(eta) = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev) (Song et al. 2021,
// Eq. (16)); with eta = 1 its square is the posterior variance beta~ of the (respaced) step.
double ddim_sigma(double alpha_bar, double alpha_bar_prev, double eta);

}  // namespace dlab
