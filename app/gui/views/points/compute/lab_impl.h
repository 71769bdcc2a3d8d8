// Internals of the Lab (lab.h), shared by lab*.cpp: the only app files that include LibTorch.
#pragma once

#include <torch/types.h>

#include <atomic>
#include <limits>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/gui/views/points/lab.h"
#include "app/gui/compute/lab_models.h"
#include "app/gui/compute/lab_training.h"
#include "app/gui/compute/recording_worker.h"
#include "core/datasets2d.h"
#include "core/forward_process.h"
#include "core/rng.h"
#include "core/samplers.h"
#include "core/seed_streams.h"

namespace dlab::gui {

namespace detail {

std::vector<float> to_floats(const torch::Tensor& points);
torch::Tensor from_floats(const std::vector<float>& xy);
// Colour by position: hue from the angle around the points' mean, so each part of the data keeps its
// colour while it dissolves into noise (and in reverse, each point shows where it will land).
std::vector<std::uint32_t> colors_by_position(const std::vector<float>& xy);

// x_t by the one-step chain q(x_t | x_{t-1}) (Ho et al. 2020, Eq. (2)). Each step s draws its noise
// from its own seeded generator, so any x_t is reproducible however the user scrubs; checkpoints every
// kStride steps keep a jump to any t within kStride steps of work. The UI thread advances it a slice at a
// time (advance): a jump to t = 1000 shows the furthest step reached and goes on at the next frame,
// instead of computing all T steps in one frame (issue 9).
class ChainCache {
 public:
  static constexpr int kStride = 16;

  void reset(const torch::Tensor& x0, std::uint64_t seed, std::vector<int> tracked) {
    x0_ = x0;
    seed_ = seed;
    tracked_ = std::move(tracked);
    checkpoints_.assign(1, x0);
    current_ = x0;
    current_t_ = 0;
    reached_ = 0;
    tracked_paths_.assign(1, rows(x0));
  }

  bool empty() const { return !x0_.defined(); }
  const std::vector<int>& tracked() const { return tracked_; }

  // Steps towards x_t for up to budget_seconds (at least one step); true once current() is x_t.
  bool advance(const NoiseSchedule& schedule, int t, double budget_seconds) {
    if (t == current_t_) return true;
    // Start from the latest state at or below t: the current one, or the last checkpoint below t.
    const int checkpoint = std::min(t / kStride, last_checkpoint()) * kStride;
    if (current_t_ > t || current_t_ < checkpoint) {
      current_ = checkpoints_[checkpoint / kStride];
      current_t_ = checkpoint;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(budget_seconds);
    while (current_t_ < t) {
      const int s = current_t_ + 1;
      Rng rng(chain_step_seed(seed_, s));
      current_ = forward_step(schedule, current_, s, rng);
      current_t_ = s;
      if (s % kStride == 0 && s / kStride == static_cast<int>(checkpoints_.size())) checkpoints_.push_back(current_);
      if (s > reached_) {
        reached_ = s;
        tracked_paths_.push_back(rows(current_));
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
    }
    return current_t_ == t;
  }

  // x_t all at once (tests; the app uses advance).
  torch::Tensor at(const NoiseSchedule& schedule, int t) {
    advance(schedule, t, std::numeric_limits<double>::infinity());
    return current_;
  }

  const torch::Tensor& current() const { return current_; }
  int current_t() const { return current_t_; }

  // Positions of the tracked rows at every step 0..reached.
  const std::vector<std::vector<float>>& tracked_paths() const { return tracked_paths_; }
  int reached() const { return reached_; }

 private:
  int last_checkpoint() const { return static_cast<int>(checkpoints_.size()) - 1; }
  std::vector<float> rows(const torch::Tensor& x) const {
    std::vector<float> out;
    out.reserve(tracked_.size() * 2);
    const torch::Tensor cpu = x.to(torch::kFloat).contiguous();
    const float* data = cpu.data_ptr<float>();
    for (int i : tracked_) {
      out.push_back(data[2 * i]);
      out.push_back(data[2 * i + 1]);
    }
    return out;
  }

  torch::Tensor x0_, current_;
  std::uint64_t seed_ = 0;
  std::vector<int> tracked_;
  std::vector<torch::Tensor> checkpoints_;
  int current_t_ = 0, reached_ = 0;
  std::vector<std::vector<float>> tracked_paths_;
};

// The chain's share of one frame on the UI thread.
constexpr double kChainSecondsPerFrame = 0.008;

// Written by the sampling thread, read by the UI thread; every field under `mutex`. Frames are
// immutable once published, so the UI copies shared pointers, not points.
struct Recording {
  std::mutex mutex;
  std::vector<std::shared_ptr<const std::vector<float>>> frames;  // frame 0 = x_T
  std::vector<int> frame_nfe;                                      // NFE to reach each frame
  bool done = false;
  std::string error;
  double seconds = 0;
};

class ReverseRun {
 public:
  void start(const NoiseSchedule& schedule, ModelPtr model, const SamplerConfig& config, torch::Tensor x_T) {
    auto recording = std::make_shared<Recording>();
    recording->frames.push_back(std::make_shared<const std::vector<float>>(to_floats(x_T)));
    recording->frame_nfe.push_back(0);
    worker_.start(std::move(recording), [schedule, model, config, x_T](Recording& r, const std::atomic<bool>* cancel) {
      torch::NoGradGuard no_grad;
      torch::set_num_threads(1);  // the MLP's products run on OpenBLAS's threads (CpuWork, core/device.h)
      const StepObserver observer = [&](const SamplerStep& step) {
        auto frame = std::make_shared<const std::vector<float>>(to_floats(step.x_prev));
        std::lock_guard<std::mutex> lock(r.mutex);
        r.frames.push_back(std::move(frame));
        r.frame_nfe.push_back(step.nfe);
      };
      sample(schedule, model->denoiser, x_T, config, observer, cancel);
    });
  }

  void cancel() { worker_.cancel(); }  // never waits (recording_worker.h)
  bool wait(double timeout_seconds) { return worker_.wait(timeout_seconds); }
  const std::shared_ptr<Recording>& recording() const { return worker_.recording(); }
  std::uint64_t reaped() const { return worker_.reaped(); }

 private:
  RecordingWorker<Recording> worker_;
};

// Keys that say when something must be recomputed.
struct DataKey {
  DataOrigin origin{};
  Dataset2D dataset{};
  std::string csv_path;
  std::vector<float> drawn;
  int n = 0;
  std::uint64_t seed = 0;
  bool operator==(const DataKey& o) const {
    return origin == o.origin && dataset == o.dataset && csv_path == o.csv_path && drawn == o.drawn && n == o.n &&
           seed == o.seed;
  }
};

struct ReverseKey {
  std::uint64_t data_version = 0, schedule_version = 0, model_version = 0;
  SamplerKind kind{};
  int steps = 0;
  Spacing spacing{};
  VarianceKind variance{};
  double eta = 0;
  std::uint64_t seed = 0;
  bool operator==(const ReverseKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version &&
           model_version == o.model_version && kind == o.kind && steps == o.steps && spacing == o.spacing &&
           variance == o.variance && eta == o.eta && seed == o.seed;
  }
};

// Cache keys compared field by field (issue 9: hand-rolled hashes of versions collided).
struct GridKey {
  int t = -1;
  DataBox box;
  int resolution = 0;
  // What the values depend on besides t and the box: the model and the schedule (model layers); the
  // data and the schedule (exact density); or the points shown (histogram: shown_version).
  std::uint64_t model_version = 0, schedule_version = 0, data_version = 0, shown_version = 0;
  bool operator==(const GridKey& o) const {
    return t == o.t && box == o.box && resolution == o.resolution && model_version == o.model_version &&
           schedule_version == o.schedule_version && data_version == o.data_version &&
           shown_version == o.shown_version;
  }
};

// The data and schedule a result was computed for (the chain, the prior KL, statistics).
struct VersionKey {
  std::uint64_t data_version = 0, schedule_version = 0;
  int followed = -1;  // the chain tracks the followed point's path
  bool operator==(const VersionKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version && followed == o.followed;
  }
  bool operator!=(const VersionKey& o) const { return !(*this == o); }
};

// The points of the forward process at a t.
struct ForwardKey {
  std::uint64_t data_version = 0, schedule_version = 0;
  int t = -1;
  ForwardMode method{};
  int followed = -1;
  bool operator==(const ForwardKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version && t == o.t &&
           method == o.method && followed == o.followed;
  }
  bool operator!=(const ForwardKey& o) const { return !(*this == o); }
};

// The followed point's prediction (follow() is asked by the canvas and the formula panel every frame).
struct PredictionKey {
  int index = -1, t = -1;
  std::uint64_t model_version = 0, schedule_version = 0;
  float x = 0, y = 0;
  bool operator==(const PredictionKey& o) const {
    return index == o.index && t == o.t && model_version == o.model_version &&
           schedule_version == o.schedule_version && x == o.x && y == o.y;
  }
  bool operator!=(const PredictionKey& o) const { return !(*this == o); }
};

// The ELBO tab and the quality read-out (lab_quality.cpp): their workers and results.
struct QualityState;
std::shared_ptr<QualityState> make_quality_state();

struct StatsKey {
  std::uint64_t shown_version = 0, data_version = 0;
  bool operator==(const StatsKey& o) const {
    return shown_version == o.shown_version && data_version == o.data_version;
  }
  bool operator!=(const StatsKey& o) const { return !(*this == o); }
};

}  // namespace detail

struct Lab::Impl {
  // Data x_0.
  bool data_loaded = false;
  detail::DataKey data_key;
  torch::Tensor x0;
  std::vector<float> data_xy;
  std::string data_name = "gmm8";
  bool builtin = true;
  std::optional<GaussianMixture> mixture;
  std::vector<float> mixture_means;  // x, y pairs
  std::vector<float> mixture_stds;
  std::string data_error;
  std::uint64_t data_version = 0;

  // Schedule (validated by the app; an invalid one never reaches the Lab).
  NoiseSchedule schedule;
  std::uint64_t schedule_version = 0;
  bool schedule_set = false;
  std::string schedule_error;  // kept for the interface; the app reports schedule errors

  // Model.
  ModelSource model_source = ModelSource::Exact;
  std::uint64_t model_inputs_data = ~0ull, model_inputs_live = ~0ull;
  ModelSource model_inputs_source = ModelSource::Exact;
  ModelPtr model;
  // model_version when the model last changed for another reason than a new snapshot of live training: a
  // reverse run started since then keeps its snapshot.
  std::uint64_t model_base_version = 0;
  ModelPtr sampling_model;  // the model the reverse run samples with
  std::string model_error;
  std::string model_note;  // e.g. the fallback used when no pretrained network exists

  // Live training.
  std::unique_ptr<detail::TrainingRun> training = std::make_unique<detail::TrainingRun>();
  std::string training_error;
  std::uint64_t model_version = 0;

  // Mode and cursor.
  LabMode mode = LabMode::Forward;
  ForwardMode forward_mode{};
  int frame = 0;  // forward: t; reverse: frame index
  std::uint64_t shown_version = 0;  // bumps whenever current changes

  // Forward process.
  torch::Tensor forward_eps;  // the noise of the closed form, fixed per data set
  std::optional<detail::ForwardKey> forward_key;  // what `current` shows in forward mode, once complete
  std::vector<float> comparison;      // the other forward method at the same t (Layers::compare_forward)
  std::optional<detail::ForwardKey> comparison_key, comparison_stats_key;
  PointStats comparison_stats_cache;
  detail::ChainCache chain;
  std::optional<detail::VersionKey> chain_key;
  int chain_shown_t = -1;  // the chain step `current` (or `comparison`) shows while the chain catches up
  bool chain_busy = false;  // the chain has not reached the cursor's t yet
  bool load_busy = false;   // a checkpoint load was in flight at the last sync
  int followed = -1;

  // Reverse process.
  detail::ReverseRun reverse;
  detail::ReverseKey reverse_key;
  bool reverse_started = false;
  SamplerSettings sampler;
  SamplingPlan plan;  // the timesteps the sampler visits and the abar it uses at each
  std::vector<std::uint32_t> reverse_colors;
  bool reverse_colors_ready = false;
  double last_ms_per_step = 0;

  // Shown.
  std::vector<float> current;
  std::vector<std::uint32_t> colors;
  std::vector<std::uint32_t> data_colors;
  bool color_by_origin = true;
  // Data with classes (issue 12): each point's class, the palette by class, and reverse the class each point
  // ends as; class statistics cached per points shown.
  std::vector<int> data_labels;
  std::vector<std::uint32_t> class_palette;
  std::vector<int> reverse_labels;
  std::vector<int> shown_labels;
  // Per kind (0: the agreement alone, 1: every figure): the points and shown_labels' size (reverse: 0 until done)
  // the cache was made with.
  std::optional<detail::StatsKey> class_stats_key[2];
  std::size_t class_stats_labels[2] = {0, 0};
  ClassStats class_stats_cache[2];
  mutable std::optional<std::uint64_t> data_purity_version;
  mutable double data_purity = -1;
  // The data's colours: by class where the data have classes and a palette is set, else by position.
  void color_data();
  std::vector<std::uint32_t> colors_of(const std::vector<int>& labels) const;

  // Caches.
  std::uint64_t grid_versions = 0;
  detail::GridKey field_key, density_key, error_key;
  ArrowField field;
  ScalarGrid density, error;
  std::optional<detail::StatsKey> stats_key, full_stats_key;
  PointStats stats_cache, full_stats_cache;
  double prior_kl = 0;
  // The data's spread and neighbour distance (point_stats), computed once per data set.
  mutable std::optional<std::uint64_t> data_spread_version;
  mutable double data_spread = -1, data_neighbour_distance = -1;
  std::optional<detail::VersionKey> prior_kl_key;
  std::uint64_t ui_predictions = 0;  // model evaluations made on the UI thread (tests)
  // The ELBO tab and the quality read-out (lab_quality.cpp).
  mutable bool quality_wanted = false;  // asked for since the last sync
  std::shared_ptr<detail::QualityState> quality = detail::make_quality_state();
  // The followed point's eps_hat and x0_hat (follow()).
  std::optional<detail::PredictionKey> prediction_key;
  bool prediction_ok = false;
  float prediction_eps[2] = {0, 0}, prediction_x0[2] = {0, 0};

  int num_points() const { return static_cast<int>(current.size() / 2); }

  int reverse_steps() const { return plan.size(); }
  int t_of_frame(int k) const { return plan.t_of_frame(k); }
  int shown_t() const { return mode == LabMode::Forward ? frame : t_of_frame(frame); }

  void load_data(const Scene& state);
  void update_model(const Scene& state);
  void update_reverse(const Scene& state);
  void update_forward(Scene& state);
  // The points of `method` at t; the chain may stop short of t (*complete false): call again next frame.
  std::vector<float> forward_points(ForwardMode method, int t, bool* complete);
  PointStats point_stats(const std::vector<float>& points, bool with_distances) const;
  // True when a grid layer of the model at the shown t must be recomputed (then remembers the new key).
  bool model_layer_stale(detail::GridKey& cached, const DataBox& box, int resolution) const;
  void update_shown_reverse(Scene& state);
  // Starts the ELBO and the quality of a finished run on their workers when asked for, and takes their results.
  void update_quality(const Scene& state);
};

}  // namespace dlab::gui
