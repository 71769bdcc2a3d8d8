// The ELBO tab and the quality read-out of the 2D view (lab.h): the variational bound of the model in nats
// per dimension (core/elbo_points.h) and the precision, recall and energy distance of a finished reverse run
// against fresh data (core/precision_recall.h, core/metrics.h, core/point_quality.h). Both run on worker
// threads (app/gui/compute/async_value.h), only while someone asks for them (the tab shown, --stats-out),
// keyed by the versions of what they depend on; the UI thread takes their results in sync and never waits.
//
// [SECTION] Keys and results
// [SECTION] Starting and taking the work
// [SECTION] Read-outs
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "app/gui/compute/async_value.h"
#include "app/gui/compute/elbo_readout.h"
#include "app/gui/state/i18n.h"
#include "app/gui/views/points/compute/lab_impl.h"
#include "core/elbo_points.h"
#include "core/metrics.h"
#include "core/point_quality.h"
#include "core/precision_recall.h"

namespace dlab::gui {

// The ELBO averages over the first kElboPoints data points, every term t = 2..T: about as much network work
// as sampling as many points with DDPM (5-10 s with the shipped MLP on the 2-core machine); its standard
// error is shown beside the total.
constexpr std::int64_t kElboPoints = 1000;
// Precision, recall and the energy distance use at most this many samples (and as many fresh data points).
constexpr std::int64_t kQualityMaxPoints = 5000;

namespace detail {

// ============================================================================================
// [SECTION] Keys and results
// ============================================================================================

struct ElboKey {
  std::uint64_t data_version = 0, schedule_version = 0, model_version = 0;
  ModelSource source{};
  VarianceKind variance{};
  bool operator==(const ElboKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version &&
           model_version == o.model_version && source == o.source && variance == o.variance;
  }
  bool operator!=(const ElboKey& o) const { return !(*this == o); }
  // Only the live network's weights moved on (a training snapshot): a computation in progress may finish.
  bool same_but_snapshot(const ElboKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version && source == o.source &&
           variance == o.variance && source == ModelSource::Live;
  }
};

struct ElboResult {
  VariationalBound bound;
  double seconds = 0;
};

struct Progress {
  std::atomic<int> done{0}, work{0};
};

struct QualityState {
  // The ELBO: the inputs now, those of the request in flight, and those of the result held.
  std::optional<ElboKey> elbo_now, elbo_requested, elbo_held;
  ElboReadout elbo;  // the held result's numbers
  std::shared_ptr<Progress> elbo_progress = std::make_shared<Progress>();
  // The quality of a finished run, keyed by the run's inputs.
  std::optional<ReverseKey> run_now, run_requested, run_held;
  PointQualityReadout quality;
  std::string model_error;
  bool reverse_mode = false, run_finished = false;
  // Last: their threads stop (and cancel their jobs) before the fields above go.
  AsyncValue<ElboResult> elbo_job;
  AsyncValue<PointQualityReadout> quality_job;
};

std::shared_ptr<QualityState> make_quality_state() { return std::make_shared<QualityState>(); }

// Precision, recall and the energy distance of `samples` against fresh data of a built-in data set (beside
// the floor of independent draws), or against the data points themselves for a CSV file or drawn points.
PointQualityReadout measure_samples(const torch::Tensor& samples, const torch::Tensor& data,
                                    std::optional<Dataset2D> builtin, const std::string& data_name,
                                    std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  const std::int64_t n = std::min<std::int64_t>(samples.size(0), kQualityMaxPoints);
  const torch::Tensor generated = samples.narrow(0, 0, n);
  PointQualityReadout out;
  out.samples = n;
  out.k = kPrecisionRecallK;
  torch::Tensor reference;
  if (builtin) {
    // The checks of `dlab eval` (core/point_quality.h): n fresh points, and the floor from 4 more draws.
    const PointQualityData draws = draw_point_quality_data(*builtin, n, seed);
    reference = draws.data;
    double floor = 0;
    for (const torch::Tensor& fresh : draws.fresh_draws)
      floor += energy_distance(fresh, reference) / static_cast<double>(draws.fresh_draws.size());
    out.energy_floor = floor;
    out.reference_note = format_text(tr("%lld fresh points of %s"), static_cast<long long>(n), data_name.c_str());
  } else {
    reference = data.narrow(0, 0, std::min<std::int64_t>(data.size(0), n));
    out.reference_note = format_text(tr("the %lld data points themselves (no fresh draws of a CSV file or drawn "
                                        "points, so no floor)"),
                                     static_cast<long long>(reference.size(0)));
  }
  out.reference = reference.size(0);
  if (n <= kPrecisionRecallK || reference.size(0) <= kPrecisionRecallK)
    throw std::runtime_error(tr("too few points for k-NN precision and recall (k = 3)"));
  const PrecisionRecall pr = knn_precision_recall(reference, generated);
  out.precision = pr.precision;
  out.recall = pr.recall;
  out.energy = energy_distance(generated, reference);
  out.state = ReadoutState::Ready;
  return out;
}

}  // namespace detail

using namespace detail;

// ============================================================================================
// [SECTION] Starting and taking the work
// ============================================================================================

void Lab::Impl::update_quality(const Scene& state) {
  QualityState& q = *quality;
  const bool wanted = quality_wanted;
  quality_wanted = false;

  // The ELBO of the model now.
  q.model_error = model_error.empty() ? tr("No model to measure.") : model_error;
  q.elbo_now.reset();
  if (model) {
    const VarianceKind variance =
        state.sampler.variance == VarianceKind::Beta ? VarianceKind::Beta : VarianceKind::BetaTilde;
    q.elbo_now = ElboKey{data_version, schedule_version, model_version, model_source, variance};
  }
  if (auto result = q.elbo_job.take()) {
    q.elbo_held = q.elbo_requested;
    if (result->value && q.elbo_held) {
      q.elbo = elbo_readout(result->value->bound, false, schedule.timesteps(), q.elbo_held->variance,
                            result->value->seconds);
    } else {
      q.elbo = ElboReadout();
      q.elbo.state = ReadoutState::Failed;
      q.elbo.error = result->error;
    }
  }
  const bool elbo_running = q.elbo_job.busy();
  const bool elbo_stale = q.elbo_now && q.elbo_now != q.elbo_requested;
  // A live network's new snapshot waits for the computation in progress (training publishes one every few
  // seconds); any other change starts over at once.
  const bool let_it_finish = elbo_running && q.elbo_now && q.elbo_requested && q.elbo_now->same_but_snapshot(*q.elbo_requested);
  if (wanted && elbo_stale && !let_it_finish) {
    q.elbo_requested = q.elbo_now;
    const std::int64_t count = std::min<std::int64_t>(x0.size(0), kElboPoints);
    const torch::Tensor points = x0.narrow(0, 0, count).clone();
    PointElboConfig config;
    config.variance = q.elbo_now->variance;
    config.seed = derived_seed(data_key.seed, SeedStream::ElboNoise);
    auto progress = q.elbo_progress = std::make_shared<Progress>();
    q.elbo_job.request([schedule = schedule, model = model, points, config, progress](const std::atomic<bool>& cancel) {
      torch::NoGradGuard no_grad;
      torch::set_num_threads(1);  // the MLP's products run on OpenBLAS's threads (CpuWork, core/device.h)
      const auto start = std::chrono::steady_clock::now();
      ElboResult result;
      result.bound = elbo_points(schedule, model->denoiser, model->prediction, points, config,
                                 [&](int done, int work) {
                                   progress->done = done;
                                   progress->work = work;
                                 },
                                 &cancel);
      if (cancel.load()) throw std::runtime_error("cancelled");
      result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return result;
    });
  }

  // The quality of the finished reverse run.
  q.reverse_mode = mode == LabMode::Reverse;
  q.run_finished = false;
  q.run_now.reset();
  torch::Tensor samples;
  if (q.reverse_mode && model) {
    if (const auto& recording = reverse.recording()) {
      std::lock_guard<std::mutex> lock(recording->mutex);
      q.run_finished = recording->done && recording->error.empty() &&
                       static_cast<int>(recording->frames.size()) == reverse_steps() + 1;
      if (q.run_finished) {
        q.run_now = reverse_key;
        if (wanted && !(q.run_now == q.run_requested)) samples = from_floats(*recording->frames.back());
      }
    }
  }
  if (auto result = q.quality_job.take()) {
    q.run_held = q.run_requested;
    if (result->value) {
      q.quality = *result->value;
    } else {
      q.quality = PointQualityReadout();
      q.quality.state = ReadoutState::Failed;
      q.quality.error = result->error;
    }
  }
  if (samples.defined()) {
    q.run_requested = q.run_now;
    std::optional<Dataset2D> builtin_data;
    if (data_key.origin == DataOrigin::Builtin) builtin_data = data_key.dataset;
    q.quality_job.request([samples, data = x0, builtin_data, name = data_name, seed = data_key.seed] {
      torch::set_num_threads(1);
      return measure_samples(samples, data, builtin_data, name, seed);
    });
  }
}

// ============================================================================================
// [SECTION] Read-outs
// ============================================================================================

void Lab::request_quality() const { impl_->quality_wanted = true; }

ElboReadout Lab::elbo() const {
  const QualityState& q = *impl_->quality;
  if (!q.elbo_now) {
    ElboReadout none;
    none.state = ReadoutState::Failed;
    none.error = q.model_error;
    return none;
  }
  ElboReadout out = q.elbo;
  if (q.elbo_held == q.elbo_now) return out;
  // Not for the model, data and schedule now: computing (the older numbers shown as stale) or not asked.
  out.stale = out.state == ReadoutState::Ready;
  out.state = q.elbo_job.busy() ? ReadoutState::Computing : ReadoutState::Off;
  out.done = q.elbo_progress->done;
  out.work = q.elbo_progress->work;
  return out;
}

PointQualityReadout Lab::quality() const {
  const QualityState& q = *impl_->quality;
  if (q.run_now && q.run_held == q.run_now) return q.quality;
  PointQualityReadout out;
  if (q.run_now && q.quality_job.busy()) out.state = ReadoutState::Computing;
  return out;
}

bool Lab::quality_pending() const {
  if (!impl_->quality_wanted) return false;
  const QualityState& q = *impl_->quality;
  // While a network trains here its snapshots replace the model every few seconds, faster than its bound is
  // computed: once the bound of an earlier snapshot is in, nothing more is waited for (it would never end; the
  // statistics give null for a bound not of the model shown).
  const bool chasing_snapshots = q.elbo_now && q.elbo_held && q.elbo_now->same_but_snapshot(*q.elbo_held) &&
                                 training_status().running;
  const bool elbo_pending = q.elbo_now && q.elbo_held != q.elbo_now && !chasing_snapshots;
  const bool run_pending = q.run_now && !(q.run_held == q.run_now);
  return elbo_pending || run_pending;
}

}  // namespace dlab::gui
