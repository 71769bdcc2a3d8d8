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

std::vector<double> spacing_sigmas(double sigma_min, double sigma_max, int K, Spacing spacing) {
  if (!spacing_uses_sigmas(spacing))
    throw std::invalid_argument(std::string("spacing_sigmas: '") + to_name(spacing) + "' places timesteps, not sigmas");
  if (K < 1) throw std::invalid_argument("spacing_sigmas: need at least one step");
  if (!(sigma_min > 0.0 && sigma_max >= sigma_min))
    throw std::invalid_argument("spacing_sigmas: need 0 < sigma_min <= sigma_max");
  std::vector<double> sigmas(K);
  for (int i = 0; i < K; ++i) {
    const double u = K == 1 ? 0.0 : static_cast<double>(i) / (K - 1);
    if (spacing == Spacing::Karras) {
      // Karras et al. 2022, Eq. (5)
      const double a = std::pow(sigma_max, 1.0 / kKarrasRho), b = std::pow(sigma_min, 1.0 / kKarrasRho);
      sigmas[i] = std::pow(a + u * (b - a), kKarrasRho);
    } else {
      sigmas[i] = std::exp(std::log(sigma_max) + u * (std::log(sigma_min) - std::log(sigma_max)));
    }
  }
  sigmas.front() = sigma_max;  // exactly, against rounding in pow/exp
  if (K > 1) sigmas.back() = sigma_min;
  return sigmas;
}

std::vector<double> sampling_sigmas(const NoiseSchedule& schedule) {
  const int T = schedule.timesteps();
  std::vector<double> sigmas(T);
  for (int t = 1; t <= T; ++t) {
    const double abar = sampling_alpha_bar(schedule, t);
    sigmas[t - 1] = std::sqrt((1.0 - abar) / abar);  // Karras et al. 2022, Eq. (2) with s = sqrt(abar)
  }
  return sigmas;
}

std::vector<int> sigma_spaced_timesteps(const NoiseSchedule& schedule, int K, Spacing spacing) {
  const int T = schedule.timesteps();
  if (K < 1 || K > T)
    throw std::invalid_argument("steps K = " + std::to_string(K) + " must lie between 1 and T = " + std::to_string(T));
  const std::vector<double> sig = sampling_sigmas(schedule);
  // Ascending for the search: with zero terminal SNR the clamped sigma_T (4096) is below sigma_{T-1}, so take
  // the running maximum; t_K = T is set below in any case.
  std::vector<double> log_sig(T);
  for (int t = 0; t < T; ++t) log_sig[t] = std::max(std::log(sig[t]), t > 0 ? log_sig[t - 1] : -INFINITY);
  const std::vector<double> targets = spacing_sigmas(sig.front(), sig.back(), K, spacing);
  // The timestep whose log sigma is nearest to log s (sigma_t increases with t).
  auto nearest = [&](double s) {
    const double v = std::log(s);
    const auto it = std::lower_bound(log_sig.begin(), log_sig.end(), v);
    int hi = static_cast<int>(it - log_sig.begin());  // 0-based index of the first log sigma >= v
    if (hi >= T) return T;
    if (hi == 0) return 1;
    return (v - log_sig[hi - 1] <= log_sig[hi] - v) ? hi : hi + 1;  // 1-based t
  };
  // targets descend (i = 0 is sigma_T); from the smallest up, each timestep at least one above the one below
  // and low enough to leave room for the i larger sigmas still to place.
  std::vector<int> ts(K);
  for (int i = K - 1; i >= 0; --i) {
    const int low = i == K - 1 ? 1 : ts[i + 1] + 1;
    ts[i] = std::clamp(nearest(targets[i]), low, T - i);
  }
  ts.front() = T;  // sigma_max is sigma_T (above ts[1] <= T - 1 by the clamp)
  std::reverse(ts.begin(), ts.end());
  return ts;
}

double max_log_sigma_step_ratio(const SamplingPlan& plan) {
  // h_i = log(sigma(t_i)/sigma(t_{i-1})) for the steps t_i -> t_{i-1} with t_{i-1} >= 1 (i = 2..K).
  const int K = plan.size();
  auto log_sigma = [&](int i) { return 0.5 * std::log((1.0 - plan.alpha_bars[i]) / plan.alpha_bars[i]); };
  double worst = 1.0;
  for (int i = 2; i + 1 <= K; ++i) {
    const double h_prev = log_sigma(i + 1) - log_sigma(i);  // the step before (noisier)
    const double h = log_sigma(i) - log_sigma(i - 1);
    if (h_prev > 0.0 && h > 0.0) worst = std::max(worst, h / h_prev);
  }
  return worst;
}

double ddim_sigma(double alpha_bar, double alpha_bar_prev, double eta) {
  // Song et al. 2021, Eq. (16): sigma = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev).
  return eta * std::sqrt((1.0 - alpha_bar_prev) / (1.0 - alpha_bar)) * std::sqrt(1.0 - alpha_bar / alpha_bar_prev);
}

}  // namespace dlab
