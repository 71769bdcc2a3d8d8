// A value computed on its own thread from the latest request (an image data set, a checkpoint): the UI
// thread posts a request and polls for the result, and never waits for a file or the network (issue 9).
// A newer request replaces one not yet started; the result of an older one is never returned. A job that
// takes a cancel flag (a long computation: the ELBO, a thousand samples) sees it set when a newer request
// arrives, when cancel() is called and when the AsyncValue is destroyed, so nobody waits for stale work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace dlab::gui {

template <class T>
class AsyncValue {
 public:
  using Job = std::function<T()>;  // may throw: the message becomes the result's error
  using CancellableJob = std::function<T(const std::atomic<bool>& cancel)>;

  struct Result {
    std::uint64_t id = 0;  // the request it answers
    std::shared_ptr<const T> value;  // null on error
    std::string error;
  };

  AsyncValue() : thread_([this] { loop(); }) {}
  AsyncValue(const AsyncValue&) = delete;
  AsyncValue& operator=(const AsyncValue&) = delete;
  // Waits for a job in progress (the only wait).
  ~AsyncValue() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
      cancel_->store(true);
    }
    signal_.notify_all();
    thread_.join();
  }

  // Returns the request's id at once.
  std::uint64_t request(Job job) {
    return request([job = std::move(job)](const std::atomic<bool>&) { return job(); });
  }
  std::uint64_t request(CancellableJob job) {
    std::lock_guard<std::mutex> lock(mutex_);
    cancel_->store(true);  // the job in progress, if any, is stale now
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    pending_ = [job = std::move(job), flag = cancel_] { return job(*flag); };
    result_.reset();
    signal_.notify_all();
    return ++requested_;
  }

  // Sets the cancel flag of the latest request (its job decides what a cancelled result is).
  void cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancel_->store(true);
  }

  // The result of the latest request, once (then nullopt until the next request is answered).
  std::optional<Result> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::optional<Result> out;
    out.swap(result_);
    return out;
  }

  // A request not answered yet (or answered and not taken).
  bool busy() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return answered_ != requested_ || result_.has_value();
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      signal_.wait(lock, [&] { return quit_ || pending_; });
      if (quit_) return;
      Job job = std::move(pending_);
      pending_ = nullptr;
      const std::uint64_t id = requested_;
      lock.unlock();
      Result result;
      result.id = id;
      try {
        result.value = std::make_shared<const T>(job());
      } catch (const std::exception& e) {
        result.error = e.what();
      }
      job = nullptr;  // release what the job holds off the lock
      lock.lock();
      if (id == requested_) {  // else a newer request is pending: it answers instead
        result_ = std::move(result);
        answered_ = id;
      }
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable signal_;
  Job pending_;                   // under mutex_
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);  // under mutex_
  std::optional<Result> result_;  // under mutex_
  std::uint64_t requested_ = 0, answered_ = 0;  // under mutex_
  bool quit_ = false;             // under mutex_
  std::thread thread_;            // last: starts after the fields above exist
};

}  // namespace dlab::gui
