// The denoiser for 2D points (and any flat data): a residual MLP over the noisy point and the
// sinusoidal embedding of log-SNR (core/noise_embedding.h).
//
//   h_0 = W_in [x_t, emb(log SNR)]                       (input layer)
//   h_k = h_{k-1} + W_k SiLU(h_{k-1}),  k = 1..depth     (pre-activation residual blocks, He et al. 2016)
//   v   = W_out SiLU(h_depth)                            (the output layer predicts v ...)
//   out = prediction_from_v_output(v)                    (... turned into ModelSpec::prediction, denoiser_net.h)
//
// SiLU (Elfwing et al. 2018) as in the DDPM U-Net. Defaults (ModelSpec): 3 blocks of width 128,
// embedding of 64 dimensions: 58,370 parameters.
#pragma once

#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "core/denoiser_net.h"

namespace dlab {

class MlpDenoiserImpl : public DenoiserNetImpl {
 public:
  explicit MlpDenoiserImpl(const ModelSpec& spec);  // throws std::invalid_argument for a bad spec

  // x_t: [N, data_shape...] (flattened internally); log_snr: [N]; labels are ignored (must be undefined
  // or num_classes must be 0).
  torch::Tensor forward(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                        const torch::Tensor& labels) override;
  const ModelSpec& spec() const override { return spec_; }

 private:
  ModelSpec spec_;
  std::int64_t data_dim_ = 0;
  torch::nn::Linear input_layer_{nullptr};
  std::vector<torch::nn::Linear> blocks_;
  torch::nn::Linear output_layer_{nullptr};
  torch::Tensor frequencies_;  // noise_level_frequencies, a buffer so it moves with the module
};

TORCH_MODULE(MlpDenoiser);

}  // namespace dlab
