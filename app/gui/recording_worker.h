// One worker thread that fills a recording while the UI thread plays back what is already there (the
// 2D reverse run and the image reverse run). The recording type has, under its own `mutex`: `done`,
// `error` and `seconds`; the work publishes frames under that mutex as it makes them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace dlab::gui {

template <class RecordingT>
class RecordingWorker {
 public:
  using Work = std::function<void(RecordingT& recording, const std::atomic<bool>* cancel)>;

  ~RecordingWorker() { stop(); }

  // Stops the previous run, then runs `work` on a new thread over `recording` (already holding frame 0).
  // An exception from `work` becomes the recording's error; either way the recording ends `done`.
  void start(std::shared_ptr<RecordingT> recording, Work work) {
    stop();
    recording_ = std::move(recording);
    cancel_ = false;
    thread_ = std::thread([this, recording = recording_, work = std::move(work)]() {
      const auto started = std::chrono::steady_clock::now();
      std::string error;
      try {
        work(*recording, &cancel_);
      } catch (const std::exception& e) {
        error = e.what();
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      {
        std::lock_guard<std::mutex> lock(recording->mutex);
        if (!error.empty()) recording->error = error;
        recording->done = true;
        recording->seconds = seconds;
      }
      done_signal_.notify_all();
    });
  }

  // Asks the work to stop (it sees *cancel) and waits for the thread.
  void stop() {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Waits up to timeout_seconds for the run to finish; true when it has.
  bool wait(double timeout_seconds) {
    if (!recording_) return false;
    std::unique_lock<std::mutex> lock(recording_->mutex);
    return done_signal_.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                                 [&] { return recording_->done; });
  }

  const std::shared_ptr<RecordingT>& recording() const { return recording_; }

 private:
  std::shared_ptr<RecordingT> recording_;
  std::atomic<bool> cancel_{false};
  std::condition_variable done_signal_;
  std::thread thread_;
};

}  // namespace dlab::gui
