// Live training for the app (internal to lab*.cpp): a core Trainer driven by its own thread in short
// chunks, so it can pause within a step, take live edits of the learning rate and batch size, and
// publish snapshots of the EMA weights that the reverse process samples with.
#pragma once

#include <torch/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/gui/views/points/lab.h"
#include "app/gui/compute/lab_models.h"
#include "core/trainer.h"

namespace dlab::gui::detail {

class TrainingRun {
 public:
  TrainingRun();
  ~TrainingRun();

  // Creates the trainer on `data` if there is none, then runs. Throws std::invalid_argument.
  void start(const torch::Tensor& data, const std::string& dataset_name, float learning_rate, int batch_size);
  void pause();  // returns once the thread has stopped stepping
  void reset();  // pauses and discards the network
  void set(float learning_rate, int batch_size);
  TrainingStatus status() const;
  bool exists() const;

  void save(const std::string& path);  // throws std::runtime_error naming the file
  // Loads a checkpoint on the training thread (pausing training) into a new trainer on `data`, and
  // returns at once with the load's id; load_status() says when it is done and how it went (the
  // message names the file). A failed load keeps the current network.
  std::uint64_t load(const std::string& path, const torch::Tensor& data, const std::string& dataset_name);
  CheckpointLoad load_status() const;

  // The latest published snapshot (nullptr before the first) and its version.
  ModelPtr live_model() const;
  std::uint64_t live_version() const;
  void snapshot();  // publishes the current EMA weights now

  // Copies of the trainer's curves (empty without a trainer).
  std::vector<float> loss_history() const;
  std::vector<LossBin> loss_by_noise_level() const;
  // Where the learning rate was set: (training step, learning rate), the first at the start.
  std::vector<std::pair<std::int64_t, double>> learning_rate_changes() const;

  // Tests only: called on the training thread after it has released the lock to run a chunk of steps,
  // just before the first step (where a pause used to be lost, issue 9).
  void set_chunk_hook(std::function<void()> hook);

 private:
  struct PendingLoad {
    std::uint64_t id = 0;
    std::string path, dataset_name;
    torch::Tensor data;
  };

  void loop();
  void run_load_unlocked(const PendingLoad& request);  // on the training thread, mutex_ not held
  void publish_snapshot_locked();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::unique_ptr<Trainer> trainer_;
  std::string dataset_name_;
  std::thread thread_;
  bool want_running_ = false;  // under mutex_
  bool stepping_ = false;      // under mutex_: inside trainer_->train()
  bool quit_ = false;          // under mutex_
  std::atomic<bool> cancel_{false};  // set under mutex_; reset under mutex_ before a chunk
  std::function<void()> chunk_hook_;  // under mutex_
  std::optional<PendingLoad> pending_load_;  // under mutex_
  std::uint64_t loads_requested_ = 0;        // under mutex_
  CheckpointLoad load_status_;               // under mutex_
  TrainingStatus status_;      // under mutex_
  ModelPtr live_;              // under mutex_
  std::vector<std::pair<std::int64_t, double>> rate_changes_;  // under mutex_
  std::uint64_t live_version_ = 0;
  double last_snapshot_time_ = 0;
};

}  // namespace dlab::gui::detail
