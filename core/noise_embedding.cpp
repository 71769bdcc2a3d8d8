#include "core/noise_embedding.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dlab {

torch::Tensor noise_level_frequencies(int dim, const torch::Device& device) {
  if (dim < 2 || dim % 2 != 0)
    throw std::invalid_argument("noise embedding: dim must be even and >= 2, got " + std::to_string(dim));
  const int half = dim / 2;
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  // w_k = w_min (w_max/w_min)^(k/(h-1)): geometric frequencies (Vaswani et al. 2017, section 3.5).
  const double log_ratio = std::log(kEmbeddingMaxFrequency / kEmbeddingMinFrequency);
  const torch::Tensor frequencies =
      half == 1 ? torch::full({1}, kEmbeddingMinFrequency, options)
                : torch::exp(torch::arange(half, options) * (log_ratio / (half - 1))) * kEmbeddingMinFrequency;
  return frequencies.to(torch::kFloat).to(device);
}

torch::Tensor noise_level_embedding(const torch::Tensor& log_snr, int dim) {
  return noise_level_embedding(log_snr, noise_level_frequencies(dim, log_snr.device()));
}

torch::Tensor noise_level_embedding(const torch::Tensor& log_snr, const torch::Tensor& frequencies) {
  if (log_snr.dim() != 1)
    throw std::invalid_argument("noise embedding: log_snr must have shape [N]");
  const torch::Tensor level = log_snr.to(torch::kFloat).clamp(-kMaxAbsLogSnr, kMaxAbsLogSnr);
  const torch::Tensor phases = level.unsqueeze(1) * frequencies.unsqueeze(0);  // [N, h]
  return torch::cat({torch::sin(phases), torch::cos(phases)}, 1);
}

double log_snr_from_alpha_bar(double alpha_bar) {
  // log SNR = log(abar/(1 - abar)) (Kingma et al. 2021, Eq. (1)); clamped so both ends stay finite.
  const double abar = std::clamp(alpha_bar, kMinEmbeddedAlphaBar, 1.0 - kAlphaBarGap);
  return std::log(abar) - std::log1p(-abar);
}

torch::Tensor log_snr_from_alpha_bar(const torch::Tensor& alpha_bar) {
  const torch::Tensor abar = alpha_bar.to(torch::kDouble).clamp(kMinEmbeddedAlphaBar, 1.0 - kAlphaBarGap);
  return (torch::log(abar) - torch::log1p(-abar)).to(torch::kFloat);
}

}  // namespace dlab
