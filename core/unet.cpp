#include "core/unet.h"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/noise_embedding.h"

namespace dlab {
namespace {

constexpr int kMaxGroups = 8;

// The largest group count <= 8 that divides the channels (GroupNorm needs it to divide).
std::int64_t groups_for(std::int64_t channels) {
  return std::gcd<std::int64_t>(channels, kMaxGroups);
}

torch::nn::GroupNorm group_norm(std::int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups_for(channels), channels));
}

torch::nn::Conv2d conv3x3(std::int64_t in, std::int64_t out, std::int64_t stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

torch::nn::Conv2d conv1x1(std::int64_t in, std::int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1));
}

// improved-diffusion's zero_module: a residual branch that starts as 0 leaves the block an identity.
void zero_parameters(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& parameter : module.parameters()) parameter.zero_();
}

}  // namespace

void validate_unet_spec(const ModelSpec& spec) {
  if (spec.kind != ModelKind::UNet) throw std::invalid_argument("unet: ModelSpec::kind must be 'unet'");
  if (spec.data_shape.size() != 3)
    throw std::invalid_argument("unet: data_shape must be {channels, height, width}");
  if (spec.data_shape[0] < 1 || spec.data_shape[0] > 4)
    throw std::invalid_argument("unet: images must have 1..4 channels, got " +
                                std::to_string(spec.data_shape[0]));
  if (spec.data_shape[1] < 4 || spec.data_shape[2] < 4)
    throw std::invalid_argument("unet: images must be at least 4x4 pixels");
  if (spec.hidden < 4 || spec.hidden > 512)
    throw std::invalid_argument("unet: hidden (base channels) must be in 4..512, got " +
                                std::to_string(spec.hidden));
  if (spec.depth < 1 || spec.depth > 5)
    throw std::invalid_argument("unet: depth (resolution levels) must be in 1..5, got " +
                                std::to_string(spec.depth));
  if (spec.embedding_dim < 2 || spec.embedding_dim > 65536 || spec.embedding_dim % 2 != 0)
    throw std::invalid_argument("unet: embedding_dim must be even and in 2..65536, got " +
                                std::to_string(spec.embedding_dim));
  if (spec.num_classes < 0 || spec.num_classes > 100000)
    throw std::invalid_argument("unet: num_classes must be in 0..100000, got " +
                                std::to_string(spec.num_classes));
}

// ---- residual block ----------------------------------------------------------------------------
UNetResBlockImpl::UNetResBlockImpl(std::int64_t in_channels, std::int64_t out_channels,
                                   std::int64_t embedding_channels) {
  norm1_ = register_module("norm1", group_norm(in_channels));
  conv1_ = register_module("conv1", conv3x3(in_channels, out_channels));
  embedding_projection_ = register_module("embedding", torch::nn::Linear(embedding_channels, out_channels));
  norm2_ = register_module("norm2", group_norm(out_channels));
  conv2_ = register_module("conv2", conv3x3(out_channels, out_channels));
  zero_parameters(*conv2_);
  if (in_channels != out_channels) skip_ = register_module("skip", conv1x1(in_channels, out_channels));
}

torch::Tensor UNetResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& embedding) {
  // h = conv(SiLU(GN(x))) + W SiLU(emb); out = skip(x) + conv(SiLU(GN(h))) (Ho et al. 2020, appendix B).
  torch::Tensor h = conv1_->forward(torch::silu(norm1_->forward(x)));
  h = h + embedding_projection_->forward(torch::silu(embedding)).unsqueeze(-1).unsqueeze(-1);
  h = conv2_->forward(torch::silu(norm2_->forward(h)));
  return (skip_ ? skip_->forward(x) : x) + h;
}

// ---- self-attention ----------------------------------------------------------------------------
UNetAttentionImpl::UNetAttentionImpl(std::int64_t channels) {
  norm_ = register_module("norm", group_norm(channels));
  qkv_ = register_module("qkv", conv1x1(channels, 3 * channels));
  projection_ = register_module("projection", conv1x1(channels, channels));
  zero_parameters(*projection_);
}

torch::Tensor UNetAttentionImpl::forward(const torch::Tensor& x) {
  const auto n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const auto qkv = qkv_->forward(norm_->forward(x)).reshape({n, 3, c, h * w});
  const auto q = qkv.select(1, 0), k = qkv.select(1, 1), v = qkv.select(1, 2);  // [N, C, HW]
  // softmax(Q^T K / sqrt(C)) over the keys (Vaswani et al. 2017, Eq. (1)).
  const auto weights =
      torch::softmax(torch::bmm(q.transpose(1, 2), k) / std::sqrt(static_cast<double>(c)), -1);
  const auto attended = torch::bmm(v, weights.transpose(1, 2)).reshape({n, c, h, w});  // [N, C, HW]
  return x + projection_->forward(attended);
}

// ---- the U-Net ---------------------------------------------------------------------------------
std::int64_t UNetDenoiserImpl::level_channels(int level) const {
  return static_cast<std::int64_t>(spec_.hidden) * (level == 0 ? 1 : 2);  // DDPM multipliers (1, 2, 2, 2)
}

UNetDenoiserImpl::UNetDenoiserImpl(const ModelSpec& spec) : spec_(spec) {
  validate_unet_spec(spec_);
  const std::int64_t image_channels = spec_.data_shape[0];
  const std::int64_t embedding_channels = 4 * spec_.hidden;  // as in DDPM: 4x the base channels
  frequencies_ = register_buffer("frequencies", noise_level_frequencies(spec_.embedding_dim));
  embedding_in_ = register_module("embedding_in", torch::nn::Linear(spec_.embedding_dim, embedding_channels));
  embedding_out_ =
      register_module("embedding_out", torch::nn::Linear(embedding_channels, embedding_channels));
  if (spec_.num_classes > 0)
    label_embedding_ =
        register_module("label_embedding", torch::nn::Embedding(spec_.num_classes + 1, embedding_channels));
  input_conv_ = register_module("input_conv", conv3x3(image_channels, level_channels(0)));

  std::int64_t channels = level_channels(0);
  for (int level = 0; level < spec_.depth; ++level) {
    down_blocks_->push_back(UNetResBlock(channels, level_channels(level), embedding_channels));
    channels = level_channels(level);
    if (level + 1 < spec_.depth) downsamplers_->push_back(conv3x3(channels, channels, 2));
  }
  middle1_ = register_module("middle1", UNetResBlock(channels, channels, embedding_channels));
  if (spec_.attention) middle_attention_ = register_module("middle_attention", UNetAttention(channels));
  middle2_ = register_module("middle2", UNetResBlock(channels, channels, embedding_channels));
  for (int level = spec_.depth - 1; level >= 0; --level) {
    up_blocks_->push_back(
        UNetResBlock(channels + level_channels(level), level_channels(level), embedding_channels));
    channels = level_channels(level);
    if (level > 0) upsamplers_->push_back(conv3x3(channels, channels));
  }
  register_module("down_blocks", down_blocks_);
  register_module("downsamplers", downsamplers_);
  register_module("up_blocks", up_blocks_);
  register_module("upsamplers", upsamplers_);
  output_norm_ = register_module("output_norm", group_norm(channels));
  output_conv_ = register_module("output_conv", conv3x3(channels, image_channels));
  zero_parameters(*output_conv_);
}

torch::Tensor UNetDenoiserImpl::forward(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                                        const torch::Tensor& labels) {
  const auto& shape = spec_.data_shape;
  if (x_t.dim() != 4 || x_t.size(1) != shape[0] || x_t.size(2) != shape[1] || x_t.size(3) != shape[2])
    throw std::invalid_argument("unet: x_t must have shape [N, " + std::to_string(shape[0]) + ", " +
                                std::to_string(shape[1]) + ", " + std::to_string(shape[2]) + "]");
  const auto batch = x_t.size(0);
  if (log_snr.dim() != 1 || log_snr.size(0) != batch)
    throw std::invalid_argument("unet: log_snr must have shape [N] with N = x_t.size(0)");
  const bool has_labels = labels.defined() && labels.numel() > 0;
  if (has_labels && spec_.num_classes == 0)
    throw std::invalid_argument("unet: this model is unconditional; pass no labels");
  if (has_labels && (labels.dim() != 1 || labels.size(0) != batch))
    throw std::invalid_argument("unet: labels must have shape [N] with N = x_t.size(0)");

  // emb = MLP(sinusoidal(log SNR)) + E[label] (Ho et al. 2020, appendix B; Ho & Salimans 2022).
  torch::Tensor embedding = embedding_out_->forward(
      torch::silu(embedding_in_->forward(noise_level_embedding(log_snr, frequencies_))));
  if (spec_.num_classes > 0) {
    const torch::Tensor label_ids =
        has_labels ? labels.to(torch::kLong)
                   : torch::full({batch}, spec_.num_classes,
                                 torch::TensorOptions().dtype(torch::kLong).device(x_t.device()));
    embedding = embedding + label_embedding_->forward(label_ids);
  }

  torch::Tensor h = input_conv_->forward(x_t);
  std::vector<torch::Tensor> skips;
  for (int level = 0; level < spec_.depth; ++level) {
    h = down_blocks_[level]->as<UNetResBlock>()->forward(h, embedding);
    skips.push_back(h);
    if (level + 1 < spec_.depth) h = downsamplers_[level]->as<torch::nn::Conv2d>()->forward(h);
  }
  h = middle1_->forward(h, embedding);
  if (middle_attention_) h = middle_attention_->forward(h);
  h = middle2_->forward(h, embedding);
  for (int i = 0; i < spec_.depth; ++i) {
    h = up_blocks_[i]->as<UNetResBlock>()->forward(torch::cat({h, skips.back()}, 1), embedding);
    skips.pop_back();
    if (!skips.empty()) {
      const auto& next = skips.back();
      h = torch::nn::functional::interpolate(h,
                                             torch::nn::functional::InterpolateFuncOptions()
                                                 .size(std::vector<std::int64_t>{next.size(2), next.size(3)})
                                                 .mode(torch::kNearest));
      h = upsamplers_[i]->as<torch::nn::Conv2d>()->forward(h);
    }
  }
  return output_conv_->forward(torch::silu(output_norm_->forward(h)));
}

}  // namespace dlab
