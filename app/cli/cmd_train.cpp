// dlab train: train the 2D denoiser on a data set and save a checkpoint; progress at least every 2 s.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/image_commands.h"
#include "app/cli/options.h"
#include "core/atomic_file.h"
#include "core/checkpoint.h"
#include "core/datasets2d.h"
#include "core/device.h"
#include "core/trainer.h"

namespace dlab::cli {
namespace {

constexpr double kSecondsBetweenReports = 2.0;
constexpr std::int64_t kMaxSteps = 100'000'000;

struct TrainCommand {
  std::string dataset;
  std::int64_t steps = 0;
  int batch = TrainerConfig{}.batch_size;
  double lr = TrainerConfig{}.learning_rate;
  std::string lr_decay = to_name(LearningRateSchedule::Constant);
  std::string device = to_name(DeviceKind::Auto);
  int threads = 0;
  std::uint64_t seed = 0;
  std::string prediction = to_name(Prediction::Eps);
  std::string optimizer = to_name(OptimizerKind::Adam);
  double ema_decay = TrainerConfig{}.ema_decay;
  double grad_clip = TrainerConfig{}.grad_clip;
  double weight_decay = 0;
  std::int64_t n = 100'000;
  std::optional<std::int64_t> n_flag;
  int hidden = ModelSpec{}.hidden;
  int depth = ModelSpec{}.depth;
  std::string resume;
  bool weights_only = false;
  std::int64_t save_every = 0;  // > 0: also write --out every this many steps (a long run keeps its progress)
  std::string out;
  ImageTrainOptions image;  // --dataset shapes, fashion-mnist or a folder of images
  const CLI::App* command = nullptr;  // to tell a given flag from its default
};

// What one training step of the MLP holds in memory, roughly: the weights with their gradients, EMA and
// two Adam moments (5 copies), and per batch row the activations of every layer kept for the backward
// pass (about 4 tensors of width `hidden` per residual block). Float32.
double mlp_training_bytes(std::int64_t batch, std::int64_t hidden, std::int64_t depth) {
  const double weights = static_cast<double>(depth + 2) * hidden * (hidden + 1);
  const double activations = static_cast<double>(batch) * hidden * (4.0 * depth + 4.0);
  return 4.0 * (5.0 * weights + 2.0 * activations);
}

std::string format_duration(double seconds) {
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%dh%02dm", static_cast<int>(seconds) / 3600,
                  (static_cast<int>(seconds) % 3600) / 60);
  }
  return buffer;
}

TrainerConfig make_config(const TrainCommand& c) {
  TrainerConfig config;
  config.optimizer = parse_enum_flag<OptimizerKind>(c.optimizer, "--optimizer");
  config.device = parse_device_flag(c.device);
  if (!(c.lr > 0) || !(c.lr <= 10)) throw UsageError("--lr: " + format_double(c.lr) + " is out of range; allowed: above 0, at most 10");
  if (c.batch < 1 || c.batch > 1'000'000) throw UsageError("--batch: must be in 1..1000000");
  if (c.threads < 0 || c.threads > 1024) throw UsageError("--threads: must be in 0..1024 (0: every hardware thread)");
  if (!(c.ema_decay >= 0 && c.ema_decay < 1)) throw UsageError("--ema-decay: must be in [0, 1)");
  if (!std::isfinite(c.grad_clip)) throw UsageError("--grad-clip: must be a number (<= 0 disables clipping)");
  if (!(c.weight_decay >= 0) || !std::isfinite(c.weight_decay)) throw UsageError("--weight-decay: must be >= 0");
  config.learning_rate = c.lr;
  config.batch_size = c.batch;
  config.threads = c.threads;
  config.seed = c.seed;
  config.ema_decay = c.ema_decay;
  config.grad_clip = c.grad_clip;
  config.weight_decay = c.weight_decay;
  return config;
}

void run(const TrainCommand& c) {
  if (c.steps < 1 || c.steps > kMaxSteps) throw UsageError("--steps: must be in 1..100000000");
  if (c.out.empty()) throw UsageError("--out: the checkpoint path is required");
  if (c.save_every < 0) throw UsageError("--save-every: must be >= 0 (0: only at the end)");
  check_writable(c.out);  // before the training, not after it (issue 15)
  TrainerConfig config = make_config(c);
  ModelSpec spec;
  spec.prediction = parse_enum_flag<Prediction>(c.prediction, "--prediction");
  if (c.hidden < 1 || c.hidden > 4096) throw UsageError("--hidden: must be in 1..4096");
  if (c.depth < 0 || c.depth > 32) throw UsageError("--depth: must be in 0..32");
  spec.hidden = c.hidden;
  spec.depth = c.depth;
  if (!c.resume.empty() && c.command)  // the checkpoint decides these: a given value would be ignored
    for (const char* flag : {"--hidden", "--depth", "--prediction", "--channels", "--levels", "--attention"})
      if (c.command->count(flag) > 0)
        throw UsageError(std::string(flag) + ": has no effect with --resume (the checkpoint fixes the model); leave it out");
  if (!is_image_dataset_flag(c.dataset) && c.resume.empty()) {
    const double need = mlp_training_bytes(c.batch, c.hidden, c.depth), have = physical_memory_bytes();
    if (have > 0 && need > kUsableMemoryFraction * have) {
      char text[256];
      std::snprintf(text, sizeof text,
                    "--batch: training with --batch %d, --hidden %d, --depth %d needs about %.1f GB of memory, more "
                    "than this machine's %.1f GB; lower --batch, --hidden or --depth",
                    c.batch, c.hidden, c.depth, need / 1e9, have / 1e9);
      throw UsageError(text);
    }
  }

  std::optional<Checkpoint> resume;
  if (!c.resume.empty()) {
    resume = load_checkpoint(c.resume);
    if (!is_image_dataset_flag(c.dataset) &&
        (resume->spec.kind != ModelKind::Mlp || resume->spec.data_shape != std::vector<std::int64_t>{2}))
      throw std::runtime_error("cannot resume from '" + c.resume + "': it is not a 2D point model");
    spec = resume->spec;  // the architecture comes from the checkpoint
    config.noise_schedules = resume->config.noise_schedules;
  }
  // Cosine decay over this run: it ends at the last step of --steps (counted from the resumed step).
  if (parse_enum_flag<LearningRateSchedule>(c.lr_decay, "--lr-decay") == LearningRateSchedule::Cosine)
    config.lr_decay_steps = (resume ? resume->state.step : 0) + c.steps;

  // A built-in data set: --n fresh points; a CSV file: every row unless --n says otherwise.
  torch::Tensor data, labels;
  if (is_image_dataset_flag(c.dataset)) {  // images: a U-Net (app/cli/image_commands.h)
    const auto images = prepare_image_training(c.dataset, c.n_flag, c.seed, c.image, spec, config);
    std::printf("images: %s\n", images.description.c_str());
    data = images.images;
    labels = images.labels;
  } else {
    const std::int64_t n = c.n_flag ? *c.n_flag : (is_builtin_dataset(c.dataset) ? c.n : 0);
    check_point_count(n, "--n", /*allow_zero=*/!is_builtin_dataset(c.dataset));
    data = resolve_dataset_flag(c.dataset, n, c.seed);
  }

  Trainer trainer(config, spec, data, labels);
  if (resume) restore_trainer(trainer, *resume);
  std::int64_t parameters = 0;
  for (const auto& p : trainer.net()->parameters()) parameters += p.numel();
  std::printf("training %s (%lld parameters, %d x %d, predicts %s) on %s (%lld points) for %lld steps%s\n",
              to_name(spec.kind), static_cast<long long>(parameters), spec.depth, spec.hidden,
              to_name(spec.prediction), c.dataset.c_str(), static_cast<long long>(data.size(0)),
              static_cast<long long>(c.steps),
              resume ? (" from step " + std::to_string(trainer.step()) + " of " + c.resume).c_str() : "");
  std::printf("%s, learning rate %g%s, batch %d, grad clip %g, EMA %g, seed %llu, device %s\n", to_name(config.optimizer),
              config.learning_rate, config.lr_decay_steps > 0 ? " (cosine decay)" : "", config.batch_size, config.grad_clip, config.ema_decay,
              static_cast<unsigned long long>(config.seed), trainer.device_description().c_str());
  std::fflush(stdout);

  // The run in pieces of --save-every steps, --out written after each piece (the learning rate follows the
  // whole run's schedule: it depends on the trainer's step, not on the piece).
  const std::int64_t piece = c.save_every > 0 ? std::min(c.save_every, c.steps) : c.steps;
  double last_report = -kSecondsBetweenReports, seconds_before = 0;
  std::int64_t steps_before = 0;
  TrainResult result;
  while (steps_before < c.steps) {
    const std::int64_t steps = std::min(piece, c.steps - steps_before);
    result = trainer.train(steps, nullptr, [&](const TrainProgress& p) {
      const double elapsed = seconds_before + p.elapsed_seconds;
      const std::int64_t done = steps_before + p.call_steps_done;
      if (elapsed - last_report < kSecondsBetweenReports && p.call_steps_done < p.call_steps) return;
      last_report = elapsed;
      const double eta = p.steps_per_second > 0 ? (c.steps - done) / p.steps_per_second : 0;
      std::printf("step %lld/%lld  loss %.4f  %.1f steps/s  elapsed %s  ETA %s\n", static_cast<long long>(done),
                  static_cast<long long>(c.steps), p.loss, p.steps_per_second, format_duration(elapsed).c_str(),
                  format_duration(eta).c_str());
      std::fflush(stdout);
    });
    if (result.status == TrainStatus::Diverged) throw std::runtime_error(result.message + "; nothing was saved");
    steps_before += result.steps_done;
    seconds_before += result.seconds;
    if (steps_before < c.steps) {
      save_checkpoint(c.out, make_checkpoint(trainer, c.dataset, !c.weights_only, seconds_before));
      std::printf("saved %s at step %lld\n", c.out.c_str(), static_cast<long long>(trainer.step()));
      std::fflush(stdout);
    }
  }
  result.steps_done = steps_before;
  result.seconds = seconds_before;

  save_checkpoint(c.out, make_checkpoint(trainer, c.dataset, !c.weights_only, result.seconds));
  std::error_code error;
  const auto bytes = std::filesystem::file_size(c.out, error);
  std::printf("done: %lld steps in %.1f s (%.1f steps/s), final loss %.4f, saved %s (%.0f kB%s)\n",
              static_cast<long long>(result.steps_done), result.seconds,
              result.seconds > 0 ? result.steps_done / result.seconds : 0.0, result.last_loss, c.out.c_str(),
              error ? 0.0 : bytes / 1000.0, c.weights_only ? ", EMA weights only" : "");
  std::fflush(stdout);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto command = std::make_shared<TrainCommand>();
  CLI::App* sub = app.add_subcommand("train", "Train the 2D denoiser (an MLP on log-SNR) and save a checkpoint");
  sub->add_option("--dataset", command->dataset,
                  "Built-in data set (" + allowed_names<Dataset2D>(", ") +
                      ") or the path of a CSV file; images: shapes, fashion-mnist or a folder of images")
      ->required();
  sub->add_option("--steps", command->steps, "Optimisation steps")->required();
  sub->add_option("--batch", command->batch, "Batch size")->capture_default_str();
  sub->add_option("--lr", command->lr, "Learning rate")->capture_default_str();
  sub->add_option("--lr-decay", command->lr_decay,
                  "Learning-rate schedule: " + allowed_names<LearningRateSchedule>(", ") +
                      " (cosine: down to 5% of --lr by the last step)")
      ->capture_default_str();
  sub->add_option("--device", command->device,
                  "Where to train: " + allowed_names<DeviceKind>(", ") + " (auto: CUDA when available)")
      ->capture_default_str();
  sub->add_option("--threads", command->threads, "CPU threads for LibTorch (0: every hardware thread)")
      ->capture_default_str();
  add_seed_option(*sub, command->seed, "Random seed: the data points, the initial weights and the batches")
      ->required(false)
      ->capture_default_str();
  sub->add_option("--prediction", command->prediction,
                  "What the network predicts: " + allowed_names<Prediction>(", "))
      ->capture_default_str();
  sub->add_option("--optimizer", command->optimizer, "Optimizer: " + allowed_names<OptimizerKind>(", "))
      ->capture_default_str();
  sub->add_option("--ema-decay", command->ema_decay, "Decay of the EMA of the weights used for sampling")
      ->capture_default_str();
  sub->add_option("--grad-clip", command->grad_clip, "Max global gradient norm (<= 0: no clipping)")
      ->capture_default_str();
  sub->add_option("--weight-decay", command->weight_decay, "Weight decay (L2 for adam, decoupled for adamw)")
      ->capture_default_str();
  sub->add_option("--n", command->n_flag,
                  "Training points: default 100000 fresh points of a built-in data set, every row of a CSV file");
  sub->add_option("--hidden", command->hidden, "MLP width")->capture_default_str();
  sub->add_option("--depth", command->depth, "MLP residual blocks")->capture_default_str();
  sub->add_option("--resume", command->resume, "Continue from this checkpoint (weights, EMA, Adam state, step)");
  sub->add_flag("--weights-only", command->weights_only,
                "Save only the EMA weights (a quarter of the size; enough to sample, not to resume exactly)");
  sub->add_option("--save-every", command->save_every,
                  "Also write --out every this many steps, so that a long run stopped early keeps its progress "
                  "(0: only at the end)")
      ->capture_default_str();
  sub->add_option("--out", command->out, "Checkpoint file to write (atomically)")->required();
  add_image_train_options(*sub, command->image);
  command->command = sub;
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
