// The scalar coefficients of one reverse step of each sampler, from the abar of the two timesteps it
// joins: the samplers (core/samplers.cpp) compute with them and the app's formula panel prints them, so
// the numbers on screen are the numbers used. Torch-free.
#pragma once

#include "core/choices.h"

namespace dlab {

// DDPM ancestral step of a (respaced) chain from abar to abar_prev (Ho et al. 2020, Eq. (7), Alg. 2):
//   x_prev = c_x0 x0_hat + c_xt x_t + sigma z = (x_t - c_eps eps_hat) / sqrt(alpha) + sigma z  (Eq. (11)).
struct DdpmStep {
  double beta = 0, alpha = 1;  // beta' = 1 - abar/abar_prev of the step (Nichol & Dhariwal 2021, Eq. (19))
  double beta_tilde = 0;       // posterior variance (1 - abar_prev)/(1 - abar) beta'
  double c_x0 = 0, c_xt = 0;   // posterior mean mu~ = c_x0 x0 + c_xt x_t
  double c_eps = 0;            // beta'/sqrt(1 - abar), the eps form of the mean
  double sigma = 0;            // the noise scale of `variance` (the variance-as-std mistake: beta~, not its root)
};
DdpmStep ddpm_step(double alpha_bar, double alpha_bar_prev, VarianceKind variance);

// DDIM step (Song et al. 2021, Eq. (12), (16)): x_prev = c_x0 x0_hat + c_eps eps_hat + sigma z.
struct DdimStep {
  double sigma = 0;  // eta sqrt((1 - abar_prev)/(1 - abar)) sqrt(1 - abar/abar_prev)
  double c_x0 = 0;   // sqrt(abar_prev)
  double c_eps = 0;  // sqrt(1 - abar_prev - sigma^2)
};
DdimStep ddim_step(double alpha_bar, double alpha_bar_prev, double eta);

// The variance-exploding noise level sigma = sqrt((1 - abar)/abar) of x~ = x/sqrt(abar) (Karras et al.
// 2022, Eq. (2)).
double ve_sigma(double alpha_bar);

// Euler ancestral from sigma to sigma_next (k-diffusion's get_ancestral_step): x~_next = D + sigma_down d +
// sigma_up z with sigma_up = min(sigma_next, eta sqrt(sigma_next^2 (sigma^2 - sigma_next^2)/sigma^2)) and
// sigma_down = sqrt(sigma_next^2 - sigma_up^2).
struct AncestralStep {
  double sigma_up = 0, sigma_down = 0;
};
AncestralStep ancestral_step(double sigma, double sigma_next, double eta);

// Linear multistep (LMS) weights (k-diffusion's linear_multistep_coeff): the step from sigmas[i] to
// sigmas[i + 1] is x~_next = x~ + sum_j c_j d_{i-j}, j = 0..order-1, with c_j the integral over
// [sigmas[i], sigmas[i + 1]] of the Lagrange basis polynomial through sigmas[i], ..., sigmas[i - order + 1]
// that is 1 at sigmas[i - j] (Adams-Bashforth in sigma). Needs order <= i + 1; the c_j sum to
// sigmas[i + 1] - sigmas[i].
double lms_coefficient(const double* sigmas, int i, int j, int order);

}  // namespace dlab
