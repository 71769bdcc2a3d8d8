// The image view's ELBO and Frechet distances on worker threads (image_quality.h).
//
// [SECTION] The feature reference of a data set
// [SECTION] Jobs
// [SECTION] ImageQualityWork
#include "app/gui/views/images/compute/image_quality.h"

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "app/gui/compute/async_value.h"
#include "app/gui/compute/elbo_readout.h"
#include "app/gui/compute/lab_models.h"
#include "app/gui/state/i18n.h"
#include "core/bits_per_dim.h"
#include "core/classifier.h"
#include "core/frechet.h"
#include "core/image_datasets.h"
#include "core/seed_streams.h"

namespace dlab::gui {

namespace {

constexpr const char* kCancelled = "cancelled";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// ============================================================================================
// [SECTION] The feature reference of a data set
// ============================================================================================

// The classifier of a built-in data set and the Gaussian statistics of its test set's features, loaded once
// (a few seconds), and the floor at each n: n training images scored against the test set, what a perfect
// model would score with n samples. Shared by the grid's and the estimate's jobs, under its mutex.
class FeatureReference {
 public:
  // The classifier next to the shipped models: assets/models/classifier-NAME.lenet (or $DLAB_MODELS_DIR).
  static std::string classifier_path(const std::string& dataset) {
    return (std::filesystem::path(pretrained_path(dataset)).parent_path() / ("classifier-" + dataset + ".lenet"))
        .string();
  }

  // Loads the classifier and the test set's statistics of data set `name` unless they are loaded. Throws with a
  // message for the window when there is no classifier for it.
  void prepare(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex);
    prepare_locked(name);
  }

  // d^2 of `images` against the test set, and the floor at their count. Throws with a message for the window.
  std::pair<double, double> frechet(const std::string& name, const torch::Tensor& images, std::uint64_t seed) {
    std::lock_guard<std::mutex> lock(mutex);
    torch::NoGradGuard no_grad;
    prepare_locked(name);
    const std::int64_t n = images.size(0);
    const double distance = frechet_distance(gaussian_statistics(classifier_features(*classifier, images)), test);
    auto floor = floors.find(n);
    if (floor == floors.end()) {
      const torch::Tensor real = load_image_dataset({name, ImageSplit::Train, n, seed}).images;
      floor = floors.emplace(n, frechet_distance(gaussian_statistics(classifier_features(*classifier, real)), test)).first;
    }
    return {distance, floor->second};
  }

 private:
  void prepare_locked(const std::string& name) {
    torch::NoGradGuard no_grad;
    if (name != dataset || !classifier) {
      if (name != "shapes" && name != "fashion-mnist")
        throw std::runtime_error(tr("No Fr\u00e9chet distance for a folder of images: it needs a classifier trained "
                                    "on the data set (shapes and fashion-mnist ship one)."));
      const std::string path = classifier_path(name);
      if (!std::filesystem::exists(path))
        throw std::runtime_error(format_text(tr("No feature classifier %s: train one with dlab eval "
                                                "--train-classifier %s --dataset %s."),
                                             path.c_str(), path.c_str(), name.c_str()));
      classifier.reset();
      floors.clear();
      Classifier loaded = load_classifier(path);
      test = gaussian_statistics(classifier_features(loaded, load_image_dataset({name, ImageSplit::Test, 0, 0}).images));
      classifier = std::move(loaded);
      dataset = name;
    }
  }

  std::mutex mutex;  // the fields below
  std::string dataset;
  std::optional<Classifier> classifier;
  GaussianStatistics test;
  std::map<std::int64_t, double> floors;
};

// ============================================================================================
// [SECTION] Jobs
// ============================================================================================

struct ElboKey {
  std::uint64_t data_version = 0, schedule_version = 0, model_version = 0;
  VarianceKind variance{};
  bool clip_x0 = true;
  bool operator==(const ElboKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version &&
           model_version == o.model_version && variance == o.variance && clip_x0 == o.clip_x0;
  }
  bool operator!=(const ElboKey& o) const { return !(*this == o); }
};

// A reverse run and the data set its images are scored against.
struct RunKey {
  std::uint64_t run = 0;
  std::string dataset;
  bool operator==(const RunKey& o) const { return run == o.run && dataset == o.dataset; }
  bool operator!=(const RunKey& o) const { return !(*this == o); }
};

struct ElboResult {
  BitsPerDimResult bound;
  double seconds = 0;
};

struct Progress {
  std::atomic<std::int64_t> done{0}, work{0};
};

FrechetReadout frechet_readout(FeatureReference& reference, const std::string& dataset, const torch::Tensor& images,
                               std::uint64_t seed, std::chrono::steady_clock::time_point start) {
  const auto [distance, floor] = reference.frechet(dataset, images, seed);
  FrechetReadout out;
  out.state = ReadoutState::Ready;
  out.distance = distance;
  out.floor = floor;
  out.samples = images.size(0);
  out.done = out.work = images.size(0);
  out.seconds = seconds_since(start);
  return out;
}

}  // namespace

// ============================================================================================
// [SECTION] ImageQualityWork
// ============================================================================================

struct ImageQualityWork::Impl {
  mutable bool wanted = false;
  ImageQualityInputs inputs;  // of the last update
  std::optional<ElboKey> elbo_now, elbo_requested, elbo_held;
  ElboReadout elbo;
  std::shared_ptr<Progress> elbo_progress = std::make_shared<Progress>();
  std::optional<RunKey> run_now, grid_requested, grid_held, estimate_requested, estimate_held;
  FrechetReadout grid, estimate;
  std::shared_ptr<Progress> estimate_progress = std::make_shared<Progress>();
  std::shared_ptr<FeatureReference> reference = std::make_shared<FeatureReference>();
  // Last: their threads stop (cancelling their jobs) before the fields above go.
  AsyncValue<ElboResult> elbo_job;
  AsyncValue<FrechetReadout> grid_job;
  AsyncValue<FrechetReadout> estimate_job;
};

ImageQualityWork::ImageQualityWork() : impl_(std::make_unique<Impl>()) {}
ImageQualityWork::~ImageQualityWork() = default;

void ImageQualityWork::request() const { impl_->wanted = true; }

void ImageQualityWork::update(const ImageQualityInputs& in) {
  Impl& m = *impl_;
  const bool wanted = m.wanted;
  m.wanted = false;
  m.inputs = in;
  m.elbo_now.reset();
  m.run_now.reset();
  if (in.model && in.x0.defined() && in.x0.size(0) > 0)
    m.elbo_now = ElboKey{in.data_version, in.schedule_version, in.model_version, in.variance, in.clip_x0};
  if (in.model && in.run_finished && in.samples.defined()) m.run_now = RunKey{in.run, in.dataset};

  // Results.
  if (auto result = m.elbo_job.take()) {
    m.elbo_held = m.elbo_requested;
    if (result->value && m.elbo_held) {
      m.elbo = elbo_readout(result->value->bound, true, in.schedule.timesteps(), m.elbo_held->variance,
                            result->value->seconds);
    } else {
      m.elbo = ElboReadout();
      m.elbo.bits = true;
      m.elbo.state = ReadoutState::Failed;
      m.elbo.error = result->error;
    }
  }
  if (auto result = m.grid_job.take()) {
    m.grid_held = m.grid_requested;
    m.grid = result->value ? *result->value : FrechetReadout();
    if (!result->value) {
      m.grid.state = ReadoutState::Failed;
      m.grid.error = result->error;
    }
  }
  if (auto result = m.estimate_job.take()) {
    m.estimate_held = m.estimate_requested;
    m.estimate = result->value ? *result->value : FrechetReadout();
    if (!result->value && result->error != kCancelled) {
      m.estimate.state = ReadoutState::Failed;
      m.estimate.error = result->error;
    }
  }

  // The bound: on the first kImageElboImages data images, kImageElboTerms terms (an estimate), the
  // unconditional model (the null label of a class-conditional one), as `dlab eval` does.
  if (wanted && m.elbo_now && m.elbo_now != m.elbo_requested) {
    m.elbo_requested = m.elbo_now;
    const torch::Tensor images = in.x0.narrow(0, 0, std::min<std::int64_t>(in.x0.size(0), kImageElboImages)).clone();
    BitsPerDimConfig config;
    config.variance = in.variance;
    config.clip_x0 = in.clip_x0;
    config.term_samples = kImageElboTerms;
    config.batch_size = static_cast<int>(kImageElboImages);
    config.seed = derived_seed(in.seed, SeedStream::ElboNoise);
    auto progress = m.elbo_progress = std::make_shared<Progress>();
    m.elbo_job.request([schedule = in.schedule, model = in.model, images, config, progress](const std::atomic<bool>& cancel) {
      torch::NoGradGuard no_grad;
      const auto start = std::chrono::steady_clock::now();
      ElboResult result;
      result.bound = bits_per_dim(schedule, make_network_denoiser(model->net, model->device), model->spec.prediction,
                                  images, config,
                                  [&](int done, int work) {
                                    progress->done = done;
                                    progress->work = work;
                                  },
                                  &cancel);
      if (cancel.load()) throw std::runtime_error(kCancelled);
      result.seconds = seconds_since(start);
      return result;
    });
  }
  // The grid of the finished run.
  if (wanted && m.run_now && m.run_now != m.grid_requested) {
    m.grid_requested = m.run_now;
    m.grid_job.request([reference = m.reference, dataset = in.dataset, samples = in.samples, seed = in.seed] {
      return frechet_readout(*reference, dataset, samples, seed, std::chrono::steady_clock::now());
    });
  }
}

bool ImageQualityWork::pending() const {
  const Impl& m = *impl_;
  if (!m.wanted) return false;
  return (m.elbo_now && m.elbo_held != m.elbo_now) || (m.run_now && m.grid_held != m.run_now);
}

void ImageQualityWork::start_estimate() {
  Impl& m = *impl_;
  const ImageQualityInputs& in = m.inputs;
  if (!in.model) return;
  m.estimate_requested = RunKey{in.run, in.dataset};
  m.estimate = FrechetReadout();
  ImageSampleRequest request = in.request;
  request.count = kFrechetEstimateSamples;
  request.batch = 50;  // progress at every step of each batch of 50 images
  auto progress = m.estimate_progress = std::make_shared<Progress>();
  progress->work = request.count;
  m.estimate_job.request([reference = m.reference, model = in.model, schedule = in.schedule, request, dataset = in.dataset,
                          seed = in.seed, progress](const std::atomic<bool>& cancel) {
    torch::NoGradGuard no_grad;
    reference->prepare(dataset);  // no classifier for the data set: say so now, not after sampling
    const auto start = std::chrono::steady_clock::now();
    std::int64_t batches_done = 0;
    // Progress by step: the images of the finished batches, plus the running batch's share of its steps.
    const StepObserver observer = [&](const SamplerStep& step) {
      progress->done = batches_done * request.batch + request.batch * step.step / std::max(1, step.num_steps);
    };
    const torch::Tensor images = sample_images(model->net, model->device, schedule, request, observer, &cancel,
                                               [&](std::int64_t done, std::int64_t) {
                                                 batches_done = done / request.batch;
                                                 progress->done = done;
                                               });
    if (cancel.load()) throw std::runtime_error(kCancelled);
    return frechet_readout(*reference, dataset, images, seed, start);
  });
}

void ImageQualityWork::cancel_estimate() {
  impl_->estimate_job.cancel();
}

ElboReadout ImageQualityWork::elbo() const {
  const Impl& m = *impl_;
  if (!m.elbo_now) {
    ElboReadout none;
    none.bits = true;
    none.state = ReadoutState::Failed;
    none.error = m.inputs.model_error.empty() ? tr("No model to measure.") : m.inputs.model_error;
    return none;
  }
  ElboReadout out = m.elbo;
  out.bits = true;
  if (m.elbo_held == m.elbo_now) return out;
  out.stale = out.state == ReadoutState::Ready;
  out.state = m.elbo_job.busy() ? ReadoutState::Computing : ReadoutState::Off;
  out.done = static_cast<int>(m.elbo_progress->done);
  out.work = static_cast<int>(m.elbo_progress->work);
  return out;
}

ImageQualityReadout ImageQualityWork::quality() const {
  const Impl& m = *impl_;
  ImageQualityReadout out;
  if (m.run_now && m.grid_held == m.run_now) {
    out.grid = m.grid;
  } else if (m.run_now && m.grid_job.busy()) {
    out.grid.state = ReadoutState::Computing;
  }
  const RunKey current{m.inputs.run, m.inputs.dataset};
  if (m.estimate_requested == current) {
    if (m.estimate_job.busy()) {
      out.estimate.state = ReadoutState::Computing;
      out.estimate.done = m.estimate_progress->done;
      out.estimate.work = m.estimate_progress->work;
    } else if (m.estimate_held == current) {
      out.estimate = m.estimate;
    }
  }
  return out;
}

}  // namespace dlab::gui
