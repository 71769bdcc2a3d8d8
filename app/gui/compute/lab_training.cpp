// [SECTION] The training thread
// [SECTION] Checkpoints
// [SECTION] Lab's training interface
#include "app/gui/compute/lab_training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "app/gui/state/i18n.h"
#include "app/gui/views/points/compute/lab_impl.h"
#include "core/checkpoint.h"
#include "core/loss_window.h"

namespace dlab::gui {

namespace detail {

namespace {

constexpr std::int64_t kChunkSteps = 100;          // steps per train() call: pausing waits at most one step
constexpr double kSnapshotEverySeconds = 3.0;      // how often the sampling preview gets new weights

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// On a small machine the UI, the GL rasteriser and sampling need cores too.
int training_threads() {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  return hardware <= 2 ? 1 : static_cast<int>(hardware / 2);
}

ModelPtr model_from_net(DenoiserNet net, const std::string& description, std::int64_t step) {
  auto model = std::make_shared<Model>();
  model->training_step = step;
  model->source = ModelSource::Live;
  model->prediction = net->spec().prediction;
  model->description = description;
  model->denoiser = make_network_denoiser(net, torch::kCPU);
  return model;
}

}  // namespace

// ============================================================================================
// [SECTION] The training thread
// ============================================================================================

TrainingRun::TrainingRun() { thread_ = std::thread([this] { loop(); }); }

TrainingRun::~TrainingRun() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    want_running_ = false;
  }
  cancel_ = true;
  wake_.notify_all();
  thread_.join();
}

void TrainingRun::loop() {
  configure_cpu_threads(training_threads(), CpuWork::MatrixProducts);  // the 2D MLP (core/device.h)
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return quit_ || pending_load_ || (want_running_ && trainer_); });
    if (quit_) return;
    if (pending_load_) {
      const PendingLoad request = std::move(*pending_load_);
      pending_load_.reset();
      // Not `stepping_`: the load builds its own trainer and swaps it in under the lock, so pause(),
      // save() and reset() need not wait for it.
      lock.unlock();
      run_load_unlocked(request);
      lock.lock();
      wake_.notify_all();
      continue;
    }
    stepping_ = true;
    Trainer* trainer = trainer_.get();
    // Reset under the lock that pause() and save() take to set it: a request that lands from here on
    // stops this chunk at its next step instead of being lost (issue 9).
    cancel_ = false;
    const std::function<void()> hook = chunk_hook_;
    lock.unlock();
    if (hook) hook();
    TrainResult result;
    std::string problem;
    try {
      result = trainer->train(kChunkSteps, &cancel_, [&](const TrainProgress& progress) {
        std::lock_guard<std::mutex> guard(mutex_);
        status_.step = progress.step;
        status_.loss = progress.loss;
        status_.steps_per_second = progress.steps_per_second;
      });
    } catch (const std::exception& e) {
      problem = e.what();
    }
    lock.lock();
    stepping_ = false;
    status_.step = trainer->step();
    status_.loss = trainer->last_loss();
    if (!problem.empty() || result.status == TrainStatus::Diverged) {
      status_.message = problem.empty() ? result.message : problem;
      want_running_ = false;  // stop and say why; the weights are those of the last good check
    }
    if (now_seconds() - last_snapshot_time_ > kSnapshotEverySeconds || !want_running_) publish_snapshot_locked();
    wake_.notify_all();
  }
}

void TrainingRun::set_chunk_hook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mutex_);
  chunk_hook_ = std::move(hook);
}

void TrainingRun::publish_snapshot_locked() {
  if (!trainer_) return;
  try {
    const std::string description = format_text(tr("the MLP trained here: %lld steps, loss %.4f"),
                                                static_cast<long long>(trainer_->step()), trainer_->last_loss());
    live_ = model_from_net(trainer_->ema_net(torch::kCPU), description, trainer_->step());
    ++live_version_;
    status_.snapshots = live_version_;
    last_snapshot_time_ = now_seconds();
  } catch (const std::exception& e) {
    status_.message = e.what();
  }
}

void TrainingRun::start(const torch::Tensor& data, const std::string& dataset_name, float learning_rate, int batch_size) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!trainer_) {
    TrainerConfig config;
    config.learning_rate = learning_rate;
    config.batch_size = batch_size;
    config.threads = training_threads();
    config.device = DeviceKind::Cpu;
    trainer_ = std::make_unique<Trainer>(config, ModelSpec{}, data);
    dataset_name_ = dataset_name;
    status_ = TrainingStatus();
    status_.exists = true;
    status_.device = trainer_->device_description();
  }
  trainer_->set_learning_rate(learning_rate);
  if (rate_changes_.empty() || rate_changes_.back().second != trainer_->learning_rate())
    rate_changes_.emplace_back(trainer_->step(), trainer_->learning_rate());
  trainer_->set_batch_size(batch_size);
  status_.message.clear();
  want_running_ = true;
  wake_.notify_all();
}

void TrainingRun::pause() {
  std::unique_lock<std::mutex> lock(mutex_);
  want_running_ = false;
  cancel_ = true;
  wake_.wait(lock, [&] { return !stepping_; });
}

void TrainingRun::reset() {
  pause();
  std::lock_guard<std::mutex> lock(mutex_);
  trainer_.reset();
  rate_changes_.clear();
  live_.reset();
  ++live_version_;
  status_ = TrainingStatus();
}

void TrainingRun::set(float learning_rate, int batch_size) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!trainer_) return;
  if (learning_rate > 0 && learning_rate != static_cast<float>(trainer_->learning_rate())) {
    trainer_->set_learning_rate(learning_rate);
    rate_changes_.emplace_back(trainer_->step(), trainer_->learning_rate());
  }
  if (batch_size >= 1 && batch_size != trainer_->batch_size()) trainer_->set_batch_size(batch_size);
}

TrainingStatus TrainingRun::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  TrainingStatus status = status_;
  status.exists = trainer_ != nullptr;
  status.running = want_running_ && trainer_ != nullptr;
  return status;
}

bool TrainingRun::exists() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return trainer_ != nullptr;
}

ModelPtr TrainingRun::live_model() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_;
}

std::uint64_t TrainingRun::live_version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_version_;
}

void TrainingRun::snapshot() {
  std::lock_guard<std::mutex> lock(mutex_);
  publish_snapshot_locked();
}

std::vector<float> TrainingRun::loss_history() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return trainer_ ? trainer_->loss_history() : std::vector<float>();
}

std::vector<std::pair<std::int64_t, double>> TrainingRun::learning_rate_changes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rate_changes_;
}

std::vector<LossBin> TrainingRun::loss_by_noise_level() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return trainer_ ? trainer_->loss_by_noise_level() : std::vector<LossBin>();
}

// ============================================================================================
// [SECTION] Checkpoints
// ============================================================================================

void TrainingRun::save(const std::string& path) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!trainer_) throw std::runtime_error(tr("nothing to save: start training first"));
  const bool was_running = want_running_;
  want_running_ = false;
  cancel_ = true;
  wake_.wait(lock, [&] { return !stepping_; });
  try {
    save_checkpoint(path, make_checkpoint(*trainer_, dataset_name_));
  } catch (...) {
    want_running_ = was_running;
    wake_.notify_all();
    throw;
  }
  want_running_ = was_running;
  wake_.notify_all();
}

std::uint64_t TrainingRun::load(const std::string& path, const torch::Tensor& data, const std::string& dataset_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  want_running_ = false;  // a load pauses training, as the button always did
  cancel_ = true;
  PendingLoad request;
  request.id = ++loads_requested_;
  request.path = path;
  request.data = data;
  request.dataset_name = dataset_name;
  pending_load_ = std::move(request);  // a newer request replaces one not yet started
  load_status_ = CheckpointLoad();
  load_status_.id = loads_requested_;
  load_status_.done = false;
  wake_.notify_all();
  return loads_requested_;
}

CheckpointLoad TrainingRun::load_status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return load_status_;
}

void TrainingRun::run_load_unlocked(const PendingLoad& request) {
  std::unique_ptr<Trainer> trainer;
  std::string error;
  try {
    const Checkpoint checkpoint = load_checkpoint(request.path);  // throws CheckpointError naming the file
    if (checkpoint.spec.kind != ModelKind::Mlp || checkpoint.spec.data_shape != std::vector<std::int64_t>{2})
      throw std::runtime_error(
          format_text(tr("%s: not a 2D point model (this app trains and samples points)"), request.path.c_str()));
    TrainerConfig config = checkpoint.config;
    config.threads = training_threads();
    config.device = DeviceKind::Cpu;
    trainer = std::make_unique<Trainer>(config, checkpoint.spec, request.data);
    restore_trainer(*trainer, checkpoint);
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const bool latest = request.id == load_status_.id;
  if (trainer && latest) {
    trainer_ = std::move(trainer);
    rate_changes_.assign(1, {trainer_->step(), trainer_->learning_rate()});
    dataset_name_ = request.dataset_name;
    status_ = TrainingStatus();
    status_.exists = true;
    status_.device = trainer_->device_description();
    status_.step = trainer_->step();
    status_.loss = trainer_->last_loss();
    publish_snapshot_locked();
  }
  if (latest) {
    load_status_.done = true;
    load_status_.ok = error.empty();
    load_status_.message = error.empty() ? format_text(tr("loaded %s"), request.path.c_str()) : error;
  }
}

}  // namespace detail

// ============================================================================================
// [SECTION] Lab's training interface
// ============================================================================================

void Lab::training_start(const Scene& state) {
  Impl& m = *impl_;
  try {
    m.training->start(m.x0, m.data_name, state.training.learning_rate, state.training.batch_size);
  } catch (const std::exception& e) {
    m.training_error = e.what();
  }
}

void Lab::training_pause() { impl_->training->pause(); }
void Lab::training_reset() { impl_->training->reset(); }
void Lab::training_set(float learning_rate, int batch_size) { impl_->training->set(learning_rate, batch_size); }
void Lab::training_snapshot() { impl_->training->snapshot(); }

TrainingStatus Lab::training_status() const {
  TrainingStatus status = impl_->training->status();
  if (status.message.empty()) status.message = impl_->training_error;
  return status;
}

void Lab::training_loss(int max_points, std::vector<double>* steps, std::vector<double>* loss,
                        std::vector<double>* smoothed) const {
  steps->clear();
  loss->clear();
  if (smoothed) smoothed->clear();
  const std::vector<float> history = impl_->training->loss_history();
  if (history.empty()) return;
  const std::vector<double> smooth = smoothed ? smoothed_curve(history, kLossSmoothingSteps) : std::vector<double>();
  // Averages over equal runs of steps, so the curve is smooth and at most max_points long.
  const std::size_t per = std::max<std::size_t>(1, (history.size() + max_points - 1) / std::max(1, max_points));
  for (std::size_t start = 0; start < history.size(); start += per) {
    const std::size_t end = std::min(history.size(), start + per);
    double sum = 0;
    for (std::size_t i = start; i < end; ++i) sum += history[i];
    steps->push_back(0.5 * (start + end - 1) + 1);
    loss->push_back(sum / (end - start));
    if (smoothed) smoothed->push_back(smooth[end - 1]);  // the average as of the run's last step
  }
}

void Lab::training_learning_rates(std::vector<double>* steps, std::vector<double>* rates) const {
  steps->clear();
  rates->clear();
  for (const auto& [step, rate] : impl_->training->learning_rate_changes()) {
    steps->push_back(static_cast<double>(step));
    rates->push_back(rate);
  }
}

void Lab::training_loss_by_t(const NoiseSchedule& schedule, std::vector<double>* t, std::vector<double>* loss,
                             std::vector<double>* first) const {
  t->clear();
  loss->clear();
  std::vector<double> firsts;
  for (const LossBin& bin : impl_->training->loss_by_noise_level()) {
    if (!std::isfinite(bin.mean_loss)) continue;
    // The bin's centre placed on t (the first t at or below it); bins beyond the schedule are left out.
    const int at = schedule.timestep_at_log_snr(0.5 * (bin.log_snr_low + bin.log_snr_high));
    if (at == 0) continue;
    t->push_back(at);
    loss->push_back(bin.mean_loss);
    firsts.push_back(bin.first_mean_loss);
  }
  // Ascending t for the plot.
  std::vector<std::size_t> order(t->size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return (*t)[a] < (*t)[b]; });
  std::vector<double> sorted_t, sorted_loss, sorted_first;
  for (std::size_t i : order) {
    sorted_t.push_back((*t)[i]);
    sorted_loss.push_back((*loss)[i]);
    sorted_first.push_back(firsts[i]);
  }
  *t = sorted_t;
  *loss = sorted_loss;
  if (first) *first = sorted_first;
}

bool Lab::training_save(const std::string& path, std::string* error) {
  try {
    impl_->training->save(path);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}

std::uint64_t Lab::training_load(const std::string& path) {
  Impl& m = *impl_;
  return m.training->load(path, m.x0, m.data_name);
}

CheckpointLoad Lab::training_load_status() const { return impl_->training->load_status(); }

}  // namespace dlab::gui
