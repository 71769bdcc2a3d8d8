#include "core/posterior.h"

#include <torch/torch.h>

#include <cmath>

namespace dlab {

torch::Tensor posterior_mean(const NoiseSchedule& s, int t, const torch::Tensor& x0, const torch::Tensor& x_t) {
  return s.posterior_mean_coef1(t) * x0 + s.posterior_mean_coef2(t) * x_t;  // Ho et al. 2020, Eq. (7)
}

torch::Tensor posterior_mean_from_eps(const NoiseSchedule& s, int t, const torch::Tensor& x_t,
                                      const torch::Tensor& eps) {
  return (x_t - s.beta(t) / s.sqrt_one_minus_alpha_bar(t) * eps) / std::sqrt(s.alpha(t));  // Eq. (11)
}

double posterior_log_variance_clipped(const NoiseSchedule& s, int t) {
  if (t == 1 && s.timesteps() >= 2) return std::log(s.beta_tilde(2));
  return std::log(s.beta_tilde(t));
}

}  // namespace dlab
