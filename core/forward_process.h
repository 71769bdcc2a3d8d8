// The forward (noising) process q (Ho et al. 2020, section 2).
#pragma once

#include <torch/types.h>

#include <functional>

#include "core/choices.h"
#include "core/rng.h"
#include "core/schedule.h"

namespace dlab {

// One step q(x_t | x_{t-1}) = N(sqrt(alpha_t) x_{t-1}, beta_t I) (Ho et al. 2020, Eq. (2)); t in 1..T.
torch::Tensor forward_step(const NoiseSchedule& schedule, const torch::Tensor& x_prev, int t, Rng& rng);

// Closed form q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) (Ho et al. 2020, Eq. (4)); t in 0..T.
// If eps_out is given it receives the noise used.
torch::Tensor diffuse_closed_form(const NoiseSchedule& schedule, const torch::Tensor& x0, int t, Rng& rng,
                                  torch::Tensor* eps_out = nullptr);

// The closed form with a given eps: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Ho et al. 2020, Eq. (4)).
// With one eps for every t, each point moves continuously as t is scrubbed (the app's forward view).
torch::Tensor closed_form(const NoiseSchedule& schedule, const torch::Tensor& x0, int t, const torch::Tensor& eps);
// The same for one coordinate (the path of a followed point).
inline double closed_form(const NoiseSchedule& schedule, double x0, double eps, int t) {
  return schedule.sqrt_alpha_bar(t) * x0 + schedule.sqrt_one_minus_alpha_bar(t) * eps;
}

// x_t by iterating forward_step t times; on_step(s, x_s) is called after each step s = 1..t.
torch::Tensor diffuse_chain(const NoiseSchedule& schedule, const torch::Tensor& x0, int t, Rng& rng,
                            const std::function<void(int, const torch::Tensor&)>& on_step = {});

torch::Tensor diffuse(ForwardMode mode, const NoiseSchedule& schedule, const torch::Tensor& x0, int t, Rng& rng);

// KL(q(x_T | x_0) || N(0, I)) in nats per dimension, averaged over the rows of x0 (the prior term L_T,
// Ho et al. 2020, Eq. (5)); near 0 when x_T is Gaussian.
double prior_kl_per_dim(const NoiseSchedule& schedule, const torch::Tensor& x0);

}  // namespace dlab
