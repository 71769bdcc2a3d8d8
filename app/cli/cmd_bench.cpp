// dlab bench: training and sampling throughput of the default 2D model, one "name: value unit" per line.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
  std::string part = "all";  // all, train or sample
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The best time of `once` over the repetitions that fit in `seconds` (after a warm-up; at least two), in ms.
template <typename Work>
double best_ms_of(Work&& once, double seconds) {
  torch::NoGradGuard no_grad;
  once();  // warm-up
  double best = 1e30;
  const auto start = Clock::now();
  for (int n = 0; n < 2 || seconds_since(start) < seconds; ++n) {
    const auto t0 = Clock::now();
    once();
    best = std::min(best, seconds_since(t0));
  }
  return 1000.0 * best;
}

// The matrix products of one network evaluation of the MLP on `points` rows and nothing else, through the
// same call (out = x W^T into preallocated outputs) at the same thread count: the sgemm-rate limit of a
// sampling step. `full_input`: the input layer over [x_t, embedding] (D + E columns, as the module computes
// it); otherwise over x_t's D columns only (all a one-level step needs: the embedding's share is one vector).
// `chunk` > 0: the rows in blocks of that many (as the step runs them), else all at once.
class ProductsPeer {
 public:
  ProductsPeer(const ModelSpec& spec, std::int64_t points, bool full_input, std::int64_t chunk)
      : chunk_(chunk > 0 ? std::min(chunk, points) : points), points_(points) {
    std::int64_t data_dim = 1;
    for (auto size : spec.data_shape) data_dim *= size;
    const std::int64_t H = spec.hidden;
    auto add = [&](std::int64_t in, std::int64_t out) {
      inputs_.push_back(torch::randn({points, in}));
      weights_.push_back(torch::randn({out, in}) * 0.05);
      outputs_.push_back(torch::empty({points, out}));
      gflop_ += 2e-9 * static_cast<double>(points) * in * out;
    };
    add(data_dim + (full_input ? spec.embedding_dim : 0), H);
    for (int k = 0; k < spec.depth; ++k) add(H, H);
    add(H, data_dim);
  }
  double gflop() const { return gflop_; }
  // The best of the repetitions that fit in `seconds`, in ms per evaluation.
  double best_ms(double seconds) {
    return best_ms_of(
        [&] {
          for (std::int64_t start = 0; start < points_; start += chunk_) {
            const std::int64_t rows = std::min(chunk_, points_ - start);
            for (std::size_t k = 0; k < inputs_.size(); ++k) {
              torch::Tensor out = outputs_[k].narrow(0, start, rows);
              at::mm_out(out, inputs_[k].narrow(0, start, rows), weights_[k].t());
            }
          }
        },
        seconds);
  }

 private:
  std::int64_t chunk_, points_;
  std::vector<torch::Tensor> inputs_, weights_, outputs_;
  double gflop_ = 0;
};

// The matrix products of one training step of the MLP at `batch` rows and nothing else, through the calls
// core/mlp_step.cpp makes (at::addmm_out / mm_out, transposed operands as views): the forward's layers, then
// per layer the weight gradient (dh^T a) and, except for the input layer, the gradient of its input (dh W).
// The step's time against these is the share of the sgemm rate it reaches (issue 13: at least 60%).
class TrainingProductsPeer {
 public:
  TrainingProductsPeer(const ModelSpec& spec, std::int64_t batch) {
    std::int64_t data_dim = 1;
    for (auto size : spec.data_shape) data_dim *= size;
    const std::int64_t H = spec.hidden, B = batch;
    std::vector<std::int64_t> widths{data_dim + spec.embedding_dim};
    for (int k = 0; k <= spec.depth; ++k) widths.push_back(H);
    widths.push_back(data_dim);
    for (std::size_t k = 0; k + 1 < widths.size(); ++k) {
      const std::int64_t in = widths[k], out = widths[k + 1];
      const torch::Tensor input = torch::randn({B, in}), weight = torch::randn({out, in}) * 0.05,
                          grad_out = torch::randn({B, out});
      add(input, weight.t(), torch::empty({B, out}));                // forward: x W^T
      add(grad_out.t(), input, torch::empty({out, in}));             // dW = dh^T x
      if (k > 0) add(grad_out, weight, torch::empty({B, in}));       // dx = dh W
    }
  }
  double gflop() const { return gflop_; }
  double best_ms(double seconds) {
    return best_ms_of([&] { for (auto& p : products_) at::mm_out(p.out, p.lhs, p.rhs); }, seconds);
  }

 private:
  struct Product {
    torch::Tensor lhs, rhs, out;
  };
  void add(const torch::Tensor& lhs, const torch::Tensor& rhs, const torch::Tensor& out) {
    products_.push_back({lhs, rhs, out});
    gflop_ += 2e-9 * static_cast<double>(lhs.size(0)) * lhs.size(1) * rhs.size(1);
  }
  std::vector<Product> products_;
  double gflop_ = 0;
};

void run(const BenchCommand& c) {
  if (!(c.seconds > 0 && c.seconds <= 600)) throw UsageError("--seconds: must be in (0, 600]");
  if (c.batch < 1 || c.batch > 1'000'000) throw UsageError("--batch: must be in 1..1000000");
  check_point_count(c.points, "--points");
  if (c.threads < 0 || c.threads > 1024)
    throw UsageError("--threads: must be in 0..1024 (0: every hardware thread)");
  if (c.part != "all" && c.part != "train" && c.part != "sample")
    throw UsageError("--part: must be all, train or sample");
  const bool do_train = c.part != "sample", do_sample = c.part != "train";
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
  if (do_train) {
    trainer.train(50);
    // Chunks of 50 steps alternate with the plain products of a step, so that a load on the machine hits
    // both; the share of the sgemm rate is best against best.
    TrainingProductsPeer peer(spec, c.batch);
    std::int64_t steps = 0;
    double train_seconds = 0, best_step_ms = 1e30, products_ms = 1e30;
    const auto train_start = Clock::now();
    while (seconds_since(train_start) < c.seconds) {
      const auto t0 = Clock::now();
      const std::int64_t done = trainer.train(50).steps_done;
      const double chunk_seconds = seconds_since(t0);
      steps += done;
      train_seconds += chunk_seconds;
      if (done > 0) best_step_ms = std::min(best_step_ms, 1000.0 * chunk_seconds / done);
      if (trainer.device().is_cpu()) products_ms = std::min(products_ms, peer.best_ms(0.01));
    }
    std::printf("train_batch: %d samples\n", c.batch);
    std::printf("train_steps_per_s: %.1f steps/s\n", steps / train_seconds);
    std::printf("train_samples_per_s: %.0f samples/s\n",
                steps * static_cast<double>(c.batch) / train_seconds);
    if (trainer.device().is_cpu()) {
      std::printf("train_step_best_ms: %.3f ms (the best chunk of 50 steps: batch, forward, backward, Adam, EMA)\n",
                  best_step_ms);
      std::printf("sgemm_train_ms: %.3f ms (%.4f GFLOP, %.1f GFLOP/s: the products of one training step)\n",
                  products_ms, peer.gflop(), peer.gflop() / (products_ms / 1000.0));
      std::printf("train_share_of_sgemm_rate: %.0f%% (the products' time over the best step's)\n",
                  100.0 * products_ms / best_step_ms);
    }
    std::fflush(stdout);
  }
  if (!do_sample) return;

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
  // Alternate sampling runs and the plain products, so that a load on the machine hits both; the ratio is
  // best against best. Two peers: the module's products (5 products over all rows, as LibTorch's Linear
  // layers run them) and the products a one-level step needs (the input layer over x_t's columns only), at
  // the faster of all rows at once and 256-row blocks (the blocks the hand-written step uses).
  ProductsPeer module_peer(spec, c.points, /*full_input=*/true, 0);
  ProductsPeer needed_whole(spec, c.points, /*full_input=*/false, 0);
  ProductsPeer needed_blocks(spec, c.points, /*full_input=*/false, 256);
  std::int64_t point_steps = 0, evaluations = 0;
  double sample_seconds = 0, best_step_ms = 1e30, module_ms = 1e30, needed_ms = 1e30;
  const double peer_seconds = std::min(0.05, c.seconds / 10);
  const auto sample_start = Clock::now();
  for (int round = 0; round < 3 || seconds_since(sample_start) < c.seconds; ++round) {
    const auto t0 = Clock::now();
    const auto result = sample(schedule, denoiser, x_T, sampler);
    const double run_seconds = seconds_since(t0);
    sample_seconds += run_seconds;
    point_steps += c.points * result.steps_done;
    evaluations += result.nfe;
    best_step_ms = std::min(best_step_ms, 1000.0 * run_seconds / result.nfe);
    module_ms = std::min(module_ms, module_peer.best_ms(peer_seconds));
    needed_ms =
        std::min({needed_ms, needed_whole.best_ms(peer_seconds), needed_blocks.best_ms(peer_seconds)});
  }
  std::printf("sample_points: %lld points\n", static_cast<long long>(c.points));
  std::printf("sample_point_steps_per_s: %.4g points*steps/s\n", point_steps / sample_seconds);
  std::printf("sample_step_ms: %.3f ms\n", 1000.0 * sample_seconds / static_cast<double>(evaluations));
  std::printf("sample_step_best_ms: %.3f ms (a whole DDIM step: the network and the update)\n", best_step_ms);
  std::printf("sgemm_module_ms: %.3f ms (%.3f GFLOP, %.1f GFLOP/s: the module's products)\n", module_ms,
              module_peer.gflop(), module_peer.gflop() / (module_ms / 1000.0));
  std::printf("sgemm_needed_ms: %.3f ms (%.3f GFLOP, %.1f GFLOP/s: the products a one-level step needs)\n",
              needed_ms, needed_whole.gflop(), needed_whole.gflop() / (needed_ms / 1000.0));
  std::printf("sample_step_over_sgemm: %.2f x (best step against the needed products)\n",
              best_step_ms / needed_ms);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto command = std::make_shared<BenchCommand>();
  CLI::App* sub = app.add_subcommand(
      "bench",
      "Measure training (steps/s of the default model) and sampling (points x steps per second) speed");
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
  sub->add_option("--part", command->part, "What to measure: all, train or sample")->capture_default_str();
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
