#include "core/guidance.h"

#include <stdexcept>
#include <string>

#include "core/noise_embedding.h"

namespace dlab {

void validate_guidance_scale(double scale) {
  if (!(scale >= kMinGuidanceScale && scale <= kMaxGuidanceScale))
    throw std::invalid_argument("guidance scale must be in 0..10 (0 unconditional, 1 conditional), got " +
                                std::to_string(scale));
}

torch::Tensor apply_guidance(const torch::Tensor& unconditional, const torch::Tensor& conditional,
                             double scale) {
  // eps~ = eps(null) + w (eps(c) - eps(null)) (Ho & Salimans 2022, Eq. (6), with w = 1 + their w).
  return unconditional + scale * (conditional - unconditional);
}

ConditionalDenoiser make_conditional_denoiser(DenoiserNet net, const torch::Device& device) {
  if (!net) throw std::invalid_argument("guidance: no network");
  if (net->spec().num_classes <= 0)
    throw std::invalid_argument("guidance: the model is not class-conditional (trained without labels)");
  net->eval();
  return [net, device](const torch::Tensor& x_t, int /*t*/, double alpha_bar, const torch::Tensor& labels) {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = x_t.to(device, torch::kFloat);
    // The network sees the noise level as log-SNR (Kingma et al. 2021), not t.
    const torch::Tensor level =
        torch::full({x.size(0)}, static_cast<float>(log_snr_from_alpha_bar(alpha_bar)), x.options());
    return net->forward(x, level, labels.to(device, torch::kLong)).to(x_t.device());
  };
}

Denoiser make_guided_denoiser(ConditionalDenoiser model, torch::Tensor labels, std::int64_t null_label,
                              double scale) {
  validate_guidance_scale(scale);
  if (!model) throw std::invalid_argument("guidance: no model");
  if (!labels.defined() || labels.dim() != 1)
    throw std::invalid_argument("guidance: labels must be a tensor [N] with one class per image");
  labels = labels.to(torch::kCPU, torch::kLong);
  if (labels.numel() > 0 &&
      (labels.min().item<std::int64_t>() < 0 || labels.max().item<std::int64_t>() >= null_label))
    throw std::invalid_argument("guidance: classes must be in 0.." + std::to_string(null_label - 1));
  const torch::Tensor nulls = torch::full_like(labels, null_label);
  return [model = std::move(model), labels, nulls, scale](const torch::Tensor& x_t, int t, double alpha_bar) {
    if (x_t.size(0) != labels.size(0))
      throw std::invalid_argument("guidance: " + std::to_string(labels.size(0)) + " labels for " +
                                  std::to_string(x_t.size(0)) + " images");
    if (scale == 1.0) return model(x_t, t, alpha_bar, labels);
    if (scale == 0.0) return model(x_t, t, alpha_bar, nulls);
    // One batch of 2N: [conditional; unconditional].
    const torch::Tensor both = model(torch::cat({x_t, x_t}, 0), t, alpha_bar, torch::cat({labels, nulls}, 0));
    const auto halves = both.chunk(2, 0);
    return apply_guidance(halves[1], halves[0], scale);
  };
}

Denoiser make_guided_denoiser(DenoiserNet net, torch::Tensor labels, double scale,
                              const torch::Device& device) {
  if (!net) throw std::invalid_argument("guidance: no network");
  const std::int64_t null_label = net->spec().num_classes;
  return make_guided_denoiser(make_conditional_denoiser(std::move(net), device), std::move(labels),
                              null_label, scale);
}

}  // namespace dlab
