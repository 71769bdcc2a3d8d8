// RecordingWorker (app/gui/compute/recording_worker.h): restarting a run never waits for the old one's
// thread (issue 9: dragging eta joined the worker every frame); the reaper joins it once it stops.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "app/gui/compute/recording_worker.h"
#include "tests/gui_compute/compute_test_util.h"

namespace dlab::gui {
namespace {

struct TestRecording {
  std::mutex mutex;
  int frames = 0;
  bool done = false;
  std::string error;
  double seconds = 0;
};

// A gate the test opens: work blocked on it provably has not finished.
struct Gate {
  std::mutex mutex;
  std::condition_variable signal;
  bool open = false;
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      open = true;
    }
    signal.notify_all();
  }
  void pass() {
    std::unique_lock<std::mutex> lock(mutex);
    signal.wait(lock, [&] { return open; });
  }
};

TEST(RecordingWorker, RestartReturnsWhileTheOldWorkIsStillRunning) {
  Gate gate;
  std::atomic<int> started{0}, saw_cancel{0};
  RecordingWorker<TestRecording> worker;
  // The first run ignores its cancel flag until the gate opens: a restart that joined it would hang.
  worker.start(std::make_shared<TestRecording>(), [&](TestRecording&, const std::atomic<bool>* cancel) {
    ++started;
    gate.pass();
    if (cancel->load()) ++saw_cancel;
  });
  ASSERT_TRUE(test::eventually([&] { return started == 1; }));
  auto second = std::make_shared<TestRecording>();
  worker.start(second, [](TestRecording& r, const std::atomic<bool>*) {
    std::lock_guard<std::mutex> lock(r.mutex);
    r.frames = 7;
  });
  // start() returned although the first run is still blocked on the gate.
  EXPECT_EQ(worker.recording(), second);
  EXPECT_TRUE(worker.wait(60));
  EXPECT_EQ(second->frames, 7);
  EXPECT_EQ(worker.reaped(), 0u);  // the first thread has not finished: nobody joined it yet
  gate.release();
  ASSERT_TRUE(test::eventually([&] { return worker.reaped() == 1; }));
  EXPECT_EQ(saw_cancel, 1);  // it was told to stop
}

TEST(RecordingWorker, ManyQuickRestartsAreAllReapedAndTheLastOneFinishes) {
  RecordingWorker<TestRecording> worker;
  const int runs = 50;
  for (int i = 0; i < runs; ++i) {
    auto recording = std::make_shared<TestRecording>();
    worker.start(recording, [](TestRecording& r, const std::atomic<bool>* cancel) {
      // A few "sampler steps", each checking the flag as core's samplers do.
      for (int step = 0; step < 20 && !cancel->load(); ++step) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::lock_guard<std::mutex> lock(r.mutex);
        r.frames = step + 1;
      }
    });
  }
  EXPECT_TRUE(worker.wait(60));
  EXPECT_EQ(worker.recording()->frames, 20);
  ASSERT_TRUE(test::eventually([&] { return worker.reaped() == static_cast<std::uint64_t>(runs - 1); }));
}

TEST(RecordingWorker, AnExceptionBecomesTheRecordingsError) {
  RecordingWorker<TestRecording> worker;
  auto recording = std::make_shared<TestRecording>();
  worker.start(recording, [](TestRecording&, const std::atomic<bool>*) { throw std::runtime_error("boom"); });
  ASSERT_TRUE(worker.wait(60));
  std::lock_guard<std::mutex> lock(recording->mutex);
  EXPECT_TRUE(recording->done);
  EXPECT_EQ(recording->error, "boom");
}

TEST(RecordingWorker, DestructionCancelsAndJoinsARunningRun) {
  std::atomic<bool> finished{false};
  {
    RecordingWorker<TestRecording> worker;
    worker.start(std::make_shared<TestRecording>(), [&](TestRecording&, const std::atomic<bool>* cancel) {
      while (!cancel->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      finished = true;
    });
  }
  EXPECT_TRUE(finished);  // joined before the destructor returned
}

}  // namespace
}  // namespace dlab::gui
