#include "core/bits_per_dim.h"

#include <cmath>

namespace dlab {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

// Phi(z) = 0.5 (1 + erf(z / sqrt(2))), exact rather than improved-diffusion's tanh approximation.
torch::Tensor standard_normal_cdf(const torch::Tensor& z) {
  return 0.5 * (1.0 + torch::erf(z * M_SQRT1_2));
}

}  // namespace

torch::Tensor discretized_gaussian_log_likelihood(const torch::Tensor& x, const torch::Tensor& mean,
                                                  const torch::Tensor& log_scale) {
  const auto xd = x.to(torch::kDouble), md = mean.to(torch::kDouble), sd = log_scale.to(torch::kDouble);
  const auto centered = xd - md;
  const auto inverse_std = torch::exp(-sd);
  const auto cdf_plus = standard_normal_cdf(inverse_std * (centered + 1.0 / 255.0));
  const auto cdf_minus = standard_normal_cdf(inverse_std * (centered - 1.0 / 255.0));
  const auto log_cdf_plus = torch::log(cdf_plus.clamp_min(1e-12));
  const auto log_one_minus_cdf_minus = torch::log((1.0 - cdf_minus).clamp_min(1e-12));
  const auto log_delta = torch::log((cdf_plus - cdf_minus).clamp_min(1e-12));
  // Edge bins take all the mass beyond them (improved-diffusion losses.discretized_gaussian_log_likelihood).
  return torch::where(xd < -0.999, log_cdf_plus,
                      torch::where(xd > 0.999, log_one_minus_cdf_minus, log_delta));
}

BitsPerDimResult bits_per_dim(const NoiseSchedule& s, const Denoiser& denoiser, Prediction prediction,
                              const torch::Tensor& x0, const BitsPerDimConfig& config,
                              const BitsPerDimProgress& progress, const std::atomic<bool>* cancel) {
  // L_0: the discretised Gaussian decoder, N(mean, exp(log_variance)) over the pixel bins.
  const DecoderNll decoder = [](const torch::Tensor& x, const torch::Tensor& mean, double log_variance) {
    return -discretized_gaussian_log_likelihood(x, mean, torch::full({1}, 0.5 * log_variance, torch::kDouble));
  };
  BitsPerDimResult result = variational_bound(s, denoiser, prediction, x0, config, decoder, progress, cancel);
  // Nats per dimension to bits per dimension.
  result.prior /= kLn2;
  result.diffusion /= kLn2;
  result.decoder /= kLn2;
  result.total_standard_error /= kLn2;
  for (double& term : result.term_means) term /= kLn2;
  return result;
}

}  // namespace dlab
