#include "core/latent_diffusion.h"

#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "core/classifier.h"
#include "core/frechet.h"
#include "core/image_datasets.h"
#include "core/metrics.h"
#include "core/rng.h"
#include "core/seed_streams.h"

namespace dlab {
namespace {

const char* models_dir_override() {
  const char* dir = std::getenv("DLAB_MODELS_DIR");
  return dir && *dir ? dir : nullptr;
}

// What to do about a missing shipped file, in words for the command line and the app.
std::string missing_vae_message(const std::string& path) {
  std::string message = "the Fashion-MNIST latent codes need the VAE " + path +
                        ", which is missing; train one with `dlab train-vae --out " + path + "`";
  if (models_dir_override())
    message += " or unset DLAB_MODELS_DIR (it points the shipped models to " +
               std::string(models_dir_override()) + ")";
  return message;
}

void require_fashion_mnist() {
  if (!fashion_mnist_available())
    throw std::runtime_error(std::string("the Fashion-MNIST latent codes need Fashion-MNIST, not found in ") +
                             kFashionMnistDir +
                             "; install the Debian package dataset-fashion-mnist (sudo apt install "
                             "dataset-fashion-mnist)");
}

// The feature classifier and its statistics of the test images, kept for the last classifier path: the
// app compares again and again with the same one. Guarded by `mutex` (the classifier's forward is not
// shared across threads).
struct TestReference {
  std::mutex mutex;
  std::string path;
  Classifier classifier;
  GaussianStatistics test_statistics;
  torch::Tensor test_images;
};

TestReference& test_reference() {
  static TestReference reference;
  return reference;
}

}  // namespace

std::string shipped_model_path(const std::string& file) {
  const char* dir = models_dir_override();
  return (dir ? std::string(dir) : std::string(DLAB_ASSETS_DIR) + "/models") + "/" + file;
}

std::shared_ptr<VaeModel> shipped_vae() {
  static std::mutex mutex;
  static std::string loaded_path;
  static std::shared_ptr<VaeModel> loaded;
  const std::string path = shipped_model_path(kShippedVaeFile);
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded && loaded_path == path) return loaded;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw std::runtime_error(missing_vae_message(path));
  loaded = std::make_shared<VaeModel>(load_vae(path));
  loaded_path = path;
  return loaded;
}

std::shared_ptr<const LatentCodes> shipped_latent_codes() {
  static std::mutex mutex;
  static std::shared_ptr<const LatentCodes> loaded;
  const std::string path = shipped_model_path(kShippedVaeFile);
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded && loaded->vae_path == path) return loaded;
  const auto vae = shipped_vae();
  require_fashion_mnist();
  const ImageDataset train = load_fashion_mnist(ImageSplit::Train);
  auto codes = std::make_shared<LatentCodes>();
  codes->codes = vae_encode(*vae, train.images);
  codes->labels = train.labels;
  codes->class_names = train.class_names;
  codes->vae_path = path;
  loaded = codes;
  return loaded;
}

torch::Tensor latent_draw_indices(std::int64_t available, std::int64_t n, std::uint64_t seed) {
  if (available < 1 || n < 1) throw std::invalid_argument("latent draw: needs at least one code and n >= 1");
  torch::NoGradGuard no_grad;
  Rng rng(seed);
  // Without replacement when there are enough codes, with replacement otherwise (as resolve_points for a
  // CSV).
  return n <= available ? torch::randperm(available, rng.generator(), torch::kLong).narrow(0, 0, n)
                        : rng.randint(available, {n});
}

VaeVersusDiffusion compare_vae_and_diffusion(VaeModel& vae, const torch::Tensor& diffusion_codes,
                                             std::uint64_t seed, const std::string& classifier_path) {
  if (!diffusion_codes.defined() || diffusion_codes.dim() != 2 || diffusion_codes.size(1) != kVaeLatentDim ||
      diffusion_codes.size(0) < 2)
    throw std::invalid_argument(
        "VAE against diffusion: the diffusion samples must be [N, 2] codes with N >= 2");
  const std::int64_t n = diffusion_codes.size(0);
  torch::NoGradGuard no_grad;
  TestReference& reference = test_reference();
  std::lock_guard<std::mutex> lock(reference.mutex);
  if (reference.path != classifier_path) {
    std::error_code error;
    if (!std::filesystem::exists(classifier_path, error))
      throw std::runtime_error(classifier_path +
                               ": no feature classifier for the Frechet distance; train one with "
                               "`dlab eval --train-classifier " +
                               classifier_path + " --dataset fashion-mnist`");
    require_fashion_mnist();
    reference.path.clear();
    reference.classifier = load_classifier(classifier_path);
    reference.test_images = load_fashion_mnist(ImageSplit::Test).images;
    reference.test_statistics =
        gaussian_statistics(classifier_features(reference.classifier, reference.test_images));
    reference.path = classifier_path;
  }
  const auto distance = [&](const torch::Tensor& images) {
    return frechet_distance(gaussian_statistics(classifier_features(reference.classifier, images)),
                            reference.test_statistics);
  };
  VaeVersusDiffusion out;
  Rng prior(derived_seed(seed, SeedStream::PriorCodes));
  out.prior_codes = prior.normal({n, kVaeLatentDim});
  out.prior_images = vae_decode(vae, out.prior_codes);
  out.diffusion_images = vae_decode(vae, diffusion_codes.to(torch::kCPU, torch::kFloat));
  out.prior_frechet = distance(out.prior_images);
  out.diffusion_frechet = distance(out.diffusion_images);
  // The floor of any sampler in this latent space: n test images through the encoder and back.
  const auto pick = latent_draw_indices(reference.test_images.size(0), n, seed);
  const auto test = reference.test_images.index_select(0, pick);
  const auto test_codes = vae_encode(vae, test);
  out.reconstruction_frechet = distance(vae_decode(vae, test_codes));
  out.prior_code_energy = energy_distance(out.prior_codes, test_codes);
  out.diffusion_code_energy = energy_distance(diffusion_codes.to(torch::kCPU, torch::kFloat), test_codes);
  return out;
}

}  // namespace dlab
