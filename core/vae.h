// A variational autoencoder (Kingma & Welling 2014) with a two-dimensional latent space, for latent
// diffusion in the plane (issue 12; the notes' last part: encoder, generation model on a latent
// representation, decoder). On 28x28 grayscale images in [-1, 1]:
//
//   encoder  784 -> hidden -> hidden/2 -> (mean, log variance) of q(z | x) = N(mean, diag(exp(log variance)))
//   decoder  2 -> hidden/2 -> hidden -> 784 Bernoulli logits of p(x | z) on the pixels scaled to [0, 1]
//
// Trained on the negative ELBO (Kingma & Welling 2014, Eq. (10) with Appendix B's closed-form KL):
//   -ELBO = -E_q[log p(x | z)] + KL(q(z | x) || N(0, I)),  KL = -1/2 sum(1 + log s^2 - m^2 - s^2),
// with one reparameterised sample z = m + s * e, e ~ N(0, I) per image (Eq. (11)). Training weights the KL
// term by beta (-ELBO_beta = -E_q[log p(x | z)] + beta KL; Higgins et al. 2017 take beta > 1, latent
// diffusion beta << 1: Rombach et al. 2022, Sec. 3 "KL-reg"): below 1 the reconstructions get sharper and the
// codes' distribution departs from N(0, I), which a diffusion model in the plane can follow and the prior
// cannot. Saved in its own small format (magic "DLABVAE2", the sizes, the KL weight, the class names, the
// tensors, an FNV-1a checksum), written atomically, independent of LibTorch's serialisation, like the
// classifier's.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/image_datasets.h"

namespace dlab {

constexpr int kVaeLatentDim = 2;
constexpr int kVaeImageSize = 28;
// The shipped VAE (assets/models, or $DLAB_MODELS_DIR): shipped_model_path(kShippedVaeFile).
constexpr const char* kShippedVaeFile = "vae-fashion-mnist.vae";

// beta of the shipped VAE (README "Latent diffusion": the sweep that chose it) and the largest accepted.
constexpr double kVaeDefaultKlWeight = 0.1;
constexpr double kVaeMaxKlWeight = 100.0;

struct VaePosterior {
  torch::Tensor mean;          // [N, 2]
  torch::Tensor log_variance;  // [N, 2]
};

class VaeImpl : public torch::nn::Module {
 public:
  // hidden >= 4 (even); throws std::invalid_argument.
  explicit VaeImpl(int hidden = 128);
  VaePosterior encode(const torch::Tensor& images);         // [N, 1, 28, 28] in [-1, 1]
  torch::Tensor decode_logits(const torch::Tensor& codes);  // [N, 2] -> [N, 784] Bernoulli logits
  int hidden() const { return hidden_; }

 private:
  int hidden_;
  torch::nn::Linear enc1_{nullptr}, enc2_{nullptr}, enc_mean_{nullptr}, enc_log_variance_{nullptr};
  torch::nn::Linear dec1_{nullptr}, dec2_{nullptr}, dec3_{nullptr};
};
TORCH_MODULE(Vae);

struct VaeTrainConfig {
  int hidden = 128;
  int epochs = 60;
  int batch_size = 128;
  double learning_rate = 1e-3;             // Adam (Kingma & Ba 2015)
  double kl_weight = kVaeDefaultKlWeight;  // beta of -ELBO_beta; in (0, kVaeMaxKlWeight]
  std::uint64_t seed = 0;
};

struct VaeModel {
  Vae net{nullptr};
  std::string dataset;                   // what it was trained on ("fashion-mnist")
  std::vector<std::string> class_names;  // of that data set
  int epochs = 0;
  double kl_weight = 1.0;  // beta it was trained with
  double test_negative_elbo =
      -1;  // nats per image on the test set, measured after training (-1: not measured)
};

// The terms of the negative ELBO, each averaged over the batch (nats per image); total = reconstruction +
// kl_weight * kl (the true -ELBO at kl_weight 1).
struct VaeLossTerms {
  torch::Tensor total, reconstruction, kl;
};
VaeLossTerms vae_loss(Vae& net, const torch::Tensor& images, at::Generator& generator,
                      double kl_weight = 1.0);
// KL(q(z | x) || N(0, I)) of each image [N] in closed form (Kingma & Welling 2014, Appendix B).
torch::Tensor kl_to_standard_normal(const VaePosterior& posterior);

// (epoch, batch, batches per epoch, running loss).
using VaeProgress = std::function<void(int, int, int, double)>;

// Trains on 28x28 grayscale images with Adam. Throws std::invalid_argument for another image shape.
VaeModel train_vae(const ImageDataset& train, const VaeTrainConfig& config = {},
                   const VaeProgress& progress = {});

// The true negative ELBO (beta = 1, whatever beta trained the VAE) in nats per image on a data set (one
// sample of z per image, fixed seed), no autograd.
double vae_negative_elbo(VaeModel& vae, const ImageDataset& data, std::uint64_t seed = 0);

// Posterior means [N, 2] (float32, CPU) of images [N, 1, 28, 28], in batches, no autograd.
torch::Tensor vae_encode(VaeModel& vae, const torch::Tensor& images, std::int64_t batch = 1000);
// Decoded images [N, 1, 28, 28] in [-1, 1] (the Bernoulli means, scaled) of codes [N, 2], no autograd.
torch::Tensor vae_decode(VaeModel& vae, const torch::Tensor& codes, std::int64_t batch = 1000);

void save_vae(const std::string& path, const VaeModel& vae);  // atomic; runtime_error naming path
VaeModel load_vae(const std::string& path);  // runtime_error naming the path and what is wrong

}  // namespace dlab
