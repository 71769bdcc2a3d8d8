#include "core/step_coefficients.h"

#include <algorithm>
#include <cmath>

#include "core/sampling_plan.h"

namespace dlab {

DdpmStep ddpm_step(double alpha_bar, double alpha_bar_prev, VarianceKind variance) {
  DdpmStep s;
  s.alpha = alpha_bar / alpha_bar_prev;
  s.beta = 1.0 - s.alpha;
  s.beta_tilde = s.beta * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar);
  s.c_x0 = s.beta * std::sqrt(alpha_bar_prev) / (1.0 - alpha_bar);
  s.c_xt = std::sqrt(s.alpha) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar);
  s.c_eps = s.beta / std::sqrt(1.0 - alpha_bar);
  switch (variance) {
    case VarianceKind::BetaTilde: s.sigma = std::sqrt(s.beta_tilde); break;
    case VarianceKind::Beta: s.sigma = std::sqrt(s.beta); break;
    case VarianceKind::Zero: s.sigma = 0.0; break;
    case VarianceKind::VarianceAsStd: s.sigma = s.beta_tilde; break;  // the labelled mistake: no square root
  }
  return s;
}

DdimStep ddim_step(double alpha_bar, double alpha_bar_prev, double eta) {
  DdimStep s;
  s.sigma = ddim_sigma(alpha_bar, alpha_bar_prev, eta);
  s.c_x0 = std::sqrt(alpha_bar_prev);
  s.c_eps = std::sqrt(std::max(0.0, 1.0 - alpha_bar_prev - s.sigma * s.sigma));
  return s;
}

double ve_sigma(double alpha_bar) { return std::sqrt((1.0 - alpha_bar) / alpha_bar); }

AncestralStep ancestral_step(double sigma, double sigma_next, double eta) {
  AncestralStep s;
  if (eta > 0.0 && sigma > 0.0)
    s.sigma_up = std::min(sigma_next, eta * sigma_next * std::sqrt(1.0 - (sigma_next * sigma_next) / (sigma * sigma)));
  s.sigma_down = std::sqrt(std::max(0.0, sigma_next * sigma_next - s.sigma_up * s.sigma_up));
  return s;
}

}  // namespace dlab
