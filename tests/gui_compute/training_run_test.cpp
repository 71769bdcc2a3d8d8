// Live training (app/gui/compute/lab_training.h): a pause that lands just as a chunk of steps starts is
// not lost (issue 9), checkpoints save and load (the load on the training thread), and the Lab's
// training interface.
#include <torch/torch.h>

#include <atomic>
#include <fstream>

#include "app/gui/compute/lab_training.h"
#include "app/gui/views/points/lab.h"
#include "core/datasets2d.h"
#include "core/schedule.h"
#include "tests/gui_compute/compute_test_util.h"

namespace dlab::gui {
namespace {

using detail::TrainingRun;
using test::eventually;
using test::seconds_since;

torch::Tensor points() { return sample_dataset(Dataset2D::Gmm8, 512, 3); }

// Deterministic: the hook runs on the training thread after it has released its lock for a chunk and
// before the first step, the moment where TrainingRun used to reset its cancel flag. It holds the
// thread there until pause() has made its request; the chunk must then stop before its first step.
// Before the fix the reset came after this point, erased the request, and the chunk ran all its 100
// steps while pause() waited.
TEST(TrainingRun, APauseRightAfterTheChunkStartsIsNotLost) {
  TrainingRun run;
  std::atomic<bool> in_window{false};
  run.set_chunk_hook([&] {
    in_window = true;
    eventually([&] { return !run.status().running; }, 30);  // pause() has asked
  });
  run.start(points(), "gmm8", 1e-3f, 64);
  ASSERT_TRUE(eventually([&] { return in_window.load(); }));
  run.pause();
  EXPECT_EQ(run.status().step, 0) << "the pause was lost: the chunk ran on";
  EXPECT_FALSE(run.status().running);
}

// The same race left to chance, many times: every pause returns within a few steps.
TEST(TrainingRun, PauseRightAfterStartManyTimes) {
  TrainingRun run;
  const auto data = points();
  std::int64_t previous = 0;
  for (int i = 0; i < 20; ++i) {
    run.start(data, "gmm8", 1e-3f, 64);
    run.pause();
    const std::int64_t step = run.status().step;
    EXPECT_LT(step - previous, 100) << "a whole chunk ran after a pause (cycle " << i << ")";
    previous = step;
  }
}

TEST(TrainingRun, SaveAndLoadOnTheTrainingThread) {
  TrainingRun run;
  const auto data = points();
  run.start(data, "gmm8", 1e-3f, 64);
  ASSERT_TRUE(eventually([&] { return run.status().step >= 60; }));
  run.pause();
  const std::int64_t saved_step = run.status().step;
  const std::string path = test::temp_path("model.pt");
  run.save(path);
  run.reset();
  EXPECT_FALSE(run.exists());

  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t id = run.load(path, data, "gmm8");
  EXPECT_LT(seconds_since(start), test::kFrameSeconds);  // the UI thread does not read the file
  ASSERT_TRUE(eventually([&] { return run.load_status().done; }));
  CheckpointLoad status = run.load_status();
  EXPECT_EQ(status.id, id);
  EXPECT_TRUE(status.ok) << status.message;
  EXPECT_EQ(status.message, "loaded " + path);
  EXPECT_EQ(run.status().step, saved_step);
  EXPECT_NE(run.live_model(), nullptr);

  // A file that is not a checkpoint: an error naming it, and the loaded network stays.
  const std::string garbage = test::temp_path("garbage.pt");
  std::ofstream(garbage) << "not a checkpoint\n";
  const std::uint64_t bad = run.load(garbage, data, "gmm8");
  ASSERT_TRUE(eventually([&] { return run.load_status().done; }));
  status = run.load_status();
  EXPECT_EQ(status.id, bad);
  EXPECT_FALSE(status.ok);
  EXPECT_NE(status.message.find(garbage), std::string::npos) << status.message;
  EXPECT_TRUE(run.exists());
  EXPECT_EQ(run.status().step, saved_step);

  // Training goes on from the loaded step.
  run.start(data, "gmm8", 1e-3f, 64);
  ASSERT_TRUE(eventually([&] { return run.status().step >= saved_step + 10; }));
  run.pause();
}

// Through the Lab, as the app drives it: start, live edits, a snapshot as the "trained here" model,
// the loss curves, save, load.
TEST(LabTraining, StartPauseSaveLoad) {
  Lab lab;
  Scene scene;
  test::set(scene, "dataset", "gmm8");
  test::set(scene, "n", "500");
  test::set(scene, "model", "live");
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.sync(scene);
  EXPECT_FALSE(lab.has_model());  // nothing trained yet
  lab.training_start(scene);
  lab.training_set(2e-3f, 128);
  ASSERT_TRUE(eventually([&] { return lab.training_status().step >= 100; }));
  lab.training_pause();
  lab.training_snapshot();
  lab.sync(scene);
  EXPECT_TRUE(lab.has_model());
  std::vector<double> steps, loss, t, by_t;
  lab.training_loss(50, &steps, &loss);
  EXPECT_FALSE(loss.empty());
  lab.training_loss_by_t(lab.schedule(), &t, &by_t);
  EXPECT_FALSE(by_t.empty());

  const std::string path = test::temp_path("lab.pt");
  std::string error;
  ASSERT_TRUE(lab.training_save(path, &error)) << error;
  const std::int64_t saved = lab.training_status().step;
  lab.training_reset();
  lab.sync(scene);
  EXPECT_FALSE(lab.training_status().exists);

  const std::uint64_t id = lab.training_load(path);
  lab.sync(scene);
  ASSERT_TRUE(eventually([&] { return lab.training_load_status().done; }));
  EXPECT_EQ(lab.training_load_status().id, id);
  EXPECT_TRUE(lab.training_load_status().ok) << lab.training_load_status().message;
  lab.sync(scene);
  EXPECT_FALSE(lab.busy());
  EXPECT_EQ(lab.training_status().step, saved);
  EXPECT_TRUE(lab.has_model());
}

}  // namespace
}  // namespace dlab::gui
