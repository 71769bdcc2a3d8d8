#include "core/bits_per_dim.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/posterior.h"
#include "core/rng.h"

namespace dlab {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

// Phi(z) = 0.5 (1 + erf(z / sqrt(2))), exact rather than improved-diffusion's tanh approximation.
torch::Tensor standard_normal_cdf(const torch::Tensor& z) {
  return 0.5 * (1.0 + torch::erf(z * M_SQRT1_2));
}

// The model's log variance at t: log beta~_t (clipped at t = 1 to t = 2's value) or log beta_t (with
// beta~_2 at t = 1), as improved-diffusion's FIXED_SMALL and FIXED_LARGE.
double model_log_variance(const NoiseSchedule& s, int t, VarianceKind variance) {
  if (variance == VarianceKind::Beta)
    return t == 1 ? std::log(s.beta_tilde(std::min(2, s.timesteps()))) : std::log(s.beta(t));
  return posterior_log_variance_clipped(s, t);
}

// Mean over the images of a per-element tensor summed over each image's dimensions, in bits/dim.
torch::Tensor per_image_bits(const torch::Tensor& nats, int dimensions) {
  return nats.flatten(1).sum(1) / (dimensions * kLn2);
}

}  // namespace

torch::Tensor normal_kl(const torch::Tensor& mean1, const torch::Tensor& log_variance1,
                        const torch::Tensor& mean2, const torch::Tensor& log_variance2) {
  // KL between two Gaussians (improved-diffusion losses.normal_kl), in nats.
  return 0.5 * (-1.0 + log_variance2 - log_variance1 + torch::exp(log_variance1 - log_variance2) +
                (mean1 - mean2).pow(2) * torch::exp(-log_variance2));
}

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
  if (!denoiser) throw std::invalid_argument("bits/dim: no denoiser");
  if (x0.dim() < 2 || x0.size(0) < 1)
    throw std::invalid_argument("bits/dim: x0 must be [N, ...] with N >= 1");
  if (config.variance != VarianceKind::BetaTilde && config.variance != VarianceKind::Beta)
    throw std::invalid_argument("bits/dim: the model variance must be beta-tilde or beta");
  if (config.batch_size < 1) throw std::invalid_argument("bits/dim: batch_size must be >= 1");
  const int T = s.timesteps();
  if (config.term_samples < 0) throw std::invalid_argument("bits/dim: term_samples must be >= 0");

  BitsPerDimResult result;
  result.images = x0.size(0);
  result.dimensions = static_cast<int>(x0[0].numel());
  const int dims = result.dimensions;

  // The t of the evaluated L_{t-1} terms: all of 2..T, or K of them spaced geometrically (the terms are
  // largest and change fastest at small t), each standing for the integer t nearest to it.
  std::vector<int> terms;
  std::vector<double> weights;
  if (config.term_samples == 0 || config.term_samples >= T - 1) {
    for (int t = 2; t <= T; ++t) terms.push_back(t);
    weights.assign(terms.size(), 1.0);
  } else {
    result.estimated = true;
    const int k_max = config.term_samples;
    for (int k = 0; k < k_max; ++k) {
      const double u = k_max == 1 ? 0.0 : static_cast<double>(k) / (k_max - 1);
      const int t = static_cast<int>(std::lround(2.0 * std::pow(T / 2.0, u)));  // 2 .. T
      if (terms.empty() || t > terms.back()) terms.push_back(t);
    }
    // Weight of each evaluated t: the number of integers in 2..T closer to it than to its neighbours.
    int low = 2;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const int high = i + 1 < terms.size() ? (terms[i] + terms[i + 1]) / 2 : T;
      weights.push_back(high - low + 1);
      low = high + 1;
    }
  }
  const int total_work = static_cast<int>(terms.size()) + 1;
  Rng rng(config.seed);
  const auto data = x0.to(torch::kFloat);
  const std::int64_t n = data.size(0);

  // One model step from t: (mean, log variance) of p(x_{t-1} | x_t), and the true posterior mean.
  auto model_mean = [&](const torch::Tensor& x_t, int t) {
    const torch::Tensor output = denoiser(x_t, t, s.alpha_bar(t));
    torch::Tensor x0_hat = to_eps_and_x0(prediction, output, x_t, s.alpha_bar(t)).x0;
    if (config.clip_x0) x0_hat = x0_hat.clamp(-1.0, 1.0);
    return posterior_mean(s, t, x0_hat, x_t);  // Ho et al. 2020, Eq. (7) at x0_hat
  };

  // L_T (no network): KL(N(sqrt(abar_T) x0, 1 - abar_T) || N(0, 1)).
  {
    const double abar = s.alpha_bar(T);
    const auto kl = normal_kl(std::sqrt(abar) * data.to(torch::kDouble),
                              torch::full({1}, std::log1p(-abar), torch::kDouble),
                              torch::zeros({1}, torch::kDouble), torch::zeros({1}, torch::kDouble));
    result.prior = per_image_bits(kl, dims).mean().item<double>();
  }

  int done = 0;
  double diffusion_sum = 0, weight_sum = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const int t = terms[i];
    if (cancel && cancel->load()) break;
    torch::Tensor bits = torch::zeros({n}, torch::kDouble);
    for (std::int64_t start = 0; start < n; start += config.batch_size) {
      const auto batch = data.narrow(0, start, std::min<std::int64_t>(config.batch_size, n - start));
      const auto eps = rng.normal(batch.sizes());
      const auto x_t = s.sqrt_alpha_bar(t) * batch + s.sqrt_one_minus_alpha_bar(t) * eps;  // Eq. (4)
      const auto true_mean = posterior_mean(s, t, batch, x_t);
      const auto kl = normal_kl(true_mean.to(torch::kDouble),
                                torch::full({1}, posterior_log_variance_clipped(s, t), torch::kDouble),
                                model_mean(x_t, t).to(torch::kDouble),
                                torch::full({1}, model_log_variance(s, t, config.variance), torch::kDouble));
      bits.narrow(0, start, batch.size(0)).copy_(per_image_bits(kl, dims));
    }
    const double mean_bits = bits.mean().item<double>();
    result.timesteps.push_back(t);
    result.term_means.push_back(mean_bits);
    result.term_weights.push_back(weights[i]);
    diffusion_sum += weights[i] * mean_bits;
    weight_sum += weights[i];
    if (progress) progress(++done, total_work);
  }
  // A cancelled run scales what it has to the whole range.
  if (weight_sum > 0) result.diffusion = diffusion_sum * static_cast<double>(T - 1) / weight_sum;
  result.estimated = result.estimated || result.timesteps.size() < terms.size();

  // L_0 = -log p(x_0 | x_1): the discretised Gaussian decoder at t = 1.
  if (!(cancel && cancel->load())) {
    torch::Tensor bits = torch::zeros({n}, torch::kDouble);
    const double log_scale = 0.5 * model_log_variance(s, 1, config.variance);
    for (std::int64_t start = 0; start < n; start += config.batch_size) {
      const auto batch = data.narrow(0, start, std::min<std::int64_t>(config.batch_size, n - start));
      const auto x_1 =
          s.sqrt_alpha_bar(1) * batch + s.sqrt_one_minus_alpha_bar(1) * rng.normal(batch.sizes());
      const auto log_likelihood = discretized_gaussian_log_likelihood(
          batch, model_mean(x_1, 1), torch::full({1}, log_scale, torch::kDouble));
      bits.narrow(0, start, batch.size(0)).copy_(per_image_bits(-log_likelihood, dims));
    }
    result.decoder = bits.mean().item<double>();
    if (progress) progress(++done, total_work);
  }
  return result;
}

}  // namespace dlab
