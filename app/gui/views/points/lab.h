// The Lab: everything the app computes, over core/. It follows Scene every frame (sync), keeps the
// data x_0, the forward process at the cursor, the reverse recording made by a worker thread, and
// answers the canvas, the plots and the formula panel with plain float arrays.
//
// Threading (MuJoCo simulate style): reverse sampling and training run on worker threads that publish
// small snapshots under a mutex; the UI thread copies what it needs under the lock and never waits
// for a computation. Torch-free header: the implementation lives in lab*.cpp, the only app files that
// include LibTorch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/state/scene.h"
#include "app/gui/timeline/timeline.h"
#include "app/gui/views/quality.h"
#include "core/schedule.h"

namespace dlab::gui {

// A box in data coordinates.
struct DataBox {
  float min_x = -1, min_y = -1, max_x = 1, max_y = 1;
  bool operator==(const DataBox& o) const {
    return min_x == o.min_x && min_y == o.min_y && max_x == o.max_x && max_y == o.max_y;
  }
};

// A scalar field sampled on an nx-by-ny grid over a box (row-major, row 0 at min_y), values in [0, 1].
struct ScalarGrid {
  DataBox box;
  int nx = 0, ny = 0;
  std::vector<float> values;
  float scale = 1.0f;  // the raw value that maps to 1 (for the legend)
  std::uint64_t version = 0;  // unique per computed grid, so a renderer knows when to re-upload
  bool empty() const { return values.empty(); }
};

// |eps_hat - eps*| that maps to the top of the error colour map (eps units).
constexpr float kScoreErrorScale = 0.5f;

// Arrows on a grid: start points and displacement vectors in data units, already scaled for display.
struct ArrowField {
  std::vector<float> origins;  // x, y pairs
  std::vector<float> vectors;  // dx, dy pairs
  std::vector<float> strength; // |vector| relative to the largest shown, in [0, 1]
};

// The followed point (click on the canvas).
struct FollowInfo {
  bool valid = false;
  int index = -1;
  std::vector<float> path;  // x, y at every frame from the start to the cursor
  float position[2] = {0, 0};   // x_t now
  bool has_origin = false;
  float origin[2] = {0, 0};     // forward: its x_0; reverse: where it ends (x_0 of the run)
  bool has_eps = false;         // forward, closed form: the noise eps of x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps
  float eps[2] = {0, 0};
  bool has_prediction = false;  // t >= 1 and a model is available
  float eps_hat[2] = {0, 0};    // model's eps_hat(x_t, t)
  float x0_hat[2] = {0, 0};     // model's x0_hat(x_t, t) = (x_t - sqrt(1 - abar) eps_hat)/sqrt(abar)
  bool has_next = false;        // reverse: the state after the next step
  float next[2] = {0, 0};
};

// Summary statistics of the points shown.
struct PointStats {
  int n = 0;
  double mean[2] = {0, 0};
  double cov[2][2] = {{0, 0}, {0, 0}};
  // Mixtures only: the fraction of points within 3 standard deviations of a component's mean.
  double near_mode_fraction = -1;
  // The mean distance from each point to its nearest data point x_0 (on up to 2000 of each).
  double mean_nearest_data_distance = -1;
  // How wide the points lie, against the data x_0 (core/point_statistics.h; -1 where not computed): about the
  // mixture's modes (mixtures), and the mean distance to the nearest other point (any data, same n).
  double spread = -1, data_spread = -1;
  double neighbour_distance = -1, data_neighbour_distance = -1;
};

// Class statistics of the points shown against the data's classes (core/class_clusters.h), for data whose
// points have classes (the Latent view's codes, issue 12); valid false otherwise. -1: not computed.
struct ClassStats {
  bool valid = false;
  // The fraction of points whose nearest data point has the point's class: forward the class of its x_0, reverse
  // the class it ends as (its x_0's nearest data point); chance: the same for positions that forgot it.
  double agreement = -1, chance = -1;
  // k-NN purity (k = 10) of the points and of the data themselves: high on the class clusters.
  double purity = -1, data_purity = -1;
  std::vector<double> shares;  // the share of each class among the points' nearest data points
};

// The update applied at this moment, for the formula panel: the equation, the same with the
// coefficients filled in, and with the followed point's vectors. UTF-8 with combining accents
// (draw with math_text.h).
struct Formula {
  std::string title;     // "Reverse: DDPM ancestral step (Ho et al. 2020, Alg. 2)"
  std::string equation;  // symbolic
  std::string numbers;   // the coefficients filled in
  std::string point;     // the followed point's numbers, or empty
  std::vector<std::pair<std::string, double>> terms;  // named values: t, abar_t, beta_t, sigma, ...
  std::string note;      // a remark (the variance mistake, the last step without noise, ...)
};

// Where live training stands (lab_training.cpp).
struct TrainingStatus {
  bool exists = false;    // a network is being trained (or was, and is paused)
  bool running = false;   // the training thread is taking steps now
  std::int64_t step = 0;
  double loss = 0;        // mean loss of the last interval read back
  double steps_per_second = 0;
  std::string device;     // "cpu (1 thread)"
  std::string message;    // the last problem (divergence, a file that could not be saved or loaded)
  std::uint64_t snapshots = 0;  // EMA snapshots published for sampling so far
};

// A checkpoint load, made on the training thread (Lab::training_load): the UI thread never waits for
// the file or the network.
struct CheckpointLoad {
  std::uint64_t id = 0;  // 0: none requested yet
  bool done = true;
  bool ok = false;
  std::string message;   // "loaded PATH", or what went wrong, naming the file
};

struct ModelInfo {
  bool available = false;
  std::string description;  // what it is, or why it is not available
};

// The span of the smoothed training loss, in steps.
constexpr double kLossSmoothingSteps = 100;

class Lab {
 public:
  Lab();
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // Follows the state: regenerates the data, the schedule and the model, restarts reverse sampling,
  // and computes the points at the cursor. Errors (bad CSV, impossible schedule, missing checkpoint)
  // land in the *_error() strings and never throw; the last valid value stays in use.
  void sync(Scene& state);
  // The schedule to use (validated by the app; call before sync when it changes).
  void set_schedule(const NoiseSchedule& schedule);

  // ---- data and schedule --------------------------------------------------------------------------
  const std::vector<float>& data_points() const;        // x_0, x, y pairs
  const std::vector<std::uint32_t>& point_colors() const;  // RGBA8 per shown point, or empty: one colour
  const std::vector<std::uint32_t>& data_colors() const;   // RGBA8 per data point
  // Points of data with classes (dataset_has_labels) take these colours by class (index: the label): the data,
  // forward the points by their x_0, reverse by the class they end as. Set by the views from the theme.
  void set_class_colors(const std::vector<std::uint32_t>& palette);
  const std::vector<int>& data_labels() const;  // the class of each data point, or empty
  // The class of each shown point (forward: its x_0's; reverse: the one it ends as, once the run is done), or empty.
  const std::vector<int>& shown_labels() const;
  // Cached per points shown. The agreement alone (full false: n x data distances, a few ms at 2000 points, for a
  // read-out) or every figure (the k-NN purity sorts neighbours too: for --stats-out).
  ClassStats class_stats(bool full = true) const;
  const NoiseSchedule& schedule() const;                // the last valid schedule
  std::uint64_t schedule_version() const;
  std::uint64_t data_version() const;  // changes whenever data_points() does
  const std::string& data_error() const;
  const std::string& schedule_error() const;
  bool data_is_mixture() const;
  // KL(q(x_T | x_0) || N(0, I)) per dimension for the data (Ho et al. 2020, L_T): is x_T Gaussian?
  double prior_kl() const;

  // ---- the points at the cursor ---------------------------------------------------------------------
  const std::vector<float>& current_points() const;
  // Forward mode with Layers::compare_forward: the other method (chain / closed form) at the same t.
  const std::vector<float>& comparison_points() const;
  PointStats comparison_stats() const;
  std::uint64_t shown_version() const;  // changes whenever current_points() does
  StepInfo step_info() const;
  const std::vector<int>& sampling_timesteps() const;  // reverse: the K timesteps visited, ascending
  ReverseStatus reverse_status() const;
  // The finished reverse run's x_0 (x, y pairs); empty while it samples, after a failure, or when none ran.
  std::vector<float> reverse_samples() const;
  // Paths of up to max_points points from the start to the cursor, each of `length` vertices; `indices`
  // (optional) receives the point index of each path.
  void trajectories(int max_points, int max_vertices, std::vector<float>* xy, int* paths, int* length,
                    std::vector<int>* indices = nullptr) const;
  FollowInfo follow(int index) const;
  // Mean and covariance (cheap, cached per frame shown); with_distances adds the mixture and nearest-data
  // figures (n x 2000 distances: for --stats-out and tests, not every frame).
  PointStats stats(bool with_distances = false) const;
  Formula formula(int followed_point) const;
  // The index of the shown point nearest to (x, y) within `radius` data units, or -1.
  int nearest_point(float x, float y, float radius) const;

  // ---- the model --------------------------------------------------------------------------------------
  ModelInfo model_info(ModelSource source, const Scene& state) const;
  const std::string& model_error() const;
  std::string model_description() const;  // the model in use
  bool has_model() const;
  bool model_is_exact() const;  // the exact eps* of a mixture: its score error is 0 everywhere

  // ---- grid layers at the timestep shown (cached; recomputed when t, the box or the model changes) -----
  const ArrowField& eps_field(const DataBox& box, int cells_across);
  const ScalarGrid& density(const DataBox& box, int resolution);
  const ScalarGrid& score_error(const DataBox& box, int resolution);  // empty unless a mixture

  // ---- live training (lab_training.cpp): a background thread, snapshots of the EMA weights ----------
  // Starts training on the current data (a new MLP if none exists) or resumes it.
  void training_start(const Scene& state);
  void training_pause();
  void training_reset();
  // Live edits: apply from the next step.
  void training_set(float learning_rate, int batch_size);
  TrainingStatus training_status() const;
  // The per-step loss, thinned to at most max_points (step, loss) pairs; `smoothed` (optional) receives the
  // loss smoothed over about kLossSmoothingSteps steps (core/loss_window.h: smoothed_curve) at the same steps.
  void training_loss(int max_points, std::vector<double>* steps, std::vector<double>* loss,
                     std::vector<double>* smoothed = nullptr) const;
  // The loss by noise level over the most recent window of steps, placed at the timesteps of `schedule` with
  // that log-SNR; `first` (optional) receives the same over the first window of training.
  void training_loss_by_t(const NoiseSchedule& schedule, std::vector<double>* t, std::vector<double>* loss,
                          std::vector<double>* first = nullptr) const;
  // Where the learning rate was set, in training steps, and to what (the first at the start).
  void training_learning_rates(std::vector<double>* steps, std::vector<double>* rates) const;
  // Saving: false with *error set (the message names the file) when it fails. Pauses training for the
  // write (at most one step's wait), then resumes it.
  bool training_save(const std::string& path, std::string* error);
  // Loading happens on the training thread: returns the load's id at once; training_load_status() tells
  // when it is done (the network becomes the "trained here" model at the next sync).
  std::uint64_t training_load(const std::string& path);
  CheckpointLoad training_load_status() const;
  // Publishes the current EMA weights as the "trained here" model now.
  void training_snapshot();
  // A reverse run finishes on the snapshot it started with (new snapshots do not restart it; a request
  // sample_again does): the training steps of that snapshot and of the latest one, -1 where there is none.
  std::int64_t sampling_snapshot_step() const;
  std::int64_t latest_snapshot_step() const;

  // Work still going on that changes what is shown without any input (a checkpoint load, a long chain
  // being computed a slice per frame): --screenshot and --stats-out wait for it, as for a reverse run.
  bool busy() const;

  // ---- the ELBO tab and the quality read-out (lab_quality.cpp): computed on a worker when asked for ----
  // Asks for them until the next sync: the ELBO of the current data, schedule and model (recomputed when
  // one changes), and the quality of the finished reverse run. Nothing is computed while nobody asks.
  void request_quality() const;
  // The variational bound in nats per dimension (core/elbo_points.h) on up to kElboPoints data points,
  // every term, with the model variance of the sampler's DDPM setting (beta, else beta-tilde).
  ElboReadout elbo() const;
  // Precision, recall and energy distance of the finished reverse run against fresh data.
  PointQualityReadout quality() const;
  // Asked for since the last sync and not ready yet (--stats-out and a screenshot of the ELBO tab wait for it).
  bool quality_pending() const;

  // Model evaluations made on the UI thread so far (the followed point, grid layers): tests check that
  // a frame repeated without a change makes none.
  std::uint64_t ui_predictions() const;

  // Blocks until the reverse run in progress is done (tests and --bench-frames); false if none ran.
  bool wait_for_reverse(double timeout_seconds);
  // Time per reverse step of the last finished run, in milliseconds (0 when none).
  double last_reverse_ms_per_step() const;

  // ---- export (lab_export.cpp, issue 11) ------------------------------------------------------------
  // Every frame of the finished reverse run as CSV step,t,x,y, as `dlab sample --trajectory` writes it
  // (core/export_tables.h); empty while it is still sampling, after a failure, or when none ran.
  std::string reverse_trajectory_csv() const;
  // The kind of model sampling uses now (a pretrained choice without a shipped network falls back to the
  // exact or the empirical one) and, for a pretrained one, its file; false when there is none.
  bool model_in_use(ModelSource* source, std::string* pretrained_file) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dlab::gui
