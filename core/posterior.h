// The forward-process posterior q(x_{t-1} | x_t, x_0) = N(mu_tilde, beta_tilde_t I)
// (Ho et al. 2020, Eq. (6)-(7); REFERENCE.md section 4).
#pragma once

#include <torch/types.h>

#include "core/schedule.h"

namespace dlab {

// mu_tilde = c1 x_0 + c2 x_t.
torch::Tensor posterior_mean(const NoiseSchedule& schedule, int t, const torch::Tensor& x0,
                             const torch::Tensor& x_t);
// mu = (x_t - beta_t/sqrt(1 - abar_t) eps)/sqrt(alpha_t) (Ho et al. 2020, Eq. (11)).
torch::Tensor posterior_mean_from_eps(const NoiseSchedule& schedule, int t, const torch::Tensor& x_t,
                                      const torch::Tensor& eps);
// log beta_tilde_t with t = 1 replaced by t = 2's value, as improved-diffusion does (beta_tilde_1 = 0).
double posterior_log_variance_clipped(const NoiseSchedule& schedule, int t);

}  // namespace dlab
