// The trainable denoiser networks, behind one interface so the trainer, checkpoints, the command line
// and the app treat the 2D MLP and the image U-Net alike.
//
// Every network is conditioned on the continuous noise level log-SNR = log(abar/(1 - abar))
// (Kingma et al. 2021, variational diffusion models), not on an integer t of one schedule, so one
// trained model samples under any schedule, T, respacing and sampler.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>

#include "core/names.h"
#include "core/parameterization.h"

namespace dlab {

enum class ModelKind { Mlp, UNet };

template <>
struct EnumNames<ModelKind> {
  static constexpr std::array<EnumEntry<ModelKind>, 2> entries{{
      {ModelKind::Mlp, "mlp", "MLP (2D points)"},
      {ModelKind::UNet, "unet", "U-Net (images)"},
  }};
};

// Everything needed to rebuild a network; saved in checkpoints.
struct ModelSpec {
  ModelKind kind = ModelKind::Mlp;
  Prediction prediction = Prediction::Eps;
  // Data shape of one sample without the batch dimension: {2} for points, {C, H, W} for images.
  std::vector<std::int64_t> data_shape{2};
  int hidden = 128;         // MLP width, or U-Net base channels
  int depth = 3;            // MLP hidden layers, or U-Net resolution levels
  int embedding_dim = 64;   // sinusoidal embedding of log-SNR
  int num_classes = 0;      // > 0: class-conditional with an extra null label num_classes (classifier-free guidance)
  bool attention = false;   // U-Net: self-attention at the lowest resolution
};

class DenoiserNetImpl : public torch::nn::Module {
 public:
  // x_t: [N, data_shape...]; log_snr: [N]; labels: [N] int64 in 0..num_classes (num_classes = null label),
  // or an undefined tensor for unconditional use. Returns the prediction (ModelSpec::prediction) shaped like x_t.
  virtual torch::Tensor forward(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                                const torch::Tensor& labels) = 0;
  virtual const ModelSpec& spec() const = 0;
};

using DenoiserNet = std::shared_ptr<DenoiserNetImpl>;

// Builds the network a spec describes (core/model_factory.cpp); throws std::invalid_argument for a bad spec.
DenoiserNet make_denoiser_net(const ModelSpec& spec);

}  // namespace dlab
