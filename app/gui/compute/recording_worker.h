// One worker thread that fills a recording while the UI thread plays back what is already there (the
// 2D reverse run and the image reverse run). The recording type has, under its own `mutex`: `done`,
// `error` and `seconds`; the work publishes frames under that mutex as it makes them.
//
// Restarting never blocks the caller (issue 9: dragging eta or guidance restarts a run every frame): the
// old run is cancelled and its thread handed to a reaper thread that joins it once the work has seen the
// flag. Each run shares its recording and its cancel flag with its thread, so nothing the thread touches
// dies under it. Only the destructor waits, for every thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace dlab::gui {

template <class RecordingT>
class RecordingWorker {
 public:
  using Work = std::function<void(RecordingT& recording, const std::atomic<bool>* cancel)>;

  RecordingWorker() : reaper_([this] { reap(); }) {}
  RecordingWorker(const RecordingWorker&) = delete;
  RecordingWorker& operator=(const RecordingWorker&) = delete;

  // Cancels every run and waits for all threads: the only place a caller waits.
  ~RecordingWorker() {
    cancel();
    {
      std::lock_guard<std::mutex> lock(reap_mutex_);
      quit_ = true;
    }
    reap_signal_.notify_all();
    reaper_.join();
  }

  // Cancels the previous run (without waiting for it), then runs `work` on a new thread over `recording`
  // (already holding frame 0). An exception from `work` becomes the recording's error; either way the
  // recording ends `done`.
  void start(std::shared_ptr<RecordingT> recording, Work work) {
    cancel();
    auto run = std::make_shared<Run>();
    run->recording = std::move(recording);
    thread_ = std::thread([run, work = std::move(work)]() {
      const auto started = std::chrono::steady_clock::now();
      std::string error;
      try {
        work(*run->recording, &run->cancel);
      } catch (const std::exception& e) {
        error = e.what();
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      {
        std::lock_guard<std::mutex> lock(run->recording->mutex);
        if (!error.empty()) run->recording->error = error;
        run->recording->done = true;
        run->recording->seconds = seconds;
      }
      run->done_signal.notify_all();
    });
    run_ = std::move(run);
  }

  // Asks the current run to stop (its work sees *cancel) and hands its thread to the reaper; returns at
  // once. The recording stays readable.
  void cancel() {
    if (run_) run_->cancel = true;
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(reap_mutex_);
      retired_.push_back(std::move(thread_));
    }
    reap_signal_.notify_all();
  }

  // Waits up to timeout_seconds for the current run to finish; true when it has (tests, --screenshot).
  bool wait(double timeout_seconds) {
    if (!run_) return false;
    std::unique_lock<std::mutex> lock(run_->recording->mutex);
    return run_->done_signal.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                                      [&] { return run_->recording->done; });
  }

  const std::shared_ptr<RecordingT>& recording() const { return run_ ? run_->recording : empty_; }

  // Threads joined by the reaper so far (tests).
  std::uint64_t reaped() const { return reaped_.load(); }

 private:
  struct Run {
    std::shared_ptr<RecordingT> recording;
    std::atomic<bool> cancel{false};
    std::condition_variable done_signal;  // waited on with recording->mutex
  };

  void reap() {
    std::unique_lock<std::mutex> lock(reap_mutex_);
    for (;;) {
      reap_signal_.wait(lock, [&] { return quit_ || !retired_.empty(); });
      if (retired_.empty()) return;  // quit_, and nothing left to join
      std::thread thread = std::move(retired_.front());
      retired_.pop_front();
      lock.unlock();
      thread.join();  // cancelled runs stop within one sampler step
      reaped_.fetch_add(1);
      lock.lock();
    }
  }

  std::shared_ptr<Run> run_;  // UI thread only
  std::thread thread_;        // the current run's thread; UI thread only
  std::shared_ptr<RecordingT> empty_;

  std::mutex reap_mutex_;
  std::condition_variable reap_signal_;
  std::deque<std::thread> retired_;  // under reap_mutex_
  bool quit_ = false;                // under reap_mutex_
  std::atomic<std::uint64_t> reaped_{0};
  std::thread reaper_;  // last: starts after the fields above exist
};

}  // namespace dlab::gui
