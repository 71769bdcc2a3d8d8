// dlab eval: how good is an image model, measured honestly.
//
//   Frechet distance (REFERENCE section 10) between classifier features of --n samples and of the test set,
//   printed beside the floor (n training images against the test set: what a perfect model would score
//   at this n) and the ceiling (n images of Gaussian noise);
//   the variational bound on the negative log-likelihood in bits/dim over test images, term by term
//   (REFERENCE section 7).
//
// `dlab eval --train-classifier PATH --dataset NAME` trains the feature classifier (core/classifier.h).
// `dlab eval --model LATENT.pt --decoder VAE.vae`: latent diffusion against the VAE's own prior
// (core/latent_diffusion.h), each decoded and scored by the Frechet distance to the Fashion-MNIST test images.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/image_commands.h"
#include "app/cli/options.h"
#include "core/bits_per_dim.h"
#include "core/checkpoint.h"
#include "core/classifier.h"
#include "core/datasets2d.h"
#include "core/device.h"
#include "core/frechet.h"
#include "core/image_datasets.h"
#include "core/image_sampling.h"
#include "core/latent_diffusion.h"
#include "core/point_quality.h"
#include "core/rng.h"
#include "core/samplers.h"
#include "core/vae.h"

namespace dlab::cli {
namespace {

struct EvalCommand {
  std::string model;
  std::string dataset;  // default: the data set the checkpoint was trained on
  std::string classifier;
  std::string train_classifier;
  std::string decoder;  // a 2D model of latent codes: the VAE that decodes them
  int epochs = 3;
  std::int64_t n = 5000;
  std::string sampler = "ddim";
  int steps = 50;
  std::string schedule = "linear";
  int timesteps = 1000;
  double eta = 0.0;
  std::string variance = to_name(VarianceKind::BetaTilde);
  double guidance = 1.0;
  std::int64_t bpd_images = 1000;
  int bpd_terms = 50;
  std::uint64_t seed = 0;
  std::string device = "auto";
  int threads = 0;
  const CLI::App* command = nullptr;  // to tell a given flag from its default
};

torch::Device device_flag(const std::string& value) {
  return resolve_device(parse_device_flag(value));
}

// Beside the shipped models (assets/models or $DLAB_MODELS_DIR).
std::string default_classifier_path(const std::string& dataset) {
  return shipped_model_path("classifier-" + dataset + ".lenet");
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void check_builtin_dataset(const std::string& dataset, const char* flag) {
  if (dataset != "shapes" && dataset != "fashion-mnist")
    throw UsageError(std::string(flag) + ": unknown value '" + dataset +
                     "'; allowed: shapes, fashion-mnist (a folder has no test split)");
}

void train_classifier_command(const EvalCommand& c) {
  if (c.dataset.empty()) throw UsageError("--train-classifier: needs --dataset shapes or fashion-mnist");
  check_builtin_dataset(c.dataset, "--dataset");
  if (c.epochs < 1 || c.epochs > 100) throw UsageError("--epochs: allowed 1..100");
  const auto train =
      load_image_dataset({c.dataset, ImageSplit::Train, c.dataset == "shapes" ? 20000 : 0, c.seed});
  const auto test = load_image_dataset({c.dataset, ImageSplit::Test, 0, c.seed});
  ClassifierTrainConfig config;
  config.epochs = c.epochs;
  config.seed = c.seed;
  const auto start = std::chrono::steady_clock::now();
  auto classifier = train_classifier(train, config, [](int epoch, int batch, int batches, double loss) {
    if (batch == batches || batch % 100 == 0)
      std::fprintf(stderr, "epoch %d: batch %d/%d, loss %.4f\n", epoch, batch, batches, loss);
  });
  classifier.test_accuracy = classifier_accuracy(classifier, test);
  save_classifier(c.train_classifier, classifier);
  std::printf("classifier for %s: %lld training images, %d epochs, %.1f s; test accuracy %.4f; saved to %s\n",
              c.dataset.c_str(), static_cast<long long>(train.images.size(0)), c.epochs, seconds_since(start),
              classifier.test_accuracy, c.train_classifier.c_str());
}

// The schedule and the sampler's flags, checked, as both evaluations read them (--schedule, --timesteps,
// --sampler, --variance, --steps, --eta).
NoiseSchedule eval_schedule(const EvalCommand& c) {
  ScheduleOptions schedule_options;
  schedule_options.name = c.schedule;
  schedule_options.timesteps = c.timesteps;
  return make_schedule(schedule_options);
}

SamplerConfig eval_sampler(const EvalCommand& c, const NoiseSchedule& schedule) {
  SamplerConfig sampler;
  sampler.kind = parse_enum_flag<SamplerKind>(c.sampler, "--sampler");
  sampler.variance = parse_enum_flag<VarianceKind>(c.variance, "--variance");
  if (c.steps < 1 || c.steps > schedule.timesteps())
    throw UsageError("--steps: allowed 1..T = " + std::to_string(schedule.timesteps()));
  sampler.steps = c.steps;
  if (!(c.eta >= 0.0 && c.eta <= 1.0)) throw UsageError("--eta: " + format_double(c.eta) + " is out of range; allowed: 0..1");
  sampler.eta = c.eta;
  return sampler;
}

// A 2D model of the VAE's codes with --decoder: its samples and the prior's, decoded, against the test images.
void latent_eval_command(const EvalCommand& c, const LoadedDenoiser& loaded, const torch::Device& device) {
  for (const char* flag : {"--dataset", "--guidance", "--bpd-images", "--bpd-terms", "--epochs"})
    if (c.command && c.command->count(flag) > 0)
      throw UsageError(std::string(flag) + ": has no effect with --decoder (the comparison of latent diffusion with "
                       "the VAE's prior); leave it out");
  if (c.n < 2 || c.n > 100000) throw UsageError("--n: allowed 2..100000 with --decoder");
  const NoiseSchedule schedule = eval_schedule(c);
  SamplerConfig sampler = eval_sampler(c, schedule);
  sampler.spacing = default_spacing(sampler.kind);
  sampler.prediction = loaded.spec.prediction;
  VaeModel vae = load_vae(c.decoder);
  const std::string classifier_path = c.classifier.empty() ? default_classifier_path("fashion-mnist") : c.classifier;
  std::printf("model: %s (%s, trained on %s for %lld steps); decoder: %s (trained on %s, %d epochs, test -ELBO %.2f)\n",
              c.model.c_str(), to_name(loaded.spec.prediction), loaded.metadata.dataset.c_str(),
              static_cast<long long>(loaded.metadata.training_steps), c.decoder.c_str(), vae.dataset.c_str(),
              vae.epochs, vae.test_negative_elbo);
  const auto start = std::chrono::steady_clock::now();
  const ReverseStart reverse = reverse_start(c.n, 2, c.seed);
  sampler.seed = reverse.sampler_seed;
  const SampleResult result = sample(schedule, make_network_denoiser(loaded.net, device), reverse.x_T, sampler);
  const double sample_seconds = seconds_since(start);
  const VaeVersusDiffusion fd = compare_vae_and_diffusion(vae, result.x0.to(torch::kCPU), c.seed, classifier_path);
  std::printf("\nVAE against latent diffusion: Frechet distance d^2 on %d features of %s, %lld decoded images "
              "each against the 10000 test images:\n",
              kClassifierFeatures, classifier_path.c_str(), static_cast<long long>(c.n));
  std::printf("  VAE prior z ~ N(0, I)        %10.4f\n", fd.prior_frechet);
  std::printf("  latent diffusion             %10.4f   (%s, %d steps, %s T = %d; %.1f s)\n", fd.diffusion_frechet,
              c.sampler.c_str(), c.steps, c.schedule.c_str(), c.timesteps, sample_seconds);
  std::printf("  reconstructions (the floor)  %10.4f   (test images encoded and decoded: the decoder's best)\n",
              fd.reconstruction_frechet);
  std::printf("\nIn the latent plane: energy distance of the codes to the codes of %lld test images:\n"
              "  VAE prior z ~ N(0, I)        %10.4f\n  latent diffusion             %10.4f\n",
              static_cast<long long>(c.n), fd.prior_code_energy, fd.diffusion_code_energy);
}

// A 2D model: the standard checks of core/point_quality.h against its data set.
void point_eval_command(const EvalCommand& c) {
  const torch::Device device = device_flag(c.device);
  torch::NoGradGuard no_grad;
  // Loaded first (milliseconds for a 2D model): a file that is no checkpoint at all lands here too, and its
  // error names the file, not a flag checked for 2D models (issue 15).
  LoadedDenoiser loaded;
  try {
    loaded = load_denoiser_for_sampling(c.model, device);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load model " + c.model + ": " + e.what());
  }
  if (loaded.spec.data_shape != std::vector<std::int64_t>{2} && !c.decoder.empty())
    throw UsageError("--decoder: only for a 2D model of latent codes (trained with --dataset fashion-mnist-latent)");
  if (!c.decoder.empty()) return latent_eval_command(c, loaded, device);
  if (c.n < 2 || c.n > 100000) throw UsageError("--n: allowed 2..100000 for a 2D model");
  // The 2D checks fix their own samplers and schedules: a flag of the image evaluation would be ignored.
  for (const char* flag : {"--sampler", "--steps", "--schedule", "--timesteps", "--eta", "--variance", "--guidance",
                           "--bpd-images", "--bpd-terms", "--classifier", "--epochs"})
    if (c.command && c.command->count(flag) > 0)
      throw UsageError(std::string(flag) + ": has no effect on a 2D model (its checks use fixed samplers: DDPM linear "
                       "T = 1000 and DDIM 50 steps cosine); leave it out");
  if (loaded.spec.data_shape != std::vector<std::int64_t>{2})
    throw std::runtime_error("cannot evaluate " + c.model + ": it is neither a 2D nor an image model");
  const std::string dataset = c.dataset.empty() ? loaded.metadata.dataset : c.dataset;
  if (!is_builtin_dataset(dataset))
    throw UsageError("--dataset: '" + dataset + "' is not a built-in 2D data set (" +
                     allowed_names<Dataset2D>(", ") + "): fresh draws of it are needed");
  const Dataset2D kind = *from_name<Dataset2D>(dataset);
  std::printf("model: %s (%s %s, trained on %s for %lld steps), device %s\n", c.model.c_str(),
              to_name(loaded.spec.kind), to_name(loaded.spec.prediction), loaded.metadata.dataset.c_str(),
              static_cast<long long>(loaded.metadata.training_steps), describe_device(device).c_str());
  std::printf("%lld samples against %lld fresh points of %s; floor: the mean distance of %d more draws of the "
              "data to the same points\n",
              static_cast<long long>(c.n), static_cast<long long>(c.n), dataset.c_str(), kPointQualityFloorDraws);
  const PointQualityData reference = draw_point_quality_data(kind, c.n, c.seed);
  for (const PointQualityCheck& check : standard_point_quality_checks()) {
    const PointQuality q =
        measure_point_quality(loaded.net, device, loaded.spec.prediction, reference.data, reference.fresh_draws,
                              check, c.seed);
    std::printf(
        "%s: energy %.4f (floor %.4f, ratio %.2f)  sliced_w2 %.4f (floor %.4f, ratio %.2f)  nfe %d  %.1f s\n",
        q.check.c_str(), q.energy, q.floor_energy, q.energy / q.floor_energy, q.sliced, q.floor_sliced,
        q.sliced / q.floor_sliced, q.nfe, q.seconds);
    std::fflush(stdout);
  }
}

void run(const EvalCommand& c) {
  if (c.threads < 0 || c.threads > 1024)
    throw UsageError("--threads: must be in 0..1024 (0: every hardware thread)");
  const bool image_model = c.model.empty() || is_image_checkpoint(c.model);
  configure_cpu_threads(c.threads, image_model ? CpuWork::Mixed : CpuWork::MatrixProducts);
  if (!c.train_classifier.empty()) return train_classifier_command(c);
  if (c.model.empty()) throw UsageError("--model: required (the path of a checkpoint)");
  if (!image_model) return point_eval_command(c);
  if (!c.decoder.empty())
    throw UsageError("--decoder: only for a 2D model of latent codes (trained with --dataset fashion-mnist-latent), "
                     "not an image model");
  if (c.n < 0 || c.n > 1000000) throw UsageError("--n: allowed 0..1000000 (0 skips the Frechet distance)");
  if (c.n == 1) throw UsageError("--n: the Frechet distance needs at least 2 samples (0 skips it)");
  if (c.bpd_images < 0) throw UsageError("--bpd-images: allowed >= 0 (0 skips the bound)");
  if (c.bpd_terms < 0) throw UsageError("--bpd-terms: allowed >= 0 (0: every term)");
  const NoiseSchedule schedule = eval_schedule(c);
  SamplerConfig sampler = eval_sampler(c, schedule);
  sampler.clip_x0 = true;
  if (!(c.guidance >= 0 && c.guidance <= 10)) throw UsageError("--guidance: allowed 0..10");

  const torch::Device device = device_flag(c.device);
  torch::NoGradGuard no_grad;
  const LoadedDenoiser loaded = load_denoiser_for_sampling(c.model, device, ModelKind::UNet);
  const std::string dataset = c.dataset.empty() ? loaded.metadata.dataset : c.dataset;
  std::printf("model: %s (%s, %lldx%lldx%lld, %d classes, trained on %s for %lld steps)\n", c.model.c_str(),
              to_name(loaded.spec.prediction), static_cast<long long>(loaded.spec.data_shape[0]),
              static_cast<long long>(loaded.spec.data_shape[1]),
              static_cast<long long>(loaded.spec.data_shape[2]), loaded.spec.num_classes,
              loaded.metadata.dataset.c_str(), static_cast<long long>(loaded.metadata.training_steps));
  check_builtin_dataset(dataset, "--dataset");
  const auto test = load_image_dataset({dataset, ImageSplit::Test, 0, 0});
  if (test.images[0].sizes() != at::IntArrayRef(loaded.spec.data_shape))
    throw UsageError("--dataset: the model makes images of another shape than " + dataset);

  if (c.n > 0) {
    const std::string classifier_path =
        c.classifier.empty() ? default_classifier_path(dataset) : c.classifier;
    if (!std::filesystem::exists(classifier_path))
      throw std::runtime_error(classifier_path +
                               ": no feature classifier; train one with `dlab eval "
                               "--train-classifier " +
                               classifier_path + " --dataset " + dataset + "`");
    Classifier classifier = load_classifier(classifier_path);
    std::printf("classifier: %s (trained on %s, test accuracy %.4f)\n", classifier_path.c_str(),
                classifier.dataset.c_str(), classifier.test_accuracy);
    const auto test_stats = gaussian_statistics(classifier_features(classifier, test.images));

    auto start = std::chrono::steady_clock::now();
    ImageSampleRequest request;
    request.count = c.n;
    request.guidance = c.guidance;
    request.sampler = sampler;
    request.seed = c.seed;
    const auto samples = sample_images(
        loaded.net, device, schedule, request, {}, nullptr, [start](std::int64_t done, std::int64_t total) {
          std::fprintf(stderr, "sampled %lld/%lld images (%.0f s)\n", static_cast<long long>(done),
                       static_cast<long long>(total), seconds_since(start));
        });
    const double sample_seconds = seconds_since(start);
    const double fd_samples =
        frechet_distance(gaussian_statistics(classifier_features(classifier, samples)), test_stats);

    // Floor: n training images (drawn with the seed); ceiling: n images of N(0, I) noise clamped to [-1, 1].
    const auto train = load_image_dataset({dataset, ImageSplit::Train, 0, c.seed});
    Rng rng(c.seed);
    const std::int64_t floor_n = std::min(c.n, train.images.size(0));
    const auto index =
        torch::randperm(train.images.size(0), rng.generator(), torch::kLong).narrow(0, 0, floor_n);
    const double fd_floor = frechet_distance(
        gaussian_statistics(classifier_features(classifier, train.images.index_select(0, index))),
        test_stats);
    const auto noise =
        rng.normal({c.n, loaded.spec.data_shape[0], loaded.spec.data_shape[1], loaded.spec.data_shape[2]})
            .clamp(-1.0, 1.0);
    const double fd_ceiling =
        frechet_distance(gaussian_statistics(classifier_features(classifier, noise)), test_stats);

    std::printf("\nFrechet distance d^2 on %d classifier features, against the %lld test images:\n",
                kClassifierFeatures, static_cast<long long>(test.images.size(0)));
    std::printf(
        "  samples   %10.4f   (%lld images, %s, %d steps, %s T = %d, guidance %.3g; %.1f s, %.4f s per "
        "step)\n",
        fd_samples, static_cast<long long>(c.n), c.sampler.c_str(), c.steps, c.schedule.c_str(), c.timesteps,
        c.guidance, sample_seconds, sample_seconds / c.steps);
    std::printf("  floor     %10.4f   (%lld training images: a perfect model at this n)\n", fd_floor,
                static_cast<long long>(floor_n));
    std::printf("  ceiling   %10.4f   (%lld images of Gaussian noise)\n", fd_ceiling,
                static_cast<long long>(c.n));
  }

  if (c.bpd_images > 0) {
    const std::int64_t count = std::min(c.bpd_images, test.images.size(0));
    BitsPerDimConfig config;
    config.term_samples = c.bpd_terms;
    config.seed = c.seed;
    config.variance = sampler.variance == VarianceKind::Beta ? VarianceKind::Beta : VarianceKind::BetaTilde;
    // The unconditional model (null label for a class-conditional one): the bound on log p(x).
    const Denoiser denoiser = make_network_denoiser(loaded.net, device);
    const auto start = std::chrono::steady_clock::now();
    const auto result = bits_per_dim(schedule, denoiser, loaded.spec.prediction,
                                     test.images.narrow(0, 0, count), config, [start](int done, int total) {
                                       if (done % 10 == 0 || done == total)
                                         std::fprintf(stderr, "bits/dim: %d/%d terms (%.0f s)\n", done, total,
                                                      seconds_since(start));
                                     });
    std::printf(
        "\nNegative log-likelihood bound in bits/dim (%lld test images, %s T = %d, variance %s, x0_hat "
        "clipped):\n",
        static_cast<long long>(count), c.schedule.c_str(), c.timesteps, to_name(config.variance));
    std::printf("  L_T (prior)            %9.4f   (%.3g)\n", result.prior, result.prior);
    std::printf("  sum of L_{t-1}, t>=2   %9.4f%s\n", result.diffusion,
                result.estimated
                    ? ("   (estimated from " + std::to_string(result.timesteps.size()) + " of the " +
                       std::to_string(schedule.timesteps() - 1) + " terms; --bpd-terms 0 for all)")
                          .c_str()
                    : "");
    std::printf("  L_0 (decoder)          %9.4f\n", result.decoder);
    std::printf("  total (upper bound)    %9.4f\n", result.total());
    std::printf("  L_{t-1} by t:");
    const std::size_t stride = std::max<std::size_t>(1, result.timesteps.size() / 10);
    for (std::size_t i = 0; i < result.timesteps.size(); i += stride)
      std::printf(" t=%d: %.4g", result.timesteps[i], result.term_means[i]);
    std::printf("\n  (%.1f s)\n", seconds_since(start));
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto command = std::make_shared<EvalCommand>();
  CLI::App* sub = app.add_subcommand(
      "eval",
      "Measure a model. Images: Frechet distance of samples to the test set (with floor and ceiling) "
      "and the bits/dim bound term by term. 2D: energy and sliced Wasserstein distances of samples "
      "(DDPM linear T=1000; DDIM 50 steps cosine) to fresh data, beside independent draws of the data");
  sub->add_option("--model", command->model, "Checkpoint trained by dlab train (a 2D MLP or an image U-Net)");
  sub->add_option("--dataset", command->dataset,
                  "Images: shapes or fashion-mnist; 2D: a built-in data set (default: the one the model was trained on)");
  sub->add_option("--classifier", command->classifier,
                  "Feature classifier (default: assets/models/classifier-DATASET.lenet)");
  sub->add_option("--decoder", command->decoder,
                  "A 2D model of latent codes: the VAE (.vae) that decodes them; prints the Frechet distances of "
                  "decoded diffusion samples, decoded prior samples z ~ N(0, I) and reconstructions");
  sub->add_option("--train-classifier", command->train_classifier,
                  "Instead of evaluating: train the feature classifier on --dataset and save it to PATH");
  sub->add_option("--epochs", command->epochs, "Classifier training epochs")->capture_default_str();
  sub->add_option("--n", command->n, "Samples for the Frechet distance (0 skips it)")->capture_default_str();
  sub->add_option("--sampler", command->sampler, "Sampler: " + allowed_names<SamplerKind>(", "))
      ->capture_default_str();
  sub->add_option("--steps", command->steps, "Sampling steps")->capture_default_str();
  sub->add_option("--schedule", command->schedule,
                  "Noise schedule of sampling and of the bound: " + allowed_schedule_names())
      ->capture_default_str();
  sub->add_option("--timesteps", command->timesteps, "T")->capture_default_str();
  sub->add_option("--eta", command->eta, "DDIM / Euler ancestral noise scale")->capture_default_str();
  sub->add_option("--variance", command->variance,
                  "DDPM sampler variance and the bound's model variance: beta-tilde or beta")
      ->capture_default_str();
  sub->add_option("--guidance", command->guidance,
                  "Classifier-free guidance w in 0..10 for class-conditional models (each class in turn)")
      ->capture_default_str();
  sub->add_option("--bpd-images", command->bpd_images, "Test images for the bits/dim bound (0 skips it)")
      ->capture_default_str();
  sub->add_option("--bpd-terms", command->bpd_terms,
                  "Evaluate K evenly spaced terms L_{t-1} and scale their sum (0: all T - 1 terms)")
      ->capture_default_str();
  add_seed_option(*sub, command->seed, "Seed of the samples, the floor's training images and the noise")
      ->required(false)
      ->capture_default_str();
  sub->add_option("--device", command->device, "auto, cpu or cuda")->capture_default_str();
  sub->add_option("--threads", command->threads, "CPU threads (0: all)")->capture_default_str();
  command->command = sub;
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
