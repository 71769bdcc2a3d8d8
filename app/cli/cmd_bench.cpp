// dlab bench: training and sampling throughput of the default 2D model, one "name: value unit" per line.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/options.h"
#include "core/datasets2d.h"
#include "core/device.h"
#include "core/noise_embedding.h"
#include "core/rng.h"
#include "core/samplers.h"
#include "core/trainer.h"

namespace dlab::cli {
namespace {

struct BenchCommand {
  std::string device = to_name(DeviceKind::Auto);
  int threads = 0;
  double seconds = 2.0;
  int batch = 256;
  std::int64_t points = 10'000;
  bool autograd = false;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void run(const BenchCommand& c) {
  if (!(c.seconds > 0 && c.seconds <= 600)) throw UsageError("--seconds: must be in (0, 600]");
  if (c.batch < 1 || c.batch > 1'000'000) throw UsageError("--batch: must be in 1..1000000");
  check_point_count(c.points, "--points");
  if (c.threads < 0 || c.threads > 1024) throw UsageError("--threads: must be in 0..1024 (0: every hardware thread)");
  TrainerConfig config;
  config.device = parse_device_flag(c.device);
  config.threads = c.threads;
  config.batch_size = c.batch;
  config.seed = 1;
  config.hand_written_mlp_step = !c.autograd;
  const ModelSpec spec;  // the default model: MLP 3 x 128
  Trainer trainer(config, spec, sample_dataset(Dataset2D::Gmm8, 100'000, 1));
  std::printf("device: %s\n", trainer.device_description().c_str());
  std::printf("threads: %d\n", trainer.device().is_cpu() ? configured_cpu_threads() : 0);
  std::printf("libtorch: %s\n", libtorch_version().c_str());
  std::printf("model: %s %dx%d\n", to_name(spec.kind), spec.depth, spec.hidden);
  std::printf("path: %s\n", c.autograd ? "autograd (LibTorch modules, tensor-op Adam)"
                                        : "hand-written (core/mlp_step.h) where the model allows");
  std::fflush(stdout);

  // ---- training: warm up, then run in chunks for about --seconds ------------------------------------
  trainer.train(50);
  std::int64_t steps = 0;
  const auto train_start = Clock::now();
  while (seconds_since(train_start) < c.seconds) steps += trainer.train(50).steps_done;
  const double train_seconds = seconds_since(train_start);
  std::printf("train_batch: %d samples\n", c.batch);
  std::printf("train_steps_per_s: %.1f steps/s\n", steps / train_seconds);
  std::printf("train_samples_per_s: %.0f samples/s\n", steps * static_cast<double>(c.batch) / train_seconds);
  std::fflush(stdout);

  // ---- sampling: DDIM (one network evaluation per step) on --points points ---------------------------
  torch::NoGradGuard no_grad;
  const DenoiserNet ema = trainer.ema_net();
  Denoiser denoiser = make_network_denoiser(ema, trainer.device());
  if (c.autograd) {  // the module's own forward under NoGradGuard, as before core/mlp_step.h
    denoiser = [ema](const torch::Tensor& x_t, int, double alpha_bar) {
      torch::NoGradGuard guard;
      const float level = static_cast<float>(log_snr_from_alpha_bar(alpha_bar));
      return ema->forward(x_t, torch::full({x_t.size(0)}, level), {});
    };
  }
  const NoiseSchedule schedule{ScheduleConfig{}};
  SamplerConfig sampler;
  sampler.kind = SamplerKind::Ddim;
  sampler.steps = 10;
  Rng rng(2);
  const auto x_T = rng.normal({c.points, 2});
  sample(schedule, denoiser, x_T, sampler);  // warm-up
  std::int64_t point_steps = 0, evaluations = 0;
  const auto sample_start = Clock::now();
  while (seconds_since(sample_start) < c.seconds) {
    const auto result = sample(schedule, denoiser, x_T, sampler);
    point_steps += c.points * result.steps_done;
    evaluations += result.nfe;
  }
  const double sample_seconds = seconds_since(sample_start);
  std::printf("sample_points: %lld points\n", static_cast<long long>(c.points));
  std::printf("sample_point_steps_per_s: %.4g points*steps/s\n", point_steps / sample_seconds);
  std::printf("sample_step_ms: %.3f ms\n", 1000.0 * sample_seconds / static_cast<double>(evaluations));
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto command = std::make_shared<BenchCommand>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Measure training (steps/s of the default model) and sampling (points x steps per second) speed");
  sub->add_option("--device", command->device, "Where to run: " + allowed_names<DeviceKind>(", "))
      ->capture_default_str();
  sub->add_option("--threads", command->threads, "CPU threads for LibTorch (0: every hardware thread)")
      ->capture_default_str();
  sub->add_option("--seconds", command->seconds, "Seconds per measurement")->capture_default_str();
  sub->add_option("--batch", command->batch, "Training batch size")->capture_default_str();
  sub->add_option("--points", command->points, "Points sampled at once")->capture_default_str();
  sub->add_flag("--autograd", command->autograd,
                "Measure the LibTorch-module path (autograd training step, module forward) instead of the "
                "hand-written MLP step, for comparison");
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
