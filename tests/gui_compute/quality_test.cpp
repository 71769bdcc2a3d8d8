// The 2D Lab's ELBO tab and quality read-out without a window: nothing is computed until asked for, the
// UI thread's sync never waits for the workers, the results are those of core (the bound's total is the sum
// of its terms; the exact oracle's samples score as well as data), and a new schedule makes them stale.
#include <torch/torch.h>

#include <cmath>

#include "app/gui/views/points/lab.h"
#include "core/schedule.h"
#include "tests/gui_compute/compute_test_util.h"

namespace dlab::gui {
namespace {

using test::eventually;
using test::seconds_since;
using test::set;

Scene exact_reverse_scene() {
  Scene scene;
  set(scene, "model", "exact");
  set(scene, "dataset", "gmm8");
  set(scene, "n", "600");
  set(scene, "mode", "reverse");
  set(scene, "sampler", "ddpm");
  set(scene, "sample-seed", "3");
  return scene;
}

// Asks for the read-outs and syncs (each sync within a frame's time) until they are in.
bool ask_until_ready(Lab& lab, Scene& scene, double* slowest) {
  return eventually([&] {
    lab.request_quality();
    const auto start = std::chrono::steady_clock::now();
    lab.sync(scene);
    *slowest = std::max(*slowest, seconds_since(start));
    lab.request_quality();
    return !lab.quality_pending();
  });
}

TEST(LabQuality, ComputedOnlyWhenAskedForAndNeverOnTheUiThread) {
  Lab lab;
  Scene scene = exact_reverse_scene();
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.sync(scene);
  ASSERT_TRUE(lab.wait_for_reverse(300 * test::kSlowdown));
  lab.sync(scene);
  lab.sync(scene);
  // Nobody asked: nothing computed, nothing pending.
  EXPECT_EQ(lab.elbo().state, ReadoutState::Off);
  EXPECT_EQ(lab.quality().state, ReadoutState::Off);
  EXPECT_FALSE(lab.quality_pending());

  double slowest = 0;
  ASSERT_TRUE(ask_until_ready(lab, scene, &slowest));
  EXPECT_LT(slowest, test::kFrameSeconds * 4) << "a sync waited for a worker";

  const ElboReadout elbo = lab.elbo();
  ASSERT_EQ(elbo.state, ReadoutState::Ready) << elbo.error;
  EXPECT_FALSE(elbo.bits);
  EXPECT_EQ(elbo.examples, 600);
  EXPECT_EQ(elbo.dimensions, 2);
  EXPECT_EQ(elbo.t.size(), 999u);  // every term t = 2..1000
  EXPECT_DOUBLE_EQ(elbo.total, elbo.prior + elbo.diffusion + elbo.decoder);
  // Above the true -log p of gmm8 per dimension, log(8)/2 + 0.5 log(2 pi e 0.04) = 0.85, up to its error.
  EXPECT_GT(elbo.total, 0.85 - 4 * elbo.total_error);
  EXPECT_LT(elbo.total, 2.0);
  EXPECT_EQ(elbo.variance, "beta-tilde");

  const PointQualityReadout quality = lab.quality();
  ASSERT_EQ(quality.state, ReadoutState::Ready) << quality.error;
  EXPECT_EQ(quality.samples, 600);
  EXPECT_GT(quality.precision, 0.85);
  EXPECT_GT(quality.recall, 0.85);
  EXPECT_LT(quality.energy, 3 * quality.energy_floor);
}

TEST(LabQuality, ANewScheduleMakesTheBoundStaleUntilRecomputed) {
  Lab lab;
  Scene scene = exact_reverse_scene();
  set(scene, "mode", "forward");
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.sync(scene);
  double slowest = 0;
  ASSERT_TRUE(ask_until_ready(lab, scene, &slowest));
  const double before = lab.elbo().total;
  EXPECT_EQ(lab.quality().state, ReadoutState::Off);  // forward mode: no samples to measure

  set(scene, "timesteps", "50");  // x_T is far from N(0, I) at T = 50: a large prior term
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.request_quality();
  lab.sync(scene);
  const ElboReadout stale = lab.elbo();
  EXPECT_NE(stale.state, ReadoutState::Ready);
  EXPECT_TRUE(stale.stale);
  ASSERT_TRUE(ask_until_ready(lab, scene, &slowest));
  const ElboReadout after = lab.elbo();
  ASSERT_EQ(after.state, ReadoutState::Ready);
  EXPECT_EQ(after.timesteps, 50);
  EXPECT_EQ(after.t.size(), 49u);
  EXPECT_GT(after.prior, 1e-3);
  EXPECT_NE(after.total, before);
}

}  // namespace
}  // namespace dlab::gui
