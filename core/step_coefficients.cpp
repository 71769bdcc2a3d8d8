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

double lms_coefficient(const double* sigmas, int i, int j, int order) {
  auto basis = [&](double tau) {
    double product = 1.0;
    for (int k = 0; k < order; ++k)
      if (k != j) product *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
    return product;
  };
  // 4-point Gauss-Legendre: exact for the basis polynomials (degree order - 1 <= 3 for order <= 4).
  static constexpr double kNode[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563,
                                      0.8611363115940526};
  static constexpr double kWeight[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461,
                                        0.3478548451374538};
  const double a = sigmas[i], b = sigmas[i + 1], half = 0.5 * (b - a), mid = 0.5 * (a + b);
  double integral = 0.0;
  for (int q = 0; q < 4; ++q) integral += kWeight[q] * basis(mid + half * kNode[q]);
  return half * integral;
}

}  // namespace dlab
