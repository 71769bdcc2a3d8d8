// The image denoiser: a small U-Net (Ronneberger et al. 2015) as the DDPM paper uses it (Ho et al. 2020,
// appendix B, after PixelCNN++), conditioned on the noise level and optionally on a class label.
//
//   input conv 3x3 -> for each level l = 0..depth-1: a residual block at channels c_l (kept as a skip),
//   then a stride-2 conv (not after the last level) -> middle: residual block, [self-attention],
//   residual block -> for each level back up: concatenate the skip, a residual block, nearest-neighbour
//   upsampling + conv 3x3 -> GroupNorm, SiLU, conv 3x3 to the image channels.
//
// c_l = hidden * (1, 2, 2, 2, ...)[l] (the DDPM CIFAR-10 multipliers). Residual block (Ho et al. 2020,
// appendix B; Nichol & Dhariwal 2021): h = conv(SiLU(GN(x))); h += W SiLU(emb); h = conv(SiLU(GN(h)));
// out = skip(x) + h, with GroupNorm (Wu & He 2018) and SiLU (Elfwing et al. 2018). The second conv of each
// block, the attention output and the last conv start at zero, so the untrained network is close to the
// identity path and predicts 0 (improved-diffusion's zero_module).
//
// Conditioning: emb = MLP(sinusoidal(log-SNR)) (core/noise_embedding.h) + E[label], with labels
// 0..num_classes-1 and the null label num_classes for classifier-free guidance (Ho & Salimans 2022).
// Any image size works (down-sampling rounds up, up-sampling returns to the skip's size).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "core/denoiser_net.h"

namespace dlab {

// Residual block with the noise/class embedding added between its two convolutions.
class UNetResBlockImpl : public torch::nn::Module {
 public:
  UNetResBlockImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t embedding_channels);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& embedding);

 private:
  torch::nn::GroupNorm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear embedding_projection_{nullptr};
  torch::nn::Conv2d skip_{nullptr};  // 1x1 when the channel count changes
};
TORCH_MODULE(UNetResBlock);

// Single-head self-attention over the pixels (Vaswani et al. 2017; DDPM uses it at 16x16), residual.
class UNetAttentionImpl : public torch::nn::Module {
 public:
  explicit UNetAttentionImpl(std::int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::GroupNorm norm_{nullptr};
  torch::nn::Conv2d qkv_{nullptr}, projection_{nullptr};
};
TORCH_MODULE(UNetAttention);

class UNetDenoiserImpl : public DenoiserNetImpl {
 public:
  // spec.kind must be UNet; data_shape {C, H, W} with C in 1..4 and H, W >= 4; hidden (base channels) in
  // 4..512; depth (resolution levels) in 1..5; embedding_dim even >= 2. Throws std::invalid_argument.
  explicit UNetDenoiserImpl(const ModelSpec& spec);

  // x_t [N, C, H, W]; log_snr [N]; labels [N] in 0..num_classes (num_classes = null label), or undefined:
  // the null label for a class-conditional model. Labels for an unconditional model are an error.
  torch::Tensor forward(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                        const torch::Tensor& labels) override;
  const ModelSpec& spec() const override { return spec_; }

  std::int64_t level_channels(int level) const;  // c_l

 private:
  ModelSpec spec_;
  torch::Tensor frequencies_;  // sinusoidal embedding frequencies, a buffer
  torch::nn::Linear embedding_in_{nullptr}, embedding_out_{nullptr};
  torch::nn::Embedding label_embedding_{nullptr};  // num_classes + 1 rows (the last is the null label)
  torch::nn::Conv2d input_conv_{nullptr};
  torch::nn::ModuleList down_blocks_, downsamplers_, up_blocks_, upsamplers_;
  UNetResBlock middle1_{nullptr}, middle2_{nullptr};
  UNetAttention middle_attention_{nullptr};
  torch::nn::GroupNorm output_norm_{nullptr};
  torch::nn::Conv2d output_conv_{nullptr};
};
TORCH_MODULE(UNetDenoiser);

// Throws std::invalid_argument with what to fix.
void validate_unet_spec(const ModelSpec& spec);

}  // namespace dlab
