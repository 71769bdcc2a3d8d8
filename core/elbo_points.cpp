#include "core/elbo_points.h"

#include <cmath>

namespace dlab {

torch::Tensor gaussian_nll(const torch::Tensor& x, const torch::Tensor& mean, double log_variance) {
  // -log N(x; m, v) = 0.5 (log(2 pi) + log v + (x - m)^2 / v).
  const auto diff = x.to(torch::kDouble) - mean.to(torch::kDouble);
  return 0.5 * (std::log(2.0 * M_PI) + log_variance + diff.pow(2) * std::exp(-log_variance));
}

VariationalBound elbo_points(const NoiseSchedule& schedule, const Denoiser& denoiser, Prediction prediction,
                             const torch::Tensor& x0, const PointElboConfig& config, const BoundProgress& progress,
                             const std::atomic<bool>* cancel) {
  VariationalBoundConfig bound;
  bound.variance = config.variance;
  bound.clip_x0 = false;  // points have no fixed range
  bound.term_samples = config.term_samples;
  bound.batch_size = config.batch_size;
  bound.seed = config.seed;
  return variational_bound(schedule, denoiser, prediction, x0, bound, gaussian_nll, progress, cancel);
}

}  // namespace dlab
