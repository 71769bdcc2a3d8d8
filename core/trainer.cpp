#include "core/trainer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/mlp_step.h"
#include "core/noise_embedding.h"
#include "core/samplers.h"

namespace dlab {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMaxSecondsBetweenChecks = 0.5;

// splitmix64 (Steele et al. 2014): decorrelates seeds.
std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string shape_string(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < sizes.size(); ++i) out << (i ? ", " : "") << sizes[i];
  out << "]";
  return out.str();
}

std::vector<NamedTensor> named_weights(const DenoiserNetImpl& net) {
  std::vector<NamedTensor> out;
  for (const auto& item : net.named_parameters()) out.push_back({item.key(), item.value()});
  for (const auto& item : net.named_buffers()) out.push_back({item.key(), item.value()});
  return out;
}

// Copies `source` (a saved list) into `target` (the network's own tensors), checking names and shapes.
void copy_named(const std::vector<NamedTensor>& source, const std::vector<NamedTensor>& target,
                const std::string& what) {
  for (const auto& entry : target) {
    const auto found = std::find_if(source.begin(), source.end(),
                                    [&](const NamedTensor& candidate) { return candidate.name == entry.name; });
    if (found == source.end())
      throw std::invalid_argument(what + ": tensor '" + entry.name + "' is missing");
    if (found->value.sizes() != entry.value.sizes())
      throw std::invalid_argument(what + ": tensor '" + entry.name + "' has shape " +
                                  shape_string(found->value.sizes()) + ", the model expects " +
                                  shape_string(entry.value.sizes()));
  }
  for (const auto& entry : source) {
    const bool known = std::any_of(target.begin(), target.end(),
                                   [&](const NamedTensor& candidate) { return candidate.name == entry.name; });
    if (!known) throw std::invalid_argument(what + ": unexpected tensor '" + entry.name + "'");
  }
  torch::NoGradGuard no_grad;
  for (const auto& entry : target) {
    const auto found = std::find_if(source.begin(), source.end(),
                                    [&](const NamedTensor& candidate) { return candidate.name == entry.name; });
    entry.value.copy_(found->value);
  }
}

// The EMA decay at this step: the configured decay, warmed up as (1 + s)/(10 + s) so that the first steps'
// weights do not linger (Polyak averaging; warm-up as in Tarvainen & Valpola 2017).
double ema_decay_at(const TrainerConfig& config, std::int64_t step) {
  const auto s = static_cast<double>(step);
  return std::min(config.ema_decay, (1.0 + s) / (10.0 + s));
}

}  // namespace

std::vector<ScheduleConfig> TrainerConfig::default_training_schedules() {
  ScheduleConfig linear;  // linear 1e-4..0.02, T = 1000 (Ho et al. 2020)
  ScheduleConfig cosine;
  cosine.kind = ScheduleKind::Cosine;  // Nichol & Dhariwal 2021, T = 1000
  return {linear, cosine};
}

double learning_rate_factor(const TrainerConfig& config, std::int64_t step) {
  if (config.lr_decay_steps <= 0) return 1.0;
  const double progress = std::min(1.0, static_cast<double>(step) / static_cast<double>(config.lr_decay_steps));
  // eta_t = eta_min + (eta_max - eta_min) (1 + cos(pi t / T)) / 2 (Loshchilov & Hutter 2017, Eq. (5)).
  const double pi = std::acos(-1.0);
  return kFinalLearningRateRatio + (1.0 - kFinalLearningRateRatio) * 0.5 * (1.0 + std::cos(pi * progress));
}

void validate(const TrainerConfig& config) {
  auto fail = [](const std::string& message) { throw std::invalid_argument("training: " + message); };
  if (!(config.learning_rate > 0) || !std::isfinite(config.learning_rate))
    fail("learning rate must be a positive number");
  if (config.batch_size < 1) fail("batch size must be >= 1");
  if (config.lr_decay_steps < 0) fail("learning-rate decay steps must be >= 0 (0: constant)");
  if (!(config.ema_decay >= 0 && config.ema_decay < 1)) fail("EMA decay must be in [0, 1)");
  if (!(config.weight_decay >= 0)) fail("weight decay must be >= 0");
  if (!(config.adam_beta1 >= 0 && config.adam_beta1 < 1)) fail("Adam beta1 must be in [0, 1)");
  if (!(config.adam_beta2 >= 0 && config.adam_beta2 < 1)) fail("Adam beta2 must be in [0, 1)");
  if (!(config.adam_epsilon > 0)) fail("Adam epsilon must be > 0");
  if (!(config.label_dropout >= 0 && config.label_dropout <= 1)) fail("label dropout must be in [0, 1]");
  if (config.check_interval < 1) fail("check interval must be >= 1");
  if (config.loss_bins < 1 || config.loss_bins > 1000) fail("loss bins must be in 1..1000");
  if (config.loss_bins_window < 1) fail("loss bins window must be >= 1 step");
  if (config.noise_schedules.empty()) fail("at least one noise schedule is needed");
  for (const auto& schedule : config.noise_schedules) validate(schedule);
}

// The noise levels training draws from: per entry (schedule s, timestep t) the coefficients
// sqrt(abar), sqrt(1 - abar) and log-SNR, and the loss bin.
struct Trainer::Tables {
  torch::Tensor coefficients;  // [K, 3] float32 on the device
  torch::Tensor bins;          // [K] int64 on the device
  torch::Tensor probabilities; // [K] float32: 1/(S T_s), defined only when the T_s differ
  std::int64_t entries = 0;

  torch::Tensor sample(std::int64_t batch, at::Generator& generator, const torch::Device& device) const {
    if (!probabilities.defined())
      return at::randint(entries, {batch}, generator, torch::TensorOptions().dtype(torch::kLong).device(device));
    return at::multinomial(probabilities, batch, /*replacement=*/true, generator);
  }
};

Trainer::Trainer(const TrainerConfig& config, const ModelSpec& spec, const torch::Tensor& data,
                 const torch::Tensor& labels)
    : config_(config),
      spec_(spec),
      device_(resolve_device(config.device)),
      learning_rate_(config.learning_rate),
      batch_size_(config.batch_size) {
  validate(config_);
  if (device_.is_cpu())
    configure_cpu_threads(config_.threads, spec_.kind == ModelKind::Mlp ? CpuWork::MatrixProducts : CpuWork::Mixed);

  // ---- data -----------------------------------------------------------------------------------
  if (!data.defined() || data.dim() < 1 || data.size(0) < 1)
    throw std::invalid_argument("training: the data set is empty");
  std::vector<std::int64_t> expected{data.size(0)};
  expected.insert(expected.end(), spec_.data_shape.begin(), spec_.data_shape.end());
  if (data.sizes() != at::IntArrayRef(expected))
    throw std::invalid_argument("training: data has shape " + shape_string(data.sizes()) + ", the model expects " +
                                shape_string(expected));
  data_ = data.to(device_, torch::kFloat).contiguous();
  if (spec_.num_classes > 0) {
    if (!labels.defined() || labels.dim() != 1 || labels.size(0) != data.size(0))
      throw std::invalid_argument("training: a class-conditional model needs labels of shape [N]");
    labels_ = labels.to(device_, torch::kLong).contiguous();
    if (labels_.min().item<std::int64_t>() < 0 || labels_.max().item<std::int64_t>() >= spec_.num_classes)
      throw std::invalid_argument("training: labels must lie in 0.." + std::to_string(spec_.num_classes - 1));
  }

  // ---- network, with every parameter a view into one flat buffer --------------------------------
  net_ = make_denoiser_net(spec_, config_.seed);
  net_->to(device_);
  net_->train();
  {
    torch::NoGradGuard no_grad;
    std::int64_t total = 0;
    for (const auto& p : net_->parameters()) total += p.numel();
    const auto options = torch::TensorOptions().dtype(torch::kFloat).device(device_);
    flat_params_ = torch::empty({total}, options);
    flat_grads_ = torch::zeros({total}, options);
    std::int64_t offset = 0;
    for (auto& p : net_->parameters()) {
      if (p.scalar_type() != torch::kFloat)
        throw std::invalid_argument("training: every parameter must be float32");
      auto view = flat_params_.narrow(0, offset, p.numel()).view(p.sizes());
      view.copy_(p);
      p.set_data(view);
      p.mutable_grad() = flat_grads_.narrow(0, offset, p.numel()).view(p.sizes());
      parameters_.push_back(p);
      offset += p.numel();
    }
    flat_ema_ = flat_params_.clone();
    exp_avg_ = torch::zeros_like(flat_params_);
    exp_avg_sq_ = torch::zeros_like(flat_params_);
  }
  if (config_.hand_written_mlp_step && device_.is_cpu() && mlp_step_supports(*net_))
    mlp_step_ = std::make_unique<MlpStep>(*net_);  // writes its gradients into the flat_grads_ views

  // ---- random numbers: our own CPU generator; on a GPU the device's default generator, seeded -----
  // (A stream of its own, so that data drawn from the same --seed do not share random numbers with it.)
  const std::uint64_t batch_seed = splitmix64(config_.seed ^ 0x747261696e696e67ULL);  // "training"
  if (device_.is_cpu()) {
    generator_ = at::detail::createCPUGenerator(batch_seed);
  } else {
    generator_ = at::globalContext().defaultGenerator(device_);
    std::lock_guard<std::mutex> lock(generator_.mutex());
    generator_.set_current_seed(batch_seed);
  }

  // ---- noise-level tables, computed in double precision -----------------------------------------
  std::vector<float> coefficients;
  std::vector<double> levels;
  std::vector<float> probabilities;
  bool equal_lengths = true;
  for (const auto& schedule_config : config_.noise_schedules) {
    const NoiseSchedule schedule(schedule_config);
    equal_lengths = equal_lengths && schedule.timesteps() == config_.noise_schedules.front().timesteps;
    for (int t = 1; t <= schedule.timesteps(); ++t) {
      // Zero terminal SNR: abar_T = 0 is clamped to 2^-24 as the samplers do (Lin et al. 2023, section 3.1).
      const double abar = sampling_alpha_bar(schedule, t);
      const double log_snr = log_snr_from_alpha_bar(abar);
      coefficients.push_back(static_cast<float>(std::sqrt(abar)));
      coefficients.push_back(static_cast<float>(std::sqrt(1.0 - abar)));
      coefficients.push_back(static_cast<float>(log_snr));
      levels.push_back(log_snr);
      probabilities.push_back(
          static_cast<float>(1.0 / (config_.noise_schedules.size() * static_cast<double>(schedule.timesteps()))));
    }
  }
  tables_ = std::make_unique<Tables>();
  tables_->entries = static_cast<std::int64_t>(levels.size());
  tables_->coefficients =
      torch::tensor(coefficients, torch::kFloat).view({tables_->entries, 3}).to(device_).contiguous();
  if (!equal_lengths) tables_->probabilities = torch::tensor(probabilities, torch::kFloat).to(device_);
  const double lowest = std::floor(*std::min_element(levels.begin(), levels.end()));
  const double highest = std::ceil(*std::max_element(levels.begin(), levels.end()) + 1e-9);
  const int bins = config_.loss_bins;
  for (int b = 0; b <= bins; ++b) bin_edges_.push_back(lowest + (highest - lowest) * b / bins);
  std::vector<std::int64_t> bin_of_entry;
  for (double level : levels)
    bin_of_entry.push_back(std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::floor((level - lowest) / (highest - lowest) * bins)), 0, bins - 1));
  tables_->bins = torch::tensor(bin_of_entry, torch::kLong).to(device_);

  const auto float_options = torch::TensorOptions().dtype(torch::kFloat).device(device_);
  loss_buffer_ = torch::zeros({config_.check_interval}, float_options);
  bin_sum_ = torch::zeros({bins}, float_options);
  bin_count_ = torch::zeros({bins}, float_options);
  loss_window_ = BinnedLossWindow(bins, config_.loss_bins_window);
  save_good_state();
}

Trainer::~Trainer() = default;

void Trainer::set_learning_rate(double learning_rate) {
  if (!(learning_rate > 0) || !std::isfinite(learning_rate))
    throw std::invalid_argument("training: learning rate must be a positive number");
  learning_rate_.store(learning_rate);
}

void Trainer::set_batch_size(int batch_size) {
  if (batch_size < 1) throw std::invalid_argument("training: batch size must be >= 1");
  batch_size_.store(batch_size);
}

std::string Trainer::device_description() const { return describe_device(device_); }

void Trainer::step_once(std::int64_t slot) {
  const std::int64_t batch = batch_size_.load();
  const double lr = learning_rate_.load() * learning_rate_factor(config_, step_.load());
  const auto long_options = torch::TensorOptions().dtype(torch::kLong).device(device_);
  const auto float_options = torch::TensorOptions().dtype(torch::kFloat).device(device_);
  std::lock_guard<std::mutex> lock(weights_mutex_);
  if (mlp_step_) {
    mlp_step_once(slot, batch, lr);
    return;
  }

  // ---- a batch: x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps (Ho et al. 2020, Eq. (4)) ------------------
  const torch::Tensor index = at::randint(data_.size(0), {batch}, generator_, long_options);
  const torch::Tensor x0 = data_.index_select(0, index);
  const torch::Tensor entry = tables_->sample(batch, generator_, device_);
  const torch::Tensor coefficients = tables_->coefficients.index_select(0, entry);
  std::vector<std::int64_t> column_shape(x0.dim(), 1);
  column_shape[0] = batch;
  const torch::Tensor sqrt_abar = coefficients.select(1, 0).reshape(column_shape);
  const torch::Tensor sqrt_one_minus_abar = coefficients.select(1, 1).reshape(column_shape);
  const torch::Tensor log_snr = coefficients.select(1, 2);
  const torch::Tensor eps = at::randn(x0.sizes(), generator_, float_options);
  const torch::Tensor x_t = torch::addcmul(x0 * sqrt_abar, eps, sqrt_one_minus_abar);
  torch::Tensor target;
  switch (spec_.prediction) {
    case Prediction::Eps: target = eps; break;
    case Prediction::X0: target = x0; break;
    // v = sqrt(abar) eps - sqrt(1 - abar) x_0 (Salimans & Ho 2022, section 4).
    case Prediction::V: target = eps * sqrt_abar - x0 * sqrt_one_minus_abar; break;
  }
  torch::Tensor labels;
  if (spec_.num_classes > 0) {
    labels = labels_.index_select(0, index);
    if (config_.label_dropout > 0) {
      // Classifier-free guidance: the null label num_classes with probability p (Ho & Salimans 2022, Alg. 1).
      const torch::Tensor drop = at::rand({batch}, generator_, float_options) < config_.label_dropout;
      labels = labels.masked_fill(drop, spec_.num_classes);
    }
  }

  // ---- L_simple = |target - f(x_t, log SNR)|^2 (Ho et al. 2020, Eq. (14)) --------------------------
  const torch::Tensor output = net_->forward(x_t, log_snr, labels);
  const torch::Tensor per_example = (output - target).square().flatten(1).mean(1);
  const torch::Tensor loss = per_example.mean();
  flat_grads_.zero_();
  loss.backward();

  torch::NoGradGuard no_grad;
  if (config_.grad_clip > 0) {
    // Global-norm clipping (Pascanu et al. 2013), without reading the norm back to the host.
    const torch::Tensor scale = (config_.grad_clip / (flat_grads_.norm() + 1e-6)).clamp_max(1.0);
    flat_grads_.mul_(scale);
  }
  // ---- Adam (Kingma & Ba 2015, Alg. 1) / AdamW (Loshchilov & Hutter 2019, Alg. 2) ------------------
  const std::int64_t t = ++optimizer_step_;
  const double beta1 = config_.adam_beta1, beta2 = config_.adam_beta2;
  torch::Tensor gradient = flat_grads_;
  if (config_.weight_decay > 0) {
    if (config_.optimizer == OptimizerKind::AdamW)
      flat_params_.mul_(1.0 - lr * config_.weight_decay);             // decoupled: p -= lr wd p
    else
      gradient = flat_grads_.add(flat_params_, config_.weight_decay);  // L2: g + wd p
  }
  exp_avg_.lerp_(gradient, 1.0 - beta1);                              // m = b1 m + (1 - b1) g
  exp_avg_sq_.mul_(beta2).addcmul_(gradient, gradient, 1.0 - beta2);  // v = b2 v + (1 - b2) g^2
  const double bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  const torch::Tensor denominator =
      exp_avg_sq_.sqrt().div_(std::sqrt(bias_correction2)).add_(config_.adam_epsilon);
  flat_params_.addcdiv_(exp_avg_, denominator, -lr / bias_correction1);
  // ---- EMA of the weights -------------------------------------------------------------------------
  flat_ema_.lerp_(flat_params_, 1.0 - ema_decay_at(config_, step_.load()));
  step_.fetch_add(1);

  // ---- bookkeeping on the device, read back at the next check --------------------------------------
  loss_buffer_.narrow(0, slot, 1).copy_(loss.detach().view({1}));
  if (!ones_.defined() || ones_.size(0) != batch) ones_ = torch::ones({batch}, float_options);
  const torch::Tensor bins = tables_->bins.index_select(0, entry);
  bin_sum_.index_add_(0, bins, per_example.detach());
  bin_count_.index_add_(0, bins, ones_);
}

// The unconditional MLP on the CPU (core/mlp_step.h): the same random draws as step_once (data rows, table
// entries, eps, in that order, from the same generator), the batch assembled in one loop instead of a dozen
// tensor ops, then the hand-written loss, gradients and fused Adam + EMA. Called with weights_mutex_ held.
void Trainer::mlp_step_once(std::int64_t slot, std::int64_t batch, double lr) {
  torch::NoGradGuard no_grad;
  const auto long_options = torch::TensorOptions().dtype(torch::kLong).device(device_);
  const auto float_options = torch::TensorOptions().dtype(torch::kFloat).device(device_);
  const std::int64_t D = data_.size(1);
  const torch::Tensor index = at::randint(data_.size(0), {batch}, generator_, long_options);
  const torch::Tensor entry = tables_->sample(batch, generator_, device_);
  const torch::Tensor eps = at::randn({batch, D}, generator_, float_options);
  torch::Tensor x_t = torch::empty({batch, D}, float_options), log_snr = torch::empty({batch}, float_options);
  torch::Tensor target = spec_.prediction == Prediction::Eps ? eps : torch::empty({batch, D}, float_options);
  const float* data = data_.data_ptr<float>();
  const float* table = tables_->coefficients.data_ptr<float>();  // [K, 3]: sqrt(abar), sqrt(1 - abar), log SNR
  const std::int64_t* rows = index.data_ptr<std::int64_t>();
  const std::int64_t* entries = entry.data_ptr<std::int64_t>();
  const float* noise = eps.data_ptr<float>();
  float* xt = x_t.data_ptr<float>();
  float* level = log_snr.data_ptr<float>();
  float* y = target.data_ptr<float>();
  for (std::int64_t i = 0; i < batch; ++i) {
    const float* row = data + rows[i] * D;
    const float* c = table + entries[i] * 3;
    const float sqrt_abar = c[0], sqrt_one_minus_abar = c[1];
    level[i] = c[2];
    for (std::int64_t d = 0; d < D; ++d) {
      const std::int64_t j = i * D + d;
      xt[j] = row[d] * sqrt_abar + noise[j] * sqrt_one_minus_abar;  // Ho et al. 2020, Eq. (4)
      if (spec_.prediction == Prediction::X0) y[j] = row[d];
      // v = sqrt(abar) eps - sqrt(1 - abar) x_0 (Salimans & Ho 2022, section 4).
      if (spec_.prediction == Prediction::V) y[j] = noise[j] * sqrt_abar - row[d] * sqrt_one_minus_abar;
    }
  }

  const double loss = mlp_step_->loss_and_gradients(x_t, log_snr, target, per_example_);
  FusedAdam adam;
  adam.learning_rate = lr;
  adam.beta1 = config_.adam_beta1;
  adam.beta2 = config_.adam_beta2;
  adam.epsilon = config_.adam_epsilon;
  adam.weight_decay = config_.weight_decay;
  adam.decoupled = config_.optimizer == OptimizerKind::AdamW;
  adam.grad_clip = config_.grad_clip;
  adam.ema_decay = ema_decay_at(config_, step_.load());
  fused_adam_step(adam, ++optimizer_step_, flat_params_, flat_grads_, exp_avg_, exp_avg_sq_, flat_ema_);
  step_.fetch_add(1);
  loss_buffer_.data_ptr<float>()[slot] = static_cast<float>(loss);
  // The loss by timestep bin, as step_once's index_add_.
  const std::int64_t* bins = tables_->bins.data_ptr<std::int64_t>();
  const float* per_example = per_example_.data_ptr<float>();
  float* bin_sum = bin_sum_.data_ptr<float>();
  float* bin_count = bin_count_.data_ptr<float>();
  for (std::int64_t i = 0; i < batch; ++i) {
    bin_sum[bins[entries[i]]] += per_example[i];
    bin_count[bins[entries[i]]] += 1.0f;
  }
}

bool Trainer::check(std::int64_t pending_steps, double* interval_loss, std::string* problem) {
  torch::Tensor host;
  {
    std::lock_guard<std::mutex> lock(weights_mutex_);
    torch::NoGradGuard no_grad;
    const torch::Tensor params_finite = torch::isfinite(flat_params_).all().to(torch::kFloat).view({1});
    host = torch::cat({loss_buffer_.narrow(0, 0, pending_steps), params_finite, bin_sum_, bin_count_})
               .to(torch::kCPU, torch::kDouble);
  }
  const double* values = host.data_ptr<double>();
  double sum = 0;
  for (std::int64_t i = 0; i < pending_steps; ++i) {
    if (!std::isfinite(values[i])) {
      *problem = "the loss became " + std::string(std::isnan(values[i]) ? "NaN" : "infinite") + " at step " +
                 std::to_string(step_.load() - pending_steps + i + 1);
      break;
    }
    sum += values[i];
  }
  if (problem->empty() && values[pending_steps] != 1.0)
    *problem = "the weights became NaN or infinite by step " + std::to_string(step_.load());
  if (!problem->empty()) {
    restore_good_state();
    return false;
  }
  *interval_loss = sum / static_cast<double>(pending_steps);
  {
    std::lock_guard<std::mutex> lock(history_mutex_);
    for (std::int64_t i = 0; i < pending_steps; ++i) loss_history_.push_back(static_cast<float>(values[i]));
    last_loss_ = *interval_loss;
    // Per-bin means over a recent window of steps (and the first window).
    const double* bin_sums = values + pending_steps + 1;
    loss_window_.add(pending_steps, bin_sums, bin_sums + config_.loss_bins);
  }
  {
    std::lock_guard<std::mutex> lock(weights_mutex_);
    bin_sum_.zero_();
    bin_count_.zero_();
    save_good_state();
  }
  return true;
}

void Trainer::save_good_state() {
  torch::NoGradGuard no_grad;
  good_params_ = flat_params_.clone();
  good_ema_ = flat_ema_.clone();
  good_exp_avg_ = exp_avg_.clone();
  good_exp_avg_sq_ = exp_avg_sq_.clone();
  good_step_ = step_.load();
  good_optimizer_step_ = optimizer_step_;
}

void Trainer::restore_good_state() {
  std::lock_guard<std::mutex> lock(weights_mutex_);
  torch::NoGradGuard no_grad;
  flat_params_.copy_(good_params_);
  flat_ema_.copy_(good_ema_);
  exp_avg_.copy_(good_exp_avg_);
  exp_avg_sq_.copy_(good_exp_avg_sq_);
  flat_grads_.zero_();
  bin_sum_.zero_();
  bin_count_.zero_();
  step_.store(good_step_);
  optimizer_step_ = good_optimizer_step_;
}

TrainResult Trainer::train(std::int64_t steps, const std::atomic<bool>* cancel, const ProgressCallback& progress) {
  if (steps < 0) throw std::invalid_argument("training: steps must be >= 0");
  TrainResult result;
  result.last_loss = last_loss();
  const auto start = Clock::now();
  auto last_check = start;
  std::int64_t pending = 0;
  torch::AutoGradMode enable_grad(true);
  net_->train();
  auto seconds_since = [](Clock::time_point from) {
    return std::chrono::duration<double>(Clock::now() - from).count();
  };
  auto run_check = [&]() {
    double interval_loss = 0;
    std::string problem;
    const bool ok = check(pending, &interval_loss, &problem);
    pending = 0;
    last_check = Clock::now();
    if (!ok) {
      result.status = TrainStatus::Diverged;
      std::ostringstream message;
      message << "training diverged: " << problem << "; restored the weights of step " << step_.load()
              << " (last finite loss " << last_loss() << "); try a lower learning rate than " << learning_rate();
      result.message = message.str();
      return false;
    }
    result.last_loss = interval_loss;
    return true;
  };
  const std::int64_t first_step = step_.load();
  bool diverged = false;
  for (std::int64_t i = 0; i < steps; ++i) {
    if (cancel && cancel->load()) {
      result.status = TrainStatus::Cancelled;
      result.message = "training cancelled after " + std::to_string(i) + " of " + std::to_string(steps) + " steps";
      break;
    }
    step_once(pending);
    ++pending;
    if (pending >= config_.check_interval || i + 1 == steps || seconds_since(last_check) >= kMaxSecondsBetweenChecks) {
      if (!run_check()) {
        diverged = true;
        break;
      }
      if (progress) {
        TrainProgress report;
        report.step = step_.load();
        report.call_steps_done = i + 1;
        report.call_steps = steps;
        report.loss = result.last_loss;
        report.elapsed_seconds = seconds_since(start);
        report.steps_per_second = report.elapsed_seconds > 0 ? (i + 1) / report.elapsed_seconds : 0;
        progress(report);
      }
    }
  }
  if (!diverged && pending > 0) run_check();  // cancelled between checks
  result.steps_done = step_.load() - first_step;
  result.seconds = seconds_since(start);
  return result;
}

std::vector<float> Trainer::loss_history(std::size_t from) const {
  std::lock_guard<std::mutex> lock(history_mutex_);
  if (from >= loss_history_.size()) return {};
  return std::vector<float>(loss_history_.begin() + static_cast<std::ptrdiff_t>(from), loss_history_.end());
}

std::size_t Trainer::loss_history_size() const {
  std::lock_guard<std::mutex> lock(history_mutex_);
  return loss_history_.size();
}

std::vector<LossBin> Trainer::loss_by_noise_level() const {
  std::lock_guard<std::mutex> lock(history_mutex_);
  std::vector<LossBin> bins(config_.loss_bins);
  for (int b = 0; b < config_.loss_bins; ++b) {
    bins[b].log_snr_low = bin_edges_[b];
    bins[b].log_snr_high = bin_edges_[b + 1];
    bins[b].weight = loss_window_.recent_count(b);
    bins[b].mean_loss = loss_window_.recent_mean(b);
    bins[b].first_mean_loss = loss_window_.first_mean(b);
  }
  return bins;
}

double Trainer::last_loss() const {
  std::lock_guard<std::mutex> lock(history_mutex_);
  return last_loss_;
}

DenoiserNet Trainer::ema_net() const { return ema_net(device_); }

DenoiserNet Trainer::ema_net(const torch::Device& device) const {
  DenoiserNet copy = make_denoiser_net(spec_);
  {
    std::lock_guard<std::mutex> lock(weights_mutex_);
    torch::NoGradGuard no_grad;
    auto target = copy->parameters();
    std::int64_t offset = 0;
    for (auto& p : target) {
      p.copy_(flat_ema_.narrow(0, offset, p.numel()).view(p.sizes()));
      offset += p.numel();
    }
    auto own_buffers = net_->buffers();
    auto copy_buffers = copy->buffers();
    for (std::size_t i = 0; i < copy_buffers.size(); ++i) copy_buffers[i].copy_(own_buffers[i]);
  }
  copy->to(device);
  copy->eval();
  return copy;
}

TrainingState Trainer::export_state(bool include_optimizer) const {
  TrainingState state;
  {
    std::lock_guard<std::mutex> lock(weights_mutex_);
    torch::NoGradGuard no_grad;
    state.step = step_.load();
    for (const auto& entry : named_weights(*net_))
      state.weights.push_back({entry.name, entry.value.detach().to(torch::kCPU).clone()});
    const auto parameter_count = net_->parameters().size();
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < state.weights.size(); ++i) {
      const auto& entry = state.weights[i];
      if (i < parameter_count) {
        state.ema_weights.push_back(
            {entry.name, flat_ema_.narrow(0, offset, entry.value.numel()).view(entry.value.sizes()).to(torch::kCPU).clone()});
        offset += entry.value.numel();
      } else {
        state.ema_weights.push_back({entry.name, entry.value.clone()});  // buffers: as they are
      }
    }
    if (include_optimizer) {
      state.optimizer_step = optimizer_step_;
      state.exp_avg = exp_avg_.to(torch::kCPU).clone();
      state.exp_avg_sq = exp_avg_sq_.to(torch::kCPU).clone();
      if (device_.is_cpu()) {
        std::lock_guard<std::mutex> generator_lock(generator_.mutex());
        state.rng_state = generator_.get_state();
      }
    }
  }
  std::lock_guard<std::mutex> lock(history_mutex_);
  state.loss_history = loss_history_;
  state.last_loss = last_loss_;
  return state;
}

void Trainer::import_state(const TrainingState& state) {
  {
    std::lock_guard<std::mutex> lock(weights_mutex_);
    torch::NoGradGuard no_grad;
    copy_named(state.weights, named_weights(*net_), "training state weights");
    if (!state.ema_weights.empty()) {
      // Load the EMA through a scratch copy of the network, then flatten it.
      DenoiserNet scratch = make_denoiser_net(spec_);
      copy_named(state.ema_weights, named_weights(*scratch), "training state EMA weights");
      std::int64_t offset = 0;
      for (const auto& p : scratch->parameters()) {
        flat_ema_.narrow(0, offset, p.numel()).copy_(p.reshape({-1}));
        offset += p.numel();
      }
    } else {
      flat_ema_.copy_(flat_params_);
    }
    const bool has_moments = state.exp_avg.defined() && state.exp_avg_sq.defined() &&
                             state.exp_avg.numel() == flat_params_.numel() &&
                             state.exp_avg_sq.numel() == flat_params_.numel();
    if (state.exp_avg.defined() && !has_moments)
      throw std::invalid_argument("training state: the optimizer moments have " +
                                  std::to_string(state.exp_avg.numel()) + " values, the model has " +
                                  std::to_string(flat_params_.numel()) + " parameters");
    if (has_moments) {
      exp_avg_.copy_(state.exp_avg.reshape({-1}));
      exp_avg_sq_.copy_(state.exp_avg_sq.reshape({-1}));
      optimizer_step_ = state.optimizer_step;
    } else {
      exp_avg_.zero_();
      exp_avg_sq_.zero_();
      optimizer_step_ = 0;
    }
    if (state.rng_state.defined() && device_.is_cpu()) {
      std::lock_guard<std::mutex> generator_lock(generator_.mutex());
      generator_.set_state(state.rng_state);
    }
    step_.store(state.step);
    bin_sum_.zero_();
    bin_count_.zero_();
    save_good_state();
  }
  std::lock_guard<std::mutex> lock(history_mutex_);
  loss_history_ = state.loss_history;
  last_loss_ = state.last_loss;
  loss_window_.clear();
}

}  // namespace dlab
