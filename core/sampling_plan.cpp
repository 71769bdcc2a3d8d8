#include "core/sampling_plan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dlab {

double sampling_alpha_bar(const NoiseSchedule& schedule, int t) {
  const double abar = schedule.alpha_bar(t);
  return t > 0 && abar <= 0.0 ? kMinSamplingAlphaBar : abar;
}

int SamplingPlan::t_of_frame(int k) const {
  const int K = size();
  if (K == 0) return 0;
  k = std::clamp(k, 0, K);
  return k == K ? 0 : timesteps[K - 1 - k];
}

int SamplingPlan::frame_of_t(int t) const {
  const int K = size();
  int k = 0;
  while (k < K && t_of_frame(k) > t) ++k;
  return k;
}

SamplingPlan make_sampling_plan(const NoiseSchedule& schedule, int steps, Spacing spacing) {
  const int T = schedule.timesteps();
  if (steps < 0 || steps > T)
    throw std::invalid_argument("steps K = " + std::to_string(steps) + " must lie between 1 and T = " +
                                std::to_string(T) + " (or 0 for every step of the schedule)");
  const int K = steps == 0 ? T : steps;
  SamplingPlan plan;
  if (K == T) {
    plan.timesteps.resize(T);
    for (int t = 1; t <= T; ++t) plan.timesteps[t - 1] = t;
  } else {
    plan.timesteps = respace(schedule, K, spacing).timesteps;
  }
  plan.alpha_bars.push_back(1.0);
  for (int t : plan.timesteps) plan.alpha_bars.push_back(sampling_alpha_bar(schedule, t));
  return plan;
}

double ddim_sigma(double alpha_bar, double alpha_bar_prev, double eta) {
  // Song et al. 2021, Eq. (16): sigma = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev).
  return eta * std::sqrt((1.0 - alpha_bar_prev) / (1.0 - alpha_bar)) * std::sqrt(1.0 - alpha_bar / alpha_bar_prev);
}

}  // namespace dlab
