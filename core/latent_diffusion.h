// Latent diffusion in the plane (issue 12): the shipped VAE's codes of the Fashion-MNIST test images are a
// 2D data set (Dataset2D::FashionMnistLatent, "fashion-mnist-latent"), diffused and sampled like the toy
// sets; decoding the codes turns points back into garments. And the notes' comparison, VAE against
// diffusion: images decoded from the prior z ~ N(0, I) against images decoded from latent-diffusion samples,
// each with its Frechet distance (core/frechet.h, the project's classifier's features) to the test images.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/vae.h"

namespace dlab {

// A shipped file: $DLAB_MODELS_DIR/<file> when that variable is set and not empty, else the source tree's
// assets/models/<file>.
std::string shipped_model_path(const std::string& file);

// The codes of every Fashion-MNIST training image (posterior means under the shipped VAE) with their
// classes: the data the VAE and the latent diffusion model were fitted to, so that the test images stay
// held out for the Frechet distances below.
struct LatentCodes {
  torch::Tensor codes;   // [60000, 2] float32
  torch::Tensor labels;  // [60000] int64
  std::vector<std::string> class_names;
  std::string vae_path;  // the VAE that encoded them
};
// Loaded and encoded once per process (thread-safe; later calls return the same object). Throws
// std::runtime_error saying what to install or ship when the VAE file or Fashion-MNIST is missing.
std::shared_ptr<const LatentCodes> shipped_latent_codes();
// The shipped VAE, loaded once (thread-safe). Same errors.
std::shared_ptr<VaeModel> shipped_vae();

// The draw sample_dataset(FashionMnistLatent, n, seed) makes: n indices into LatentCodes (without replacement
// when n <= available, with replacement otherwise), deterministic for the seed.
torch::Tensor latent_draw_indices(std::int64_t available, std::int64_t n, std::uint64_t seed);

// VAE against diffusion. `diffusion_codes` [N, 2] are latent-diffusion samples (a finished reverse run's
// x_0); the prior codes are N fresh draws of z ~ N(0, I) from SeedStream::PriorCodes of `seed`. Both sets are
// decoded and compared with the 10,000 test images through the classifier's features (the classifier and
// the test statistics are kept for the last classifier path; calls are serialised). Throws
// std::runtime_error naming a missing file, std::invalid_argument for codes that are not [N >= 2, 2].
struct VaeVersusDiffusion {
  torch::Tensor prior_codes;           // [N, 2]
  torch::Tensor prior_images;          // [N, 1, 28, 28] in [-1, 1]
  torch::Tensor diffusion_images;      // [N, 1, 28, 28] in [-1, 1]
  double prior_frechet = -1;           // Frechet distance of the decoded prior samples to the test images
  double diffusion_frechet = -1;       // of the decoded diffusion samples
  double reconstruction_frechet = -1;  // of the decoded codes of N test images: the decoder's own floor
  // In the latent plane, before decoding: the energy distance (core/metrics.h) of each set of codes to the
  // codes of those N test images, where the prior's mismatch with the codes shows directly.
  double prior_code_energy = -1;
  double diffusion_code_energy = -1;
};
VaeVersusDiffusion compare_vae_and_diffusion(VaeModel& vae, const torch::Tensor& diffusion_codes,
                                             std::uint64_t seed, const std::string& classifier_path);

}  // namespace dlab
