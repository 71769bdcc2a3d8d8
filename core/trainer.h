// Training a denoiser with the simple loss of Ho et al. 2020 (Eq. (14), L_simple): steppable, pausable,
// resumable, on a GPU when LibTorch has one, otherwise on the CPU with an explicit thread count.
//
// Noise levels: each example draws a schedule from TrainerConfig::noise_schedules (default linear and
// cosine, T = 1000) and a t uniform in 1..T; the network sees log-SNR(t) of that schedule. Together
// the two schedules cover log-SNR from -19.8 (cosine abar_T) to +10.1 (cosine abar_1), which contains
// the levels a sampler visits under the built-in schedules at T = 1000, any respacing and zero terminal
// SNR (abar_T clamped to 2^-24, log-SNR -16.6), so one trained model serves them all (Kingma et al. 2021);
// below -19.8 the v output parameterisation (core/denoiser_net.h) makes eps_hat -> x_t regardless.
//
// Speed: all parameters live in one flat buffer and all gradients in another, so Adam, gradient
// clipping and the EMA are a handful of tensor operations per step instead of a few per parameter;
// the loss stays on the device and is read back every `check_interval` steps (or 0.5 s), never per
// step (instant-ngp does the same).
#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/denoiser_net.h"
#include "core/device.h"
#include "core/loss_window.h"
#include "core/names.h"
#include "core/schedule.h"

namespace dlab {

enum class OptimizerKind { Adam, AdamW };

template <>
struct EnumNames<OptimizerKind> {
  static constexpr std::array<EnumEntry<OptimizerKind>, 2> entries{{
      // Kingma & Ba 2015, Alg. 1 (weight decay, if any, added to the gradient as L2).
      {OptimizerKind::Adam, "adam", "Adam"},
      // Loshchilov & Hutter 2019, Alg. 2 (decoupled weight decay).
      {OptimizerKind::AdamW, "adamw", "AdamW"},
  }};
};

// How the learning rate moves over a training run (the command line's --lr-decay).
enum class LearningRateSchedule { Constant, Cosine };

template <>
struct EnumNames<LearningRateSchedule> {
  static constexpr std::array<EnumEntry<LearningRateSchedule>, 2> entries{{
      {LearningRateSchedule::Constant, "none", "Constant"},
      // Loshchilov & Hutter 2017, Eq. (5): down to kFinalLearningRateRatio by the end of the run.
      {LearningRateSchedule::Cosine, "cosine", "Cosine decay"},
  }};
};

struct TrainerConfig {
  OptimizerKind optimizer = OptimizerKind::Adam;
  double learning_rate = 1e-3;
  int batch_size = 256;
  double grad_clip = 1.0;      // max global L2 norm of the gradient; <= 0 disables clipping
  double ema_decay = 0.999;    // EMA of the weights, warmed up as min(decay, (1 + step)/(10 + step))
  double weight_decay = 0.0;
  // > 0: the learning rate follows a half cosine from learning_rate down to kFinalLearningRateRatio of it
  // over the first lr_decay_steps steps, then stays there (Loshchilov & Hutter 2017, Eq. (5), one
  // period without restart); 0: constant. The EMA and the Adam moments are unaffected.
  std::int64_t lr_decay_steps = 0;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  std::uint64_t seed = 0;
  DeviceKind device = DeviceKind::Auto;
  int threads = 0;             // CPU threads for LibTorch; <= 0: every hardware thread
  double label_dropout = 0.1;  // class-conditional models: probability a label becomes the null label (CFG,
                               // Ho & Salimans 2022, Alg. 1)
  int check_interval = 50;     // steps between reads of the loss (history, NaN check, progress); also every 0.5 s
  int loss_bins = 32;          // bins of the loss-by-noise-level plot, over log-SNR
  std::int64_t loss_bins_window = 500;  // steps: the per-bin mean is over the most recent this many steps
  // Noise levels seen in training (see the top of this file).
  std::vector<ScheduleConfig> noise_schedules = default_training_schedules();
  // An unconditional MLP on the CPU trains with the hand-written step of core/mlp_step.h (forward, backward
  // and Adam over preallocated buffers, no autograd graph; the same gradients); false: autograd and tensor ops.
  bool hand_written_mlp_step = true;

  static std::vector<ScheduleConfig> default_training_schedules();
};

constexpr double kFinalLearningRateRatio = 0.05;

// The factor on the learning rate at optimisation step `step` (0-based) under config.lr_decay_steps.
double learning_rate_factor(const TrainerConfig& config, std::int64_t step);

// Throws std::invalid_argument naming the field and what to fix.
void validate(const TrainerConfig& config);

enum class TrainStatus { Completed, Cancelled, Diverged };

template <>
struct EnumNames<TrainStatus> {
  static constexpr std::array<EnumEntry<TrainStatus>, 3> entries{{
      {TrainStatus::Completed, "completed", "Completed"},
      {TrainStatus::Cancelled, "cancelled", "Cancelled"},
      {TrainStatus::Diverged, "diverged", "Diverged (loss NaN or infinite)"},
  }};
};

struct TrainProgress {
  std::int64_t step = 0;            // total optimisation steps so far
  std::int64_t call_steps_done = 0; // steps done in this train() call
  std::int64_t call_steps = 0;      // steps requested in this train() call
  double loss = 0;                  // mean loss since the previous report
  double steps_per_second = 0;      // over this call
  double elapsed_seconds = 0;       // in this call
};

using ProgressCallback = std::function<void(const TrainProgress&)>;

struct TrainResult {
  TrainStatus status = TrainStatus::Completed;
  std::int64_t steps_done = 0;  // steps kept from this call (after a divergence: up to the restored step)
  double last_loss = 0;         // mean loss of the last interval read back (finite)
  double seconds = 0;
  std::string message;          // why it stopped, for Cancelled and Diverged
};

// One bin of the loss-by-noise-level plot: the mean per-example loss of the examples whose log-SNR fell
// in [log_snr_low, log_snr_high), over the last loss_bins_window steps (core/loss_window.h), and over the
// first loss_bins_window steps of training.
struct LossBin {
  double log_snr_low = 0;
  double log_snr_high = 0;
  double mean_loss = 0;  // recent window; NaN while the bin has seen no example
  double weight = 0;     // examples behind mean_loss
  double first_mean_loss = 0;  // first window; NaN while the bin has seen no example
};

struct NamedTensor {
  std::string name;
  torch::Tensor value;
};

// What a checkpoint stores about training (core/checkpoint.h); tensors on the CPU.
struct TrainingState {
  std::int64_t step = 0;                 // optimisation steps behind these weights
  std::int64_t optimizer_step = 0;       // Adam's step count t for the bias corrections (0: fresh moments)
  std::vector<NamedTensor> weights;      // parameters and buffers, in module order
  std::vector<NamedTensor> ema_weights;  // same names; empty if absent
  torch::Tensor exp_avg, exp_avg_sq;     // Adam moments over the flat parameter vector; undefined if absent
  torch::Tensor rng_state;               // CPU generator state; undefined if absent
  std::vector<float> loss_history;       // per step
  double last_loss = 0;
};

class MlpStep;

class Trainer {
 public:
  // data: [N, spec.data_shape...] float; labels: [N] int64 in 0..num_classes-1, required when
  // spec.num_classes > 0. Both are copied to the training device. Throws std::invalid_argument.
  Trainer(const TrainerConfig& config, const ModelSpec& spec, const torch::Tensor& data,
          const torch::Tensor& labels = {});
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Runs `steps` optimisation steps, then returns; call again to continue (state persists). Stops early
  // when *cancel becomes true (checked every step), or when the loss turns NaN/inf: then the weights,
  // EMA and optimizer state of the last good check are restored and the status says Diverged.
  // `progress` is called from this thread after every check (every check_interval steps or 0.5 s).
  TrainResult train(std::int64_t steps, const std::atomic<bool>* cancel = nullptr,
                    const ProgressCallback& progress = {});

  // Live edits, safe from any thread; they apply from the next step.
  void set_learning_rate(double learning_rate);  // > 0
  void set_batch_size(int batch_size);           // >= 1
  double learning_rate() const { return learning_rate_.load(); }
  int batch_size() const { return batch_size_.load(); }

  const ModelSpec& spec() const { return spec_; }
  const TrainerConfig& config() const { return config_; }
  const torch::Device& device() const { return device_; }
  std::string device_description() const;  // "cpu (2 threads)"
  std::int64_t step() const { return step_.load(); }

  // Thread-safe copies for the app's plots.
  std::vector<float> loss_history(std::size_t from = 0) const;  // per-step loss from index `from` on
  std::size_t loss_history_size() const;
  std::vector<LossBin> loss_by_noise_level() const;
  double last_loss() const;

  // A fresh network holding the EMA weights, in eval mode, on `device` (the training device if omitted).
  // Thread-safe: waits for the current step to finish.
  DenoiserNet ema_net() const;
  DenoiserNet ema_net(const torch::Device& device) const;
  // The raw (non-EMA) network being trained; touch it only while train() is not running.
  DenoiserNet net() const { return net_; }

  TrainingState export_state(bool include_optimizer = true) const;
  // Restores weights (and EMA, optimizer moments, RNG, history when present). Names and shapes must
  // match this trainer's network (std::invalid_argument naming the tensor otherwise).
  void import_state(const TrainingState& state);

 private:
  struct Tables;
  void step_once(std::int64_t slot);
  void mlp_step_once(std::int64_t slot, std::int64_t batch, double lr);  // the hand-written MLP step
  bool check(std::int64_t pending_steps, double* interval_loss, std::string* problem);
  void save_good_state();
  void restore_good_state();

  TrainerConfig config_;
  ModelSpec spec_;
  torch::Device device_;
  DenoiserNet net_;
  std::vector<torch::Tensor> parameters_;  // views into flat_params_
  torch::Tensor flat_params_, flat_grads_, flat_ema_, exp_avg_, exp_avg_sq_;
  torch::Tensor good_params_, good_ema_, good_exp_avg_, good_exp_avg_sq_;
  std::int64_t good_step_ = 0, good_optimizer_step_ = 0;
  std::int64_t optimizer_step_ = 0;
  torch::Tensor data_, labels_;
  std::unique_ptr<Tables> tables_;
  std::unique_ptr<MlpStep> mlp_step_;     // the hand-written step, when config and network allow it
  torch::Tensor per_example_;             // its per-example losses [batch]
  mutable at::Generator generator_;  // guarded by its own mutex for get/set_state
  torch::Tensor loss_buffer_;             // per-step losses since the last check, on the device
  torch::Tensor bin_sum_, bin_count_;     // per-bin sums since the last check, on the device
  torch::Tensor ones_;                    // [batch] of ones for bin counts
  std::atomic<double> learning_rate_;
  std::atomic<int> batch_size_;
  std::atomic<std::int64_t> step_{0};

  mutable std::mutex weights_mutex_;  // held during each step and while copying weights out
  mutable std::mutex history_mutex_;  // guards the fields below
  std::vector<float> loss_history_;
  BinnedLossWindow loss_window_;
  std::vector<double> bin_edges_;
  double last_loss_ = 0;
};

}  // namespace dlab
