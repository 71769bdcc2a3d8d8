#include "core/forward_process.h"

#include <torch/torch.h>

#include <cmath>

namespace dlab {

torch::Tensor forward_step(const NoiseSchedule& s, const torch::Tensor& x_prev, int t, Rng& rng) {
  const auto z = rng.normal(x_prev.sizes(), x_prev.device()).to(x_prev.dtype());
  return std::sqrt(s.alpha(t)) * x_prev + std::sqrt(s.beta(t)) * z;  // Ho et al. 2020, Eq. (2)
}

torch::Tensor diffuse_closed_form(const NoiseSchedule& s, const torch::Tensor& x0, int t, Rng& rng,
                                  torch::Tensor* eps_out) {
  const auto eps = rng.normal(x0.sizes(), x0.device()).to(x0.dtype());
  if (eps_out) *eps_out = eps;
  return closed_form(s, x0, t, eps);
}

torch::Tensor closed_form(const NoiseSchedule& s, const torch::Tensor& x0, int t, const torch::Tensor& eps) {
  return s.sqrt_alpha_bar(t) * x0 + s.sqrt_one_minus_alpha_bar(t) * eps;  // Ho et al. 2020, Eq. (4)
}

torch::Tensor diffuse_chain(const NoiseSchedule& s, const torch::Tensor& x0, int t, Rng& rng,
                            const std::function<void(int, const torch::Tensor&)>& on_step) {
  auto x = x0;
  for (int step = 1; step <= t; ++step) {
    x = forward_step(s, x, step, rng);
    if (on_step) on_step(step, x);
  }
  return x;
}

torch::Tensor diffuse(ForwardMode mode, const NoiseSchedule& s, const torch::Tensor& x0, int t, Rng& rng) {
  return mode == ForwardMode::Chain ? diffuse_chain(s, x0, t, rng) : diffuse_closed_form(s, x0, t, rng);
}

double prior_kl_per_dim(const NoiseSchedule& s, const torch::Tensor& x0) {
  // KL(N(m, v) || N(0, 1)) = 0.5 (v + m^2 - 1 - log v) per dimension, m = sqrt(abar_T) x0, v = 1 - abar_T.
  const int T = s.timesteps();
  const double v = 1.0 - s.alpha_bar(T);
  const double mean_sq = (x0.to(torch::kDouble).pow(2).mean()).item<double>() * s.alpha_bar(T);
  return 0.5 * (v + mean_sq - 1.0 - std::log(v));
}

}  // namespace dlab
