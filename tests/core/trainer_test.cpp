// The trainer: its Adam/AdamW and clipping against LibTorch's reference optimizers, EMA, resume, the
// NaN guard, cancellation, live edits and the loss records the app plots.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "core/datasets2d.h"
#include "core/noise_embedding.h"
#include "core/oracles.h"
#include "core/parameterization.h"
#include "core/rng.h"
#include "core/trainer.h"

namespace dlab {
namespace {

TrainerConfig cpu_config(std::uint64_t seed = 1) {
  TrainerConfig config;
  config.device = DeviceKind::Cpu;
  config.threads = 1;
  config.seed = seed;
  config.batch_size = 128;
  return config;
}

torch::Tensor gmm8_points(std::int64_t n = 4096) { return sample_dataset(Dataset2D::Gmm8, n, 5); }

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> out;
  for (const auto& t : tensors) out.push_back(t.detach().clone());
  return out;
}

double max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  return worst;
}

// Feeds the trainer's own gradients, step by step, to a LibTorch reference optimizer over copies of the
// initial weights: the parameters must agree after every step.
template <class ReferenceOptimizer, class Options>
void expect_matches_reference(TrainerConfig config, const Options& options, double clip) {
  config.grad_clip = clip;
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  auto reference = copies(trainer.net()->parameters());
  for (auto& p : reference) p.set_requires_grad(true);
  ReferenceOptimizer optimizer(reference, options);
  for (int step = 0; step < 3; ++step) {
    ASSERT_EQ(trainer.train(1).status, TrainStatus::Completed);
    // The trainer's gradient buffers still hold this step's gradient, after clipping.
    const auto params = trainer.net()->parameters();
    double norm_squared = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
      reference[i].mutable_grad() = params[i].grad().detach().clone();
      norm_squared += params[i].grad().pow(2).sum().item<double>();
    }
    if (clip > 0) {
      EXPECT_LE(std::sqrt(norm_squared), clip * (1 + 1e-5));
    }
    optimizer.step();
    EXPECT_LT(max_difference(copies(params), copies(reference)), 2e-6) << "after step " << step + 1;
  }
}

TEST(Trainer, AdamMatchesLibTorchAdam) {
  auto config = cpu_config();
  config.learning_rate = 3e-3;
  expect_matches_reference<torch::optim::Adam>(config, torch::optim::AdamOptions(3e-3), 0.0);
}

TEST(Trainer, AdamWithL2WeightDecayMatchesLibTorchAdam) {
  auto config = cpu_config();
  config.learning_rate = 2e-3;
  config.weight_decay = 0.05;
  expect_matches_reference<torch::optim::Adam>(config, torch::optim::AdamOptions(2e-3).weight_decay(0.05), 0.0);
}

TEST(Trainer, AdamWMatchesLibTorchAdamW) {
  auto config = cpu_config();
  config.optimizer = OptimizerKind::AdamW;
  config.learning_rate = 2e-3;
  config.weight_decay = 0.1;
  expect_matches_reference<torch::optim::AdamW>(config, torch::optim::AdamWOptions(2e-3).weight_decay(0.1), 0.0);
}

TEST(Trainer, ClippedStepsMatchLibTorchAdamOnTheClippedGradient) {
  auto config = cpu_config();
  // A clip far below the typical gradient norm (~1) so every step is clipped.
  expect_matches_reference<torch::optim::Adam>(config, torch::optim::AdamOptions(1e-3), 1e-3);
}

TEST(Trainer, EmaFollowsTheWarmedUpDecay) {
  auto config = cpu_config();
  config.ema_decay = 0.999;
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  const auto initial = copies(trainer.net()->parameters());
  trainer.train(1);
  const auto after_one = copies(trainer.net()->parameters());
  // Step 0 uses decay min(0.999, (1 + 0)/(10 + 0)) = 0.1: ema = 0.1 initial + 0.9 new.
  auto ema = copies(trainer.ema_net(torch::kCPU)->parameters());
  for (std::size_t i = 0; i < ema.size(); ++i)
    EXPECT_LT((ema[i] - (0.1 * initial[i] + 0.9 * after_one[i])).abs().max().item<double>(), 1e-6);
  trainer.train(1);
  const auto after_two = copies(trainer.net()->parameters());
  const double decay = 2.0 / 11.0;  // step 1: (1 + 1)/(10 + 1)
  auto ema2 = copies(trainer.ema_net(torch::kCPU)->parameters());
  for (std::size_t i = 0; i < ema2.size(); ++i)
    EXPECT_LT((ema2[i] - (decay * ema[i] + (1 - decay) * after_two[i])).abs().max().item<double>(), 1e-6);
}

// Excess error of the network over the Bayes-optimal predictor, the exact eps of the gmm8 mixture
// (REFERENCE section 9), for a fixed batch of gmm8 points noised to abar = sigmoid(log SNR) with fixed
// noise: mean |out - target|^2 - mean |oracle - target|^2 per coordinate (>= 0 up to sampling noise).
double excess_error(const DenoiserNet& net, Prediction prediction, double log_snr) {
  torch::NoGradGuard no_grad;
  const auto x0 = sample_dataset(Dataset2D::Gmm8, 4000, 77);
  const auto eps = Rng(78).normal({4000, 2});
  const double abar = 1.0 / (1.0 + std::exp(-log_snr));
  const auto x_t = std::sqrt(abar) * x0 + std::sqrt(1 - abar) * eps;
  const auto output = net->forward(x_t, torch::full({4000}, static_cast<float>(log_snr)), {});
  auto oracle = mixture_eps(*dataset_mixture(Dataset2D::Gmm8), x_t, abar);
  auto target = eps;
  if (prediction == Prediction::V) {
    target = v_from_eps_x0(eps, x0, abar);
    oracle = v_from_eps_x0(oracle, x0_from_eps(x_t, oracle, abar), abar);
  }
  return (output - target).square().mean().item<double>() - (oracle - target).square().mean().item<double>();
}

TEST(Trainer, LossFallsAndIsRecordedPerStep) {
  auto config = cpu_config();
  config.learning_rate = 2e-3;
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  const double before = excess_error(trainer.net(), Prediction::Eps, 0.0);
  const double before_high = excess_error(trainer.net(), Prediction::Eps, 3.0);
  int reports = 0;
  const auto result = trainer.train(300, nullptr, [&](const TrainProgress& progress) {
    ++reports;
    EXPECT_GT(progress.steps_per_second, 0);
    EXPECT_EQ(progress.call_steps, 300);
  });
  EXPECT_EQ(result.status, TrainStatus::Completed);
  EXPECT_EQ(result.steps_done, 300);
  EXPECT_EQ(trainer.step(), 300);
  EXPECT_GE(reports, 300 / config.check_interval);
  const double after = excess_error(trainer.net(), Prediction::Eps, 0.0);
  const double after_high = excess_error(trainer.net(), Prediction::Eps, 3.0);
  std::printf("excess eps error at log-SNR 0: %.4f -> %.4f; at 3: %.4f -> %.4f\n", before, after, before_high, after_high);
  EXPECT_LT(after, 0.3 * before);
  EXPECT_LT(after_high, 0.75 * before_high);  // high SNR (eps barely visible in x_t) is learned last
  const auto history = trainer.loss_history();
  ASSERT_EQ(history.size(), 300u);
  double last = 0;
  for (int i = 250; i < 300; ++i) last += history[i] / 50.0;
  // The loss averaged over all levels is dominated by high SNR, where eps is nearly invisible (loss ~1),
  // and low SNR, where it is nearly free: a mean around 0.3..0.5 for gmm8.
  EXPECT_GT(last, 0.2);
  EXPECT_LT(last, 0.6);
  EXPECT_NEAR(result.last_loss, trainer.last_loss(), 1e-12);
  EXPECT_EQ(trainer.loss_history(290).size(), 10u);
  EXPECT_TRUE(trainer.loss_history(301).empty());
}

// The plot's per-bin means cover the last loss_bins_window steps (whole check intervals), not a
// running mean from the start, and the first window is kept beside them (issue 9).
TEST(Trainer, LossByNoiseLevelIsOverARecentWindowAndTheFirstOne) {
  auto config = cpu_config();
  config.batch_size = 64;
  config.check_interval = 50;
  config.loss_bins_window = 100;
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  trainer.train(300);
  double recent = 0;
  int bins_with_first = 0;
  for (const auto& bin : trainer.loss_by_noise_level()) {
    recent += bin.weight;
    if (!std::isnan(bin.first_mean_loss)) ++bins_with_first;
  }
  // Intervals of 50 steps (or fewer: a check also comes every 0.5 s): the window holds the fewest whole
  // intervals covering the last 100 steps, of 64 examples each. A mean since the start would hold 300.
  EXPECT_GE(recent, 100.0 * 64);
  EXPECT_LT(recent, 150.0 * 64);
  EXPECT_GT(bins_with_first, 0);
}

TEST(Trainer, LossByNoiseLevelCoversTheSchedulesAndRisesWithSnr) {
  auto config = cpu_config();
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  trainer.train(200);
  const auto bins = trainer.loss_by_noise_level();
  ASSERT_EQ(bins.size(), static_cast<std::size_t>(config.loss_bins));
  // Cosine abar_T = 2.4e-9 (log-SNR -19.8) and abar_1 = 1 - 4.1e-5 (+10.1), rounded outwards.
  EXPECT_DOUBLE_EQ(bins.front().log_snr_low, -20.0);
  EXPECT_DOUBLE_EQ(bins.back().log_snr_high, 11.0);
  double total_weight = 0;
  for (const auto& bin : bins) total_weight += bin.weight;
  EXPECT_GT(total_weight, 0);
  // eps is hard to see at high SNR (loss near 1) and nearly given at low SNR (eps_hat -> x_t).
  auto mean_in = [&](double low, double high) {
    double sum = 0, weight = 0;
    for (const auto& bin : bins)
      if (bin.log_snr_low >= low && bin.log_snr_high <= high && bin.weight > 0) {
        sum += bin.mean_loss * bin.weight;
        weight += bin.weight;
      }
    return sum / weight;
  };
  EXPECT_GT(mean_in(5, 11), 0.5);
  EXPECT_LT(mean_in(-13, -7), 0.05);
}

TEST(Trainer, TrainingInPiecesEqualsTrainingAtOnce) {
  Trainer at_once(cpu_config(3), ModelSpec{}, gmm8_points());
  Trainer in_pieces(cpu_config(3), ModelSpec{}, gmm8_points());
  at_once.train(120);
  in_pieces.train(50);
  in_pieces.train(0);
  in_pieces.train(70);
  EXPECT_EQ(in_pieces.step(), 120);
  EXPECT_EQ(max_difference(copies(at_once.net()->parameters()), copies(in_pieces.net()->parameters())), 0.0);
  EXPECT_EQ(at_once.loss_history(), in_pieces.loss_history());
}

TEST(Trainer, AHugeLearningRateStopsWithAMessageAndKeepsFiniteWeights) {
  auto config = cpu_config();
  config.grad_clip = 0;
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  ASSERT_EQ(trainer.train(60).status, TrainStatus::Completed);
  const auto good = copies(trainer.net()->parameters());
  trainer.set_learning_rate(1e30);
  const auto result = trainer.train(200);
  ASSERT_EQ(result.status, TrainStatus::Diverged);
  EXPECT_NE(result.message.find("diverged"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("learning rate"), std::string::npos) << result.message;
  // Back to the weights of the last good check (step 60 here), all finite, raw and EMA alike.
  EXPECT_EQ(trainer.step(), 60);
  EXPECT_EQ(result.steps_done, 0);
  EXPECT_EQ(trainer.loss_history_size(), 60u);
  for (const auto& p : trainer.net()->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  for (const auto& p : trainer.ema_net()->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  EXPECT_EQ(max_difference(copies(trainer.net()->parameters()), good), 0.0);
  // Training goes on after lowering the learning rate.
  trainer.set_learning_rate(1e-3);
  EXPECT_EQ(trainer.train(20).status, TrainStatus::Completed);
  EXPECT_EQ(trainer.step(), 80);
}

TEST(Trainer, CancelStopsBetweenSteps) {
  Trainer trainer(cpu_config(), ModelSpec{}, gmm8_points());
  std::atomic<bool> cancel{true};
  auto result = trainer.train(100, &cancel);
  EXPECT_EQ(result.status, TrainStatus::Cancelled);
  EXPECT_EQ(result.steps_done, 0);
  // Cancelled from the progress callback: stops at the next step, having kept what it did.
  cancel = false;
  result = trainer.train(1000, &cancel, [&](const TrainProgress&) { cancel = true; });
  EXPECT_EQ(result.status, TrainStatus::Cancelled);
  EXPECT_GE(result.steps_done, 1);
  EXPECT_LT(result.steps_done, 1000);
  EXPECT_EQ(trainer.loss_history_size(), static_cast<std::size_t>(result.steps_done));
}

TEST(Trainer, LearningRateAndBatchSizeChangeBetweenCalls) {
  Trainer trainer(cpu_config(), ModelSpec{}, gmm8_points());
  trainer.set_batch_size(7);
  trainer.set_learning_rate(5e-4);
  EXPECT_EQ(trainer.batch_size(), 7);
  EXPECT_DOUBLE_EQ(trainer.learning_rate(), 5e-4);
  EXPECT_EQ(trainer.train(5).status, TrainStatus::Completed);
  EXPECT_THROW(trainer.set_batch_size(0), std::invalid_argument);
  EXPECT_THROW(trainer.set_learning_rate(-1), std::invalid_argument);
  EXPECT_THROW(trainer.set_learning_rate(std::nan("")), std::invalid_argument);
}

TEST(Trainer, SnapshotsAreSafeWhileTraining) {
  Trainer trainer(cpu_config(), ModelSpec{}, gmm8_points());
  std::atomic<bool> done{false};
  std::thread worker([&] {
    trainer.train(150);
    done = true;
  });
  int snapshots = 0;
  while (!done) {
    auto net = trainer.ema_net(torch::kCPU);
    for (const auto& p : net->parameters()) ASSERT_TRUE(torch::isfinite(p).all().item<bool>());
    trainer.loss_history();
    trainer.loss_by_noise_level();
    trainer.set_learning_rate(1e-3);
    ++snapshots;
  }
  worker.join();
  EXPECT_GT(snapshots, 0);
  EXPECT_EQ(trainer.step(), 150);
}

TEST(Trainer, VPredictionTrainsTowardsTheVTarget) {
  ModelSpec spec;
  spec.prediction = Prediction::V;
  auto config = cpu_config();
  config.learning_rate = 2e-3;
  Trainer trainer(config, spec, gmm8_points());
  const double before = excess_error(trainer.net(), Prediction::V, 0.0);
  trainer.train(300);
  const double after = excess_error(trainer.net(), Prediction::V, 0.0);
  std::printf("excess v error at log-SNR 0: %.4f -> %.4f\n", before, after);
  EXPECT_LT(after, 0.3 * before);
}

TEST(Trainer, RejectsBadConfigurationsAndData) {
  auto config = cpu_config();
  config.learning_rate = 0;
  EXPECT_THROW(Trainer(config, ModelSpec{}, gmm8_points()), std::invalid_argument);
  config = cpu_config();
  config.ema_decay = 1.0;
  EXPECT_THROW(Trainer(config, ModelSpec{}, gmm8_points()), std::invalid_argument);
  config = cpu_config();
  config.noise_schedules.clear();
  EXPECT_THROW(Trainer(config, ModelSpec{}, gmm8_points()), std::invalid_argument);
  EXPECT_THROW(Trainer(cpu_config(), ModelSpec{}, torch::zeros({10, 3})), std::invalid_argument);
  EXPECT_THROW(Trainer(cpu_config(), ModelSpec{}, torch::zeros({0, 2})), std::invalid_argument);
  Trainer trainer(cpu_config(), ModelSpec{}, gmm8_points());
  EXPECT_THROW(trainer.train(-1), std::invalid_argument);
}

TEST(Trainer, SaysWhichDeviceItUses) {
  Trainer trainer(cpu_config(), ModelSpec{}, gmm8_points(16));
  EXPECT_EQ(trainer.device_description(), "cpu (1 thread)");
  auto config = cpu_config();
  config.device = DeviceKind::Auto;
  Trainer automatic(config, ModelSpec{}, gmm8_points(16));
  EXPECT_EQ(automatic.device().is_cuda(), torch::cuda::is_available());
  config.device = DeviceKind::Cuda;
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(Trainer(config, ModelSpec{}, gmm8_points(16)), std::invalid_argument);
  }
}

TEST(Trainer, TrainsWithUnequalScheduleLengths) {
  auto config = cpu_config();
  ScheduleConfig short_linear;
  short_linear.timesteps = 50;
  config.noise_schedules = {short_linear, ScheduleConfig{}};
  Trainer trainer(config, ModelSpec{}, gmm8_points());
  EXPECT_EQ(trainer.train(20).status, TrainStatus::Completed);
}

TEST(Trainer, CosineLearningRateDecay) {
  TrainerConfig config;
  EXPECT_EQ(learning_rate_factor(config, 12345), 1.0) << "no decay by default";
  config.lr_decay_steps = 1000;
  EXPECT_DOUBLE_EQ(learning_rate_factor(config, 0), 1.0);
  // Half-way down a half cosine: the mean of the two ends (Loshchilov & Hutter 2017, Eq. (5)).
  EXPECT_NEAR(learning_rate_factor(config, 500), (1.0 + kFinalLearningRateRatio) / 2, 1e-12);
  EXPECT_NEAR(learning_rate_factor(config, 250),
              kFinalLearningRateRatio + (1 - kFinalLearningRateRatio) * (1 + std::cos(M_PI / 4)) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(learning_rate_factor(config, 1000), kFinalLearningRateRatio);
  EXPECT_DOUBLE_EQ(learning_rate_factor(config, 5000), kFinalLearningRateRatio) << "stays at the floor";
  config.lr_decay_steps = -1;
  EXPECT_THROW(validate(config), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
