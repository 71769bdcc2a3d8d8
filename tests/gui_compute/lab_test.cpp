// The 2D Lab driven by a Scene, without a window: the reverse recording (finishes, restarts quickly
// without blocking, gives the same x_0 as `dlab sample`), the followed point's cached prediction, and
// the chain computed a slice per frame.
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/gui/views/points/compute/lab_impl.h"
#include "app/gui/views/points/lab.h"
#include "core/datasets2d.h"
#include "core/oracles.h"
#include "core/samplers.h"
#include "tests/gui_compute/compute_test_util.h"

namespace dlab::gui {
namespace {

using test::eventually;
using test::seconds_since;
using test::set;

// Syncs until the reverse run is recorded, then moves the cursor to frame k (-1: the end) and syncs.
void finish_reverse(Lab& lab, Scene& scene, int k = -1) {
  ASSERT_TRUE(lab.wait_for_reverse(300 * test::kSlowdown));
  lab.sync(scene);
  const int K = static_cast<int>(lab.sampling_timesteps().size());
  scene.playback.cursor = k < 0 ? K : k;
  scene.playback.playing = false;
  lab.sync(scene);
}

Scene reverse_scene(const std::string& sampler, int n = 500) {
  Scene scene;
  set(scene, "model", "exact");
  set(scene, "dataset", "gmm8");
  set(scene, "n", std::to_string(n));
  set(scene, "mode", "reverse");
  set(scene, "sampler", sampler);
  set(scene, "steps", "20");
  set(scene, "sample-seed", "5");
  return scene;
}

TEST(Lab, ReverseRunFinishes) {
  Lab lab;
  Scene scene = reverse_scene("ddim");
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.sync(scene);
  finish_reverse(lab, scene);
  const ReverseStatus status = lab.reverse_status();
  EXPECT_FALSE(status.running);
  EXPECT_EQ(status.frames, 21);
  EXPECT_TRUE(status.error.empty()) << status.error;
  EXPECT_EQ(lab.step_info().step, 20);
  EXPECT_EQ(lab.current_points().size(), 1000u);
  EXPECT_GT(lab.stats(true).near_mode_fraction, 0.9);  // gmm8 comes back
}

// Dragging eta restarts the run every frame: each sync returns at once (the old run is cancelled and
// reaped elsewhere: recording_worker_test proves no join), and the last run finishes.
TEST(Lab, ReverseRestartsManyTimesQuicklyWithoutBlocking) {
  Lab lab;
  Scene scene = reverse_scene("ddim", 2000);
  set(scene, "steps", "0");  // all 1000 steps: a long run, always in progress when the next restart comes
  lab.set_schedule(NoiseSchedule(scene.schedule));
  double slowest = 0;
  for (int i = 0; i < 40; ++i) {
    scene.sampler.eta = 0.5 + i / 100.0;
    const auto start = std::chrono::steady_clock::now();
    lab.sync(scene);
    slowest = std::max(slowest, seconds_since(start));
    EXPECT_TRUE(lab.reverse_status().running || lab.reverse_status().frames == 1001);
  }
  EXPECT_LT(slowest, test::kFrameSeconds) << "a restart waited for the old run";
  // The last one completes with the last eta.
  scene.sampler.steps = 20;
  lab.sync(scene);
  finish_reverse(lab, scene);
  EXPECT_EQ(lab.reverse_status().frames, 21);
}

[[maybe_unused]] std::vector<float> read_points_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // x,y
  std::vector<float> xy;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    xy.push_back(std::stof(line.substr(0, comma)));
    xy.push_back(std::stof(line.substr(comma + 1)));
  }
  return xy;
}

// What `dlab sample --model exact --dataset gmm8 --schedule linear --n 500 --sampler S --steps 20 --seed 5 ARGS` prints: the
// real binary where this build has it, else the same core calls it makes (app/cli/cmd_sample.cpp).
std::vector<float> dlab_sample(const std::string& sampler, const std::string& extra, const SamplerSettings& settings) {
#ifdef DLAB_BINARY
  (void)settings;
  const std::string out = test::temp_path(sampler + ".csv");
  const std::string command = std::string(DLAB_BINARY) + " sample --model exact --dataset gmm8 --schedule linear --n 500 --sampler " +
                              sampler + " --steps 20 --seed 5 " + extra + " --out " + out + " >/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return read_points_csv(out);
#else
  (void)extra;
  (void)sampler;
  torch::NoGradGuard no_grad;
  const NoiseSchedule schedule{ScheduleConfig{}};
  SamplerConfig config;
  config.kind = settings.kind;
  config.steps = 20;
  config.variance = settings.variance;
  config.eta = settings.effective_eta();
  const ReverseStart start = reverse_start(500, 2, 5);
  config.seed = start.sampler_seed;
  const GaussianMixture mixture = *dataset_mixture(Dataset2D::Gmm8);
  const Denoiser denoiser = [mixture](const torch::Tensor& x_t, int, double alpha_bar) {
    return mixture_eps(mixture, x_t, alpha_bar);
  };
  const SampleResult result = sample(schedule, denoiser, start.x_T, config);
  return detail::to_floats(result.x0);
#endif
}

// The seed streams of issue 9: the app's reverse run gives the same x_0 as `dlab sample`, point for point.
void expect_same_as_dlab_sample(const std::string& sampler, const std::string& eta) {
  Lab lab;
  Scene scene = reverse_scene(sampler);
  set(scene, "eta", eta);
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.sync(scene);
  finish_reverse(lab, scene);
  const std::vector<float> app = lab.current_points();
  const std::vector<float> cli = dlab_sample(sampler, "--eta " + eta, scene.sampler);
  ASSERT_EQ(app.size(), cli.size());
  ASSERT_EQ(app.size(), 1000u);
  double worst = 0;
  for (std::size_t i = 0; i < app.size(); ++i) worst = std::max(worst, std::abs(double(app[i]) - cli[i]));
  EXPECT_LT(worst, 1e-5) << sampler << " eta " << eta << ": largest difference " << worst;
}

TEST(Lab, ReverseDdpmGivesTheSameX0AsDlabSample) { expect_same_as_dlab_sample("ddpm", "1"); }
TEST(Lab, ReverseDdimGivesTheSameX0AsDlabSample) { expect_same_as_dlab_sample("ddim", "0"); }
TEST(Lab, ReverseStochasticDdimGivesTheSameX0AsDlabSample) { expect_same_as_dlab_sample("ddim", "1"); }

// The first noise z of DDPM is not x_T (the old bug seeded both with one value): x_1 of DDPM minus
// x_1 without noise is sigma_1 z, which must be uncorrelated with x_T.
TEST(Lab, FirstSamplerNoiseIsNotXT) {
  auto frame1 = [](const std::string& variance, std::vector<float>* x_T) {
    Lab lab;
    Scene scene = reverse_scene("ddpm", 2000);
    set(scene, "variance", variance);
    lab.set_schedule(NoiseSchedule(scene.schedule));
    lab.sync(scene);
    finish_reverse(lab, scene, 0);
    if (x_T) *x_T = lab.current_points();
    scene.playback.cursor = 1;
    lab.sync(scene);
    return lab.current_points();
  };
  std::vector<float> x_T;
  const std::vector<float> noisy = frame1("beta-tilde", &x_T), mean = frame1("zero", nullptr);
  ASSERT_EQ(noisy.size(), x_T.size());
  double dot = 0, zz = 0, xx = 0;
  for (std::size_t i = 0; i < x_T.size(); ++i) {
    const double z = noisy[i] - mean[i];
    dot += z * x_T[i];
    zz += z * z;
    xx += double(x_T[i]) * x_T[i];
  }
  ASSERT_GT(zz, 0);
  const double correlation = dot / std::sqrt(zz * xx);
  EXPECT_LT(std::abs(correlation), 0.1) << "z is x_T again: correlation " << correlation;
}

// follow() is asked by the canvas and the formula panel every frame: the model is evaluated once per
// change of point, t or model, not per call.
TEST(Lab, FollowEvaluatesTheModelOncePerChange) {
  Lab lab;
  Scene scene;
  set(scene, "model", "exact");
  set(scene, "dataset", "gmm8");
  set(scene, "n", "500");
  set(scene, "t", "300");
  set(scene, "follow", "7");
  lab.set_schedule(NoiseSchedule(scene.schedule));
  lab.sync(scene);
  const std::uint64_t before = lab.ui_predictions();
  const FollowInfo first = lab.follow(7);
  EXPECT_TRUE(first.has_prediction);
  EXPECT_EQ(lab.ui_predictions(), before + 1);
  for (int frame = 0; frame < 5; ++frame) {
    lab.sync(scene);
    const FollowInfo again = lab.follow(7);
    lab.formula(7);
    EXPECT_EQ(again.eps_hat[0], first.eps_hat[0]);
    EXPECT_EQ(again.x0_hat[1], first.x0_hat[1]);
  }
  EXPECT_EQ(lab.ui_predictions(), before + 1);
  scene.playback.cursor = 301;
  lab.sync(scene);
  lab.follow(7);
  lab.follow(7);
  EXPECT_EQ(lab.ui_predictions(), before + 2);
  lab.follow(8);
  EXPECT_EQ(lab.ui_predictions(), before + 3);
}

// A jump to t = T with the chain: each sync does a slice (busy meanwhile), and the points end as the
// whole chain computed at once.
TEST(Lab, ChainIsComputedASlicePerFrame) {
  Lab lab;
  Scene scene;
  set(scene, "dataset", "gmm8");
  set(scene, "n", "20000");  // 1000 steps of 20,000 points: far more than one frame's budget
  set(scene, "forward-mode", "chain");
  set(scene, "t", "1000");
  const NoiseSchedule schedule(scene.schedule);
  lab.set_schedule(schedule);
  const auto start = std::chrono::steady_clock::now();
  lab.sync(scene);
  EXPECT_LT(seconds_since(start), 0.5 * test::kSlowdown);
  EXPECT_TRUE(lab.busy());
  int frames = 1;
  while (lab.busy() && frames < 100000) {
    lab.sync(scene);
    ++frames;
  }
  EXPECT_FALSE(lab.busy());
  EXPECT_GT(frames, 1);
  EXPECT_EQ(lab.step_info().t, 1000);

  detail::ChainCache reference;
  reference.reset(detail::from_floats(lab.data_points()), scene.data.seed, {});
  const std::vector<float> expected = detail::to_floats(reference.at(schedule, 1000));
  EXPECT_EQ(lab.current_points(), expected);
  const PointStats stats = lab.stats();
  EXPECT_NEAR(stats.mean[0], 0, 0.05);
  EXPECT_NEAR(stats.cov[1][1], 1, 0.05);

  // Scrubbing back starts from the checkpoint below (one every 16 steps): a few frames at most.
  scene.playback.cursor = 990;
  lab.sync(scene);
  for (frames = 1; lab.busy() && frames < 100; ++frames) lab.sync(scene);
  EXPECT_LT(frames, 100);
  EXPECT_EQ(lab.current_points(), detail::to_floats(reference.at(schedule, 990)));
}

}  // namespace
}  // namespace dlab::gui
