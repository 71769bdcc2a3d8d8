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
#include "core/samplers.h"

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
// Same with the initial weights drawn from `init_seed`: LibTorch's layers initialise from the global CPU
// generator, which is seeded for the construction and then given its previous state back.
DenoiserNet make_denoiser_net(const ModelSpec& spec, std::uint64_t init_seed);

// Output parameterisation for networks: the last layer predicts v (Salimans & Ho 2022, section 4), and
// the identities of REFERENCE section 5 turn it into the prediction the spec asks for, with
// abar = sigmoid(log SNR):
//   eps = sqrt(1 - abar) x_t + sqrt(abar) v,   x0 = sqrt(abar) x_t - sqrt(1 - abar) v,   v = v.
// The loss is still taken on that prediction (L_simple on eps by default), so the optimum is unchanged;
// what changes is conditioning: at low SNR eps_hat -> x_t exactly, and the x0_hat a sampler derives,
// (x_t - sqrt(1 - abar) eps_hat)/sqrt(abar) = sqrt(abar) x_t - sqrt(1 - abar) v, stays bounded instead of
// amplifying the network's error by 1/sqrt(abar) (about 20,000 at the cosine schedule's t = T).
// x_t: [N, ...]; log_snr: [N]; v: like x_t.
torch::Tensor prediction_from_v_output(Prediction prediction, const torch::Tensor& x_t, const torch::Tensor& log_snr,
                                       const torch::Tensor& v);

// A sampler's Denoiser (core/samplers.h) backed by a network: log-SNR from abar (core/noise_embedding.h),
// eval mode, no autograd, batches of at most max_batch rows on `device` (the network's), the result back
// on x_t's device. A class-conditional network gets the null label here; for labels and classifier-free
// guidance see core/guidance.h. The returned function holds `net`; do not train that network meanwhile.
Denoiser make_network_denoiser(DenoiserNet net, const torch::Device& device, std::int64_t max_batch = 65536);

}  // namespace dlab
