#include "core/variational_bound.h"

#include <cmath>
#include <stdexcept>

#include "core/parameterization.h"
#include "core/posterior.h"
#include "core/rng.h"
#include "core/sampling_plan.h"

namespace dlab {
namespace {

// Mean over each example's dimensions of a per-element tensor: [N, ...] -> [N], in nats per dimension.
torch::Tensor per_example_mean(const torch::Tensor& nats, int dimensions) {
  return nats.flatten(1).sum(1) / static_cast<double>(dimensions);
}

// The t of the evaluated L_{t-1} terms and the number of t each stands for: all of 2..T, or K of them
// spaced geometrically (the terms are largest and change fastest at small t), each standing for the
// integers in 2..T closer to it than to its neighbours.
void bound_terms(int T, int term_samples, std::vector<int>* terms, std::vector<double>* weights, bool* estimated) {
  if (term_samples == 0 || term_samples >= T - 1) {
    for (int t = 2; t <= T; ++t) terms->push_back(t);
    weights->assign(terms->size(), 1.0);
    *estimated = false;
    return;
  }
  *estimated = true;
  for (int k = 0; k < term_samples; ++k) {
    const double u = term_samples == 1 ? 0.0 : static_cast<double>(k) / (term_samples - 1);
    const int t = static_cast<int>(std::lround(2.0 * std::pow(T / 2.0, u)));  // 2 .. T
    if (terms->empty() || t > terms->back()) terms->push_back(t);
  }
  int low = 2;
  for (std::size_t i = 0; i < terms->size(); ++i) {
    const int high = i + 1 < terms->size() ? ((*terms)[i] + (*terms)[i + 1]) / 2 : T;
    weights->push_back(high - low + 1);
    low = high + 1;
  }
}

}  // namespace

torch::Tensor normal_kl(const torch::Tensor& mean1, const torch::Tensor& log_variance1,
                        const torch::Tensor& mean2, const torch::Tensor& log_variance2) {
  // KL between two Gaussians (improved-diffusion losses.normal_kl), in nats.
  return 0.5 * (-1.0 + log_variance2 - log_variance1 + torch::exp(log_variance1 - log_variance2) +
                (mean1 - mean2).pow(2) * torch::exp(-log_variance2));
}

double model_log_variance(const NoiseSchedule& s, int t, VarianceKind variance) {
  if (variance == VarianceKind::Beta)
    return t == 1 ? std::log(s.beta_tilde(std::min(2, s.timesteps()))) : std::log(s.beta(t));
  if (variance == VarianceKind::BetaTilde) return posterior_log_variance_clipped(s, t);
  throw std::invalid_argument("variational bound: the model variance must be beta-tilde or beta");
}

VariationalBound variational_bound(const NoiseSchedule& s, const Denoiser& denoiser, Prediction prediction,
                                   const torch::Tensor& x0, const VariationalBoundConfig& config,
                                   const DecoderNll& decoder_nll, const BoundProgress& progress,
                                   const std::atomic<bool>* cancel) {
  if (!denoiser) throw std::invalid_argument("variational bound: no denoiser");
  if (!decoder_nll) throw std::invalid_argument("variational bound: no decoder");
  if (x0.dim() < 2 || x0.size(0) < 1)
    throw std::invalid_argument("variational bound: x0 must be [N, ...] with N >= 1");
  if (config.variance != VarianceKind::BetaTilde && config.variance != VarianceKind::Beta)
    throw std::invalid_argument("variational bound: the model variance must be beta-tilde or beta");
  if (config.batch_size < 1) throw std::invalid_argument("variational bound: batch_size must be >= 1");
  if (config.term_samples < 0) throw std::invalid_argument("variational bound: term_samples must be >= 0");
  const int T = s.timesteps();

  VariationalBound result;
  result.examples = x0.size(0);
  result.dimensions = static_cast<int>(x0[0].numel());
  const int dims = result.dimensions;
  std::vector<int> terms;
  std::vector<double> weights;
  bound_terms(T, config.term_samples, &terms, &weights, &result.estimated);
  const int total_work = static_cast<int>(terms.size()) + 1;
  Rng rng(config.seed);
  const auto data = x0.to(torch::kFloat);
  const std::int64_t n = data.size(0);
  const auto cancelled = [cancel] { return cancel && cancel->load(); };

  // The model's mean of p(x_{t-1} | x_t): the posterior mean (Ho et al. 2020, Eq. (7)) at x0_hat.
  auto model_mean = [&](const torch::Tensor& x_t, int t) {
    const double abar = sampling_alpha_bar(s, t);
    torch::Tensor x0_hat = to_eps_and_x0(prediction, denoiser(x_t, t, abar), x_t, abar).x0;
    if (config.clip_x0) x0_hat = x0_hat.clamp(-1.0, 1.0);
    return posterior_mean(s, t, x0_hat, x_t);
  };
  // x_t ~ q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) (Eq. (4)).
  auto diffuse = [&](const torch::Tensor& batch, int t) {
    return s.sqrt_alpha_bar(t) * batch + s.sqrt_one_minus_alpha_bar(t) * rng.normal(batch.sizes());
  };
  // Runs `term` on each batch of the data: [N], nats per dimension of each example.
  auto over_batches = [&](const std::function<torch::Tensor(const torch::Tensor&)>& term) {
    torch::Tensor per_example = torch::zeros({n}, torch::kDouble);
    for (std::int64_t start = 0; start < n; start += config.batch_size) {
      const auto batch = data.narrow(0, start, std::min<std::int64_t>(config.batch_size, n - start));
      per_example.narrow(0, start, batch.size(0)).copy_(per_example_mean(term(batch), dims));
    }
    return per_example;
  };

  // L_T (no network): KL(N(sqrt(abar_T) x_0, 1 - abar_T) || N(0, 1)).
  const double abar_T = s.alpha_bar(T);
  const torch::Tensor prior = per_example_mean(
      normal_kl(std::sqrt(abar_T) * data.to(torch::kDouble), torch::full({1}, std::log1p(-abar_T), torch::kDouble),
                torch::zeros({1}, torch::kDouble), torch::zeros({1}, torch::kDouble)),
      dims);
  result.prior = prior.mean().item<double>();

  // L_{t-1}, t >= 2: KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)), both Gaussian (Eq. (5), (6), (7)).
  int done = 0;
  double diffusion_sum = 0, weight_sum = 0;
  torch::Tensor diffusion_per_example = torch::zeros({n}, torch::kDouble);  // sum of weight x term
  for (std::size_t i = 0; i < terms.size() && !cancelled(); ++i) {
    const int t = terms[i];
    const auto true_log_variance = torch::full({1}, posterior_log_variance_clipped(s, t), torch::kDouble);
    const auto model_log_var = torch::full({1}, model_log_variance(s, t, config.variance), torch::kDouble);
    const torch::Tensor per_example = over_batches([&](const torch::Tensor& batch) {
      const auto x_t = diffuse(batch, t);
      return normal_kl(posterior_mean(s, t, batch, x_t).to(torch::kDouble), true_log_variance,
                       model_mean(x_t, t).to(torch::kDouble), model_log_var);
    });
    diffusion_per_example += weights[i] * per_example;
    const double mean = per_example.mean().item<double>();
    result.timesteps.push_back(t);
    result.term_means.push_back(mean);
    result.term_weights.push_back(weights[i]);
    diffusion_sum += weights[i] * mean;
    weight_sum += weights[i];
    if (progress) progress(++done, total_work);
  }
  // A cancelled run scales what it has to the whole range.
  const double scale = weight_sum > 0 ? static_cast<double>(T - 1) / weight_sum : 0.0;
  result.diffusion = diffusion_sum * scale;
  result.estimated = result.estimated || result.timesteps.size() < terms.size();
  torch::Tensor total_per_example = prior + scale * diffusion_per_example;

  // L_0 = -log p(x_0 | x_1), the decoder at t = 1.
  if (!cancelled()) {
    const double log_variance = model_log_variance(s, 1, config.variance);
    const torch::Tensor decoder = over_batches([&](const torch::Tensor& batch) {
      return decoder_nll(batch, model_mean(diffuse(batch, 1), 1), log_variance);
    });
    result.decoder = decoder.mean().item<double>();
    total_per_example += decoder;
    if (progress) progress(++done, total_work);
  }
  if (n > 1) result.total_standard_error = total_per_example.std().item<double>() / std::sqrt(static_cast<double>(n));
  return result;
}

}  // namespace dlab
