// dlab train-vae: train the two-dimensional VAE of latent diffusion (core/vae.h) on Fashion-MNIST and save it
// in its own format; progress at least every 2 s, then the negative ELBO on the test set.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/options.h"
#include "core/atomic_file.h"
#include "core/device.h"
#include "core/image_datasets.h"
#include "core/vae.h"

namespace dlab::cli {
namespace {

constexpr double kSecondsBetweenReports = 2.0;

struct TrainVaeCommand {
  std::string out;
  int epochs = VaeTrainConfig{}.epochs;
  int hidden = VaeTrainConfig{}.hidden;
  int batch = VaeTrainConfig{}.batch_size;
  double lr = VaeTrainConfig{}.learning_rate;
  double kl_weight = VaeTrainConfig{}.kl_weight;
  std::uint64_t seed = 0;
  std::int64_t limit = 0;
  int threads = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run(const TrainVaeCommand& c) {
  if (c.out.empty()) throw UsageError("--out: the path of the .vae file to write is required");
  if (c.epochs < 1 || c.epochs > 1000) throw UsageError("--epochs: must be in 1..1000");
  if (c.hidden < 4 || c.hidden > 4096 || c.hidden % 2 != 0)
    throw UsageError("--hidden: must be an even number in 4..4096");
  if (c.batch < 1 || c.batch > 60000) throw UsageError("--batch: must be in 1..60000");
  if (!(c.lr > 0) || !(c.lr <= 10))
    throw UsageError("--lr: " + format_double(c.lr) + " is out of range; allowed: above 0, at most 10");
  if (!(c.kl_weight > 0) || !(c.kl_weight <= kVaeMaxKlWeight))
    throw UsageError("--kl-weight: " + format_double(c.kl_weight) +
                     " is out of range; allowed: above 0, at most " + format_double(kVaeMaxKlWeight));
  if (c.limit < 0 || c.limit > 60000)
    throw UsageError("--limit: must be in 0..60000 (0: all 60000 training images)");
  if (c.threads < 0 || c.threads > 1024)
    throw UsageError("--threads: must be in 0..1024 (0: every hardware thread)");
  check_writable(c.out);  // before the training, not after it
  configure_cpu_threads(c.threads, CpuWork::MatrixProducts);
  if (!fashion_mnist_available())
    throw std::runtime_error(
        std::string("the VAE is trained on Fashion-MNIST, not found in ") + kFashionMnistDir +
        "; install the Debian package dataset-fashion-mnist (sudo apt install dataset-fashion-mnist)");
  const ImageDataset train = load_fashion_mnist(ImageSplit::Train, c.limit);
  const ImageDataset test = load_fashion_mnist(ImageSplit::Test);
  VaeTrainConfig config;
  config.epochs = c.epochs;
  config.hidden = c.hidden;
  config.batch_size = c.batch;
  config.learning_rate = c.lr;
  config.kl_weight = c.kl_weight;
  config.seed = c.seed;
  std::printf(
      "training a VAE (784 -> %d -> %d -> 2 -> %d -> %d -> 784, Bernoulli pixels) on %lld Fashion-MNIST "
      "images for %d epochs\n",
      c.hidden, c.hidden / 2, c.hidden / 2, c.hidden, static_cast<long long>(train.images.size(0)), c.epochs);
  std::printf("loss -ELBO_beta = reconstruction + beta KL with KL weight beta %g%s\n", c.kl_weight,
              c.kl_weight == 1 ? " (the plain VAE)" : "");
  std::printf("adam, learning rate %g, batch %d, seed %llu, %s\n", c.lr, c.batch,
              static_cast<unsigned long long>(c.seed), describe_device(torch::kCPU).c_str());
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  double last_report = -kSecondsBetweenReports;
  VaeModel vae = train_vae(train, config, [&](int epoch, int batch, int batches, double loss) {
    const double elapsed = seconds_since(start);
    if (elapsed - last_report < kSecondsBetweenReports && !(batch == batches && epoch == c.epochs)) return;
    last_report = elapsed;
    std::printf("epoch %d/%d  batch %d/%d  -ELBO_beta %.2f nats/image  elapsed %.0fs\n", epoch, c.epochs,
                batch, batches, loss, elapsed);
    std::fflush(stdout);
  });
  const double seconds = seconds_since(start);
  vae.test_negative_elbo = vae_negative_elbo(vae, test, c.seed);
  save_vae(c.out, vae);
  std::error_code error;
  const auto bytes = std::filesystem::file_size(c.out, error);
  std::printf(
      "done: %d epochs in %.1f s, KL weight beta %g; test -ELBO (beta 1) %.2f nats per image (%.4f "
      "bits/dim); saved %s (%.0f kB)\n",
      c.epochs, seconds, c.kl_weight, vae.test_negative_elbo, vae.test_negative_elbo / (784 * std::log(2.0)),
      c.out.c_str(), error ? 0.0 : bytes / 1000.0);
  std::fflush(stdout);
}

}  // namespace

void add_train_vae_command(CLI::App& app) {
  auto command = std::make_shared<TrainVaeCommand>();
  CLI::App* sub = app.add_subcommand(
      "train-vae",
      "Train the VAE with a 2D latent space on Fashion-MNIST (latent diffusion: its codes are the "
      "data set fashion-mnist-latent)");
  sub->add_option("--out", command->out, "The .vae file to write (atomically)")->required();
  sub->add_option("--epochs", command->epochs, "Passes over the training images")->capture_default_str();
  sub->add_option("--hidden", command->hidden, "Width of the first hidden layer (even; the second has half)")
      ->capture_default_str();
  sub->add_option("--batch", command->batch, "Batch size")->capture_default_str();
  sub->add_option("--lr", command->lr, "Learning rate of Adam")->capture_default_str();
  sub->add_option("--kl-weight", command->kl_weight,
                  "beta, the weight of the KL term (-ELBO_beta = reconstruction + beta KL; 1: the plain VAE, "
                  "below 1: sharper images, codes further from N(0, I))")
      ->capture_default_str();
  add_seed_option(*sub, command->seed, "Random seed: the initial weights, the batches and the noise of z")
      ->required(false)
      ->capture_default_str();
  sub->add_option("--limit", command->limit, "Train on the first N images only (0: all 60000)")
      ->capture_default_str();
  sub->add_option("--threads", command->threads, "CPU threads (0: every hardware thread)")
      ->capture_default_str();
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
