// The image view's computations (image_lab.h): data images, the forward process at the cursor, the
// reverse process of a U-Net checkpoint on a worker thread, and the model's predictions at the cursor
// in forward mode on a second worker (latest request wins), so the UI never waits for the network.
//
// [SECTION] Helpers
// [SECTION] Workers: reverse recording and forward predictions
// [SECTION] Impl: data, schedule, model
// [SECTION] Forward and reverse at the cursor
// [SECTION] ImageLab
#include <torch/types.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "app/gui/compute/async_value.h"
#include "app/gui/state/i18n.h"
#include "app/gui/views/images/compute/image_quality.h"
#include "app/gui/views/images/image_lab.h"
#include "app/gui/views/points/compute/lab_impl.h"
#include "core/checkpoint.h"
#include "core/classifier.h"
#include "core/guidance.h"
#include "core/image_datasets.h"
#include "core/image_grid.h"
#include "core/image_sampling.h"
#include "core/parameterization.h"

namespace dlab::gui {

// ============================================================================================
// [SECTION] Helpers
// ============================================================================================

std::string image_model_default_path(const std::string& dataset) {
  std::string name = dataset;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  if (const auto slash = name.find_last_of('/'); slash != std::string::npos) name = name.substr(slash + 1);
  return pretrained_path(name);
}

namespace {

using BytesPtr = std::shared_ptr<const ImageBytes>;

// [N, C, H, W] floats -> display bytes: v in [-range, range] maps to 0..255, clamped.
BytesPtr to_bytes(const torch::Tensor& images, float range) {
  auto out = std::make_shared<ImageBytes>();
  const torch::Tensor x = images.detach().to(torch::kCPU, torch::kFloat).contiguous();
  out->count = static_cast<int>(x.size(0));
  out->channels = static_cast<int>(x.size(1));
  out->height = static_cast<int>(x.size(2));
  out->width = static_cast<int>(x.size(3));
  const torch::Tensor bytes =
      ((x / range + 1.0f) * 127.5f).round().clamp(0, 255).to(torch::kUInt8).contiguous();
  out->pixels.assign(bytes.data_ptr<std::uint8_t>(), bytes.data_ptr<std::uint8_t>() + bytes.numel());
  return out;
}

PixelStats stats_of(const torch::Tensor& x) {
  PixelStats stats;
  const torch::Tensor d = x.detach().to(torch::kCPU, torch::kDouble);
  stats.n = d.numel();
  if (stats.n > 0) {
    stats.mean = d.mean().item<double>();
    stats.std = stats.n > 1 ? d.std().item<double>() : 0.0;
    const torch::Tensor counts = torch::histc(d.to(torch::kFloat).flatten(), kHistogramBins, -kHistogramRange, kHistogramRange).contiguous();
    const float scale = kHistogramBins / (2.0f * kHistogramRange * static_cast<float>(stats.n));
    stats.histogram.resize(kHistogramBins);
    for (int i = 0; i < kHistogramBins; ++i) stats.histogram[i] = counts.data_ptr<float>()[i] * scale;
  }
  return stats;
}

std::vector<std::string> shape_class_names() {
  std::vector<std::string> names;
  for (const auto& entry : EnumNames<Shape>::entries) names.emplace_back(entry.label);
  return names;
}

// The denoiser of a (possibly class-conditional) network for these labels, as the image sampler
// builds it (core/image_sampling.cpp).
Denoiser denoiser_for(const LoadedDenoiser& model, const torch::Tensor& labels, int label, double guidance) {
  const int classes = model.spec.num_classes;
  if (classes == 0 || label == classes) return make_network_denoiser(model.net, model.device);
  return make_guided_denoiser(model.net, labels, guidance, model.device);
}

// ============================================================================================
// [SECTION] Workers: reverse recording and forward predictions
// ============================================================================================

// Written by the sampling thread, read by the UI thread; every field under `mutex`.
struct ImageRecording {
  std::mutex mutex;
  std::vector<BytesPtr> x;                 // frame 0 = x_T, frame k after k steps
  std::vector<BytesPtr> x0_hat, eps_hat;   // predictions at frame k (from step k + 1); null for the last
  std::vector<PixelStats> stats;           // of x at each frame
  std::vector<int> nfe;
  bool done = false;
  std::string error;
  double seconds = 0;
};

class ImageReverseRun {
 public:
  void start(std::shared_ptr<const LoadedDenoiser> model, const NoiseSchedule& schedule, const ImageSampleRequest& request) {
    auto recording = std::make_shared<ImageRecording>();
    // Frame 0 = x_T, the same pixels for a seed whatever the sampler or guidance (starting_noise).
    const torch::Tensor x_T = starting_noise(model->spec, request.count, request.seed);
    recording->x.push_back(to_bytes(x_T, 1.0f));
    recording->x0_hat.push_back(nullptr);
    recording->eps_hat.push_back(nullptr);
    recording->stats.push_back(stats_of(x_T));
    recording->nfe.push_back(0);
    worker_.start(std::move(recording), [model, schedule, request](ImageRecording& r, const std::atomic<bool>* cancel) {
      torch::NoGradGuard no_grad;
      const StepObserver observer = [&](const SamplerStep& step) {
        BytesPtr x0 = to_bytes(step.x0_hat, 1.0f), eps = to_bytes(step.eps_hat, kEpsDisplayRange);
        BytesPtr x = to_bytes(step.x_prev, 1.0f);
        const PixelStats stats = stats_of(step.x_prev);
        std::lock_guard<std::mutex> lock(r.mutex);
        // The predictions belong to the frame they were made from, x_t (frame step - 1).
        const std::size_t from = static_cast<std::size_t>(step.step - 1);
        if (from < r.x0_hat.size()) {
          r.x0_hat[from] = std::move(x0);
          r.eps_hat[from] = std::move(eps);
        }
        r.x.push_back(std::move(x));
        r.x0_hat.push_back(nullptr);
        r.eps_hat.push_back(nullptr);
        r.stats.push_back(stats);
        r.nfe.push_back(step.nfe);
      };
      sample_images(model->net, model->device, schedule, request, observer, cancel);
    });
  }

  void cancel() { worker_.cancel(); }  // never waits (recording_worker.h)
  bool wait(double timeout_seconds) { return worker_.wait(timeout_seconds); }
  const std::shared_ptr<ImageRecording>& recording() const { return worker_.recording(); }

 private:
  RecordingWorker<ImageRecording> worker_;
};

// Cache keys compared field by field (issue 9: `model_version*7 + (label+1)*3` was equal for (4, -1) and
// (1, 6)).
struct ForwardKey {
  std::uint64_t data_version = 0, schedule_version = 0;
  int t = -1;
  bool chain = false;
  bool operator==(const ForwardKey& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version && t == o.t && chain == o.chain;
  }
  bool operator!=(const ForwardKey& o) const { return !(*this == o); }
};

// The images a prediction is of, without their t (the latest result of any t is shown while playing).
struct PredictionBase {
  std::uint64_t data_version = 0, schedule_version = 0, model_version = 0;
  bool chain = false;
  int label = 0;
  double guidance = 0;
  bool operator==(const PredictionBase& o) const {
    return data_version == o.data_version && schedule_version == o.schedule_version &&
           model_version == o.model_version && chain == o.chain && label == o.label && guidance == o.guidance;
  }
  bool operator!=(const PredictionBase& o) const { return !(*this == o); }
};

struct FilmstripKey {
  bool reverse = false;
  std::uint64_t data_version = 0, schedule_version = 0, model_version = 0, reverse_runs = 0;
  std::size_t recorded = 0;
  int image = 0;
  bool operator==(const FilmstripKey& o) const {
    return reverse == o.reverse && data_version == o.data_version && schedule_version == o.schedule_version &&
           model_version == o.model_version && reverse_runs == o.reverse_runs && recorded == o.recorded &&
           image == o.image;
  }
  bool operator!=(const FilmstripKey& o) const { return !(*this == o); }
};

// What the data loader makes off the UI thread.
struct ImageData {
  torch::Tensor x0, forward_eps, labels;
  std::vector<int> label_list;
  std::vector<std::string> class_names;
  BytesPtr true_eps_bytes;
};

// What the model loader makes off the UI thread.
struct ImageModel {
  std::shared_ptr<const LoadedDenoiser> model;
  std::string description;
};

// The model's eps_hat and x0_hat of the forward x_t at the cursor, on a worker: the UI posts the latest
// request (a newer one replaces one not yet started) and shows the latest result.
class PredictionWorker {
 public:
  struct Request {
    PredictionBase base;
    std::shared_ptr<const LoadedDenoiser> model;
    torch::Tensor x_t, labels;
    int label = -1;
    double guidance = 1.0;
    int t = 0;
    double alpha_bar = 1.0;
  };
  struct Result {
    std::optional<PredictionBase> base;
    int t = 0;
    BytesPtr x0_hat, eps_hat;
  };

  PredictionWorker() : thread_([this] { loop(); }) {}
  ~PredictionWorker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    signal_.notify_all();
    thread_.join();
  }

  void post(Request request) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = std::move(request);
      has_pending_ = true;
    }
    signal_.notify_all();
  }

  Result result() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return result_;
  }

 private:
  void loop() {
    torch::NoGradGuard no_grad;
    for (;;) {
      Request request;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        signal_.wait(lock, [&] { return stop_ || has_pending_; });
        if (stop_) return;
        request = std::move(pending_);
        has_pending_ = false;
      }
      Result result;
      result.base = request.base;
      result.t = request.t;
      try {
        const Denoiser denoiser = denoiser_for(*request.model, request.labels, request.label, request.guidance);
        const torch::Tensor output = denoiser(request.x_t, request.t, request.alpha_bar);
        const EpsAndX0 p = to_eps_and_x0(request.model->spec.prediction, output, request.x_t, request.alpha_bar);
        result.x0_hat = to_bytes(p.x0, 1.0f);
        result.eps_hat = to_bytes(p.eps, kEpsDisplayRange);
      } catch (const std::exception&) {
        // A failing network shows no predictions; the reverse run reports the error in the window.
      }
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(result);
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable signal_;
  bool stop_ = false, has_pending_ = false;
  Request pending_;
  Result result_;
  std::thread thread_;
};

}  // namespace

// ============================================================================================
// [SECTION] Impl: data, schedule, model
// ============================================================================================

struct ImageLab::Impl {
  // Data x_0: the first `count` images of the data set.
  std::string data_name;
  int data_count = 0;
  std::uint64_t data_seed = 0;
  bool data_tried = false;
  bool data_colour = false;  // a folder loaded in RGB (ImageState::colour)
  AsyncValue<ImageData> data_loader;  // data sets load off the UI thread
  torch::Tensor x0, forward_eps, labels;
  std::vector<int> label_list;
  std::vector<std::string> class_names;
  std::string data_error;
  std::uint64_t data_version = 0;

  // Schedule.
  NoiseSchedule schedule;
  std::vector<double> schedule_alpha_bars;
  std::uint64_t schedule_version = 0;

  // Model.
  std::string model_path, model_tried_path;
  AsyncValue<ImageModel> model_loader;  // checkpoints load off the UI thread
  std::shared_ptr<const LoadedDenoiser> model;         // the checkpoint in use: null when it does not fit the data
  std::shared_ptr<const LoadedDenoiser> loaded_model;  // the checkpoint loaded, fitting the data or not
  std::string model_description, model_error, load_error;
  std::uint64_t model_version = 0;
  int label_classes = 0;  // the class count the scene's label was last checked against (0: none yet)
  std::vector<ControlError> control_errors;  // for take_control_errors

  // Cursor.
  LabMode mode = LabMode::Forward;
  int frame = 0;
  SamplingPlan plan;  // the timesteps the sampler visits and the abar it uses at each

  // Forward.
  detail::ChainCache chain;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> chain_key;  // data and schedule versions
  std::optional<ForwardKey> forward_key;  // what view.x shows, once complete
  bool chain_busy = false;  // the chain has not reached the cursor's t yet
  BytesPtr true_eps_bytes;
  torch::Tensor forward_x;
  PredictionWorker predictions;
  std::optional<std::pair<PredictionBase, int>> prediction_key;  // the latest request posted, and its t

  // Reverse.
  detail::ReverseKey reverse_key;
  bool reverse_clip = true;
  int reverse_count = 0, reverse_label = 0;
  double reverse_guidance = 0;
  bool reverse_started = false;
  std::uint64_t reverse_runs = 0;  // runs started, so the filmstrip knows a new run from an old one
  ImageReverseRun reverse;
  double last_ms_per_step = 0;
  PixelStats reverse_stats;
  ImageSampleRequest reverse_request;  // what the run samples (the Frechet estimate samples more of the same)

  // The ELBO tab and the quality read-out (compute/image_quality.h).
  ImageQualityWork quality;
  torch::Tensor run_samples;  // the last images of a finished run, as floats
  std::uint64_t run_samples_of = 0;

  // Shown.
  ImageView view;
  Filmstrip filmstrip;
  std::optional<FilmstripKey> filmstrip_key;
  PixelStats forward_stats;
  std::string sampling_error;

  // Asks the loader for the data when the data set, the count or the seed changes, and installs what
  // it made when it is ready; until then the previous images stay shown.
  void load_data(const ImageState& images, std::uint64_t seed) {
    const int count = std::clamp(images.count, 1, 256);
    if (!data_tried || images.dataset != data_name || count != data_count || seed != data_seed ||
        images.colour != data_colour) {
      data_tried = true;
      data_name = images.dataset;
      data_count = count;
      data_seed = seed;
      data_colour = images.colour;
      data_loader.request([name = data_name, count, seed, colour = data_colour]() {
        return make_image_data(name, count, seed, colour);
      });
    }
    std::optional<AsyncValue<ImageData>::Result> result = data_loader.take();
    if (!result) return;
    ++data_version;
    data_error = result->error;
    const ImageData empty;
    const ImageData& data = result->value ? *result->value : empty;
    x0 = data.x0;
    forward_eps = data.forward_eps;
    labels = data.labels;
    label_list = data.label_list;
    class_names = data.class_names;
    true_eps_bytes = data.true_eps_bytes;
  }

  // colour: a folder loads in RGB (3 channels); the built-in sets are grayscale either way.
  static ImageData make_image_data(const std::string& name, int count, std::uint64_t seed, bool colour) {
    torch::NoGradGuard no_grad;
    ImageDataset dataset;
    if (name == "shapes") {
      dataset = make_shapes_dataset(count, seed);
    } else if (name == "fashion-mnist") {
      dataset = load_fashion_mnist(ImageSplit::Test, count);
    } else {
      dataset = load_image_folder(name, kDefaultShapeSize, colour);
    }
    ImageData data;
    const std::int64_t n = std::min<std::int64_t>(count, dataset.images.size(0));
    data.x0 = dataset.images.narrow(0, 0, n).contiguous();
    data.class_names = dataset.class_names;
    if (dataset.labels.defined()) {
      data.labels = dataset.labels.narrow(0, 0, n).contiguous();
      for (std::int64_t i = 0; i < n; ++i) data.label_list.push_back(static_cast<int>(data.labels[i].item<std::int64_t>()));
    }
    if (name == "shapes" && data.class_names.empty()) data.class_names = shape_class_names();
    Rng rng(derived_seed(seed, SeedStream::ForwardNoise));
    data.forward_eps = rng.normal(data.x0.sizes());
    data.true_eps_bytes = to_bytes(data.forward_eps, kEpsDisplayRange);
    return data;
  }

  void set_schedule(const NoiseSchedule& s) {
    std::vector<double> abar;
    abar.reserve(s.timesteps() + 1);
    for (int t = 0; t <= s.timesteps(); ++t) abar.push_back(s.alpha_bar(t));
    if (abar == schedule_alpha_bars) return;
    schedule_alpha_bars = std::move(abar);
    schedule = s;
    ++schedule_version;
  }

  // Asks the loader for the checkpoint when its path changes; no model until it is ready.
  void update_model(const ImageState& images) {
    model_path = images.model_path.empty() ? image_model_default_path(images.dataset) : images.model_path;
    if (model_path != model_tried_path) {
      model_tried_path = model_path;
      model.reset();
      loaded_model.reset();
      model_error.clear();
      load_error.clear();
      model_description.clear();
      ++model_version;
      model_loader.request([path = model_path, dataset = images.dataset]() { return load_image_model(path, dataset); });
    }
    std::optional<AsyncValue<ImageModel>::Result> result = model_loader.take();
    if (!result) return;
    ++model_version;
    load_error = result->error;
    model_error = load_error;
    if (result->value) {
      loaded_model = result->value->model;
      model = loaded_model;
      model_description = result->value->description;
    }
  }

  // The loaded checkpoint against the data (issue 12): an RGB U-Net (in_channels 3) needs RGB images (a folder
  // with image-colour on), a grayscale one grayscale images, at the model's size. A model that does not fit is
  // not used (a message in the panel, no sampling), never a crash.
  void fit_model() {
    std::shared_ptr<const LoadedDenoiser> fits = loaded_model;
    std::string error = load_error;
    if (loaded_model && x0.defined() && x0.dim() == 4) {
      const std::vector<std::int64_t>& shape = loaded_model->spec.data_shape;
      if (shape.size() != 3 || shape[0] != x0.size(1) || shape[1] != x0.size(2) || shape[2] != x0.size(3)) {
        const auto channels = [](std::int64_t c) { return c == 3 ? tr("RGB") : c == 1 ? tr("grayscale") : "?"; };
        const std::int64_t model_c = shape.empty() ? 0 : shape[0];
        fits.reset();
        error = format_text(
            tr("The model does not fit the data: it takes %s images of %lld\u00d7%lld, the data are %s images of "
               "%lld\u00d7%lld. An RGB model (dlab train --colour) needs a folder loaded in colour (Colour on); a "
               "grayscale model, Colour off."),
            channels(model_c), static_cast<long long>(shape.size() == 3 ? shape[1] : 0),
            static_cast<long long>(shape.size() == 3 ? shape[2] : 0), channels(x0.size(1)),
            static_cast<long long>(x0.size(2)), static_cast<long long>(x0.size(3)));
      }
    }
    if (fits != model) {
      model = fits;
      ++model_version;
    }
    model_error = error;
  }

  static ImageModel load_image_model(const std::string& path, const std::string& dataset) {
    if (!std::ifstream(path).good())
      throw std::runtime_error(format_text(tr("No model: %s does not exist. Forward diffusion needs only the data and "
                                              "the schedule; to sample, train one with `dlab train --dataset %s --out "
                                              "FILE` and enter its path."),
                                           path.c_str(), dataset.c_str()));
    auto loaded = std::make_shared<LoadedDenoiser>(load_denoiser_for_sampling(path, torch::kCPU, ModelKind::UNet));
    const ModelSpec& spec = loaded->spec;
    std::string shape;
    for (std::size_t i = 0; i < spec.data_shape.size(); ++i)
      shape += (i ? "\u00d7" : "") + std::to_string(spec.data_shape[i]);
    ImageModel out;
    const long long steps = static_cast<long long>(loaded->metadata.training_steps);
    out.description =
        spec.num_classes > 0
            ? format_text(tr("U-Net %s, %d channels, %d levels, predicts %s, %d classes; trained on %s for %lld steps"),
                          shape.c_str(), static_cast<int>(spec.hidden), static_cast<int>(spec.depth),
                          to_name(spec.prediction), static_cast<int>(spec.num_classes), loaded->metadata.dataset.c_str(),
                          steps)
            : format_text(tr("U-Net %s, %d channels, %d levels, predicts %s, unconditional; trained on %s for %lld steps"),
                          shape.c_str(), static_cast<int>(spec.hidden), static_cast<int>(spec.depth),
                          to_name(spec.prediction), loaded->metadata.dataset.c_str(), steps);
    out.model = std::move(loaded);
    return out;
  }

  bool busy() const { return chain_busy || data_loader.busy() || model_loader.busy(); }

  int model_classes() const { return model ? model->spec.num_classes : 0; }

  // The label against the model's classes: -1 (each class in turn), 0..C-1, or C (the null label). The null
  // label of the model before stays the null label of a model with another class count; any other value out
  // of range is an error (reported, replaced by -1) instead of a silent change of meaning (issue 15).
  void check_label(ImageState& images) {
    const int classes = model_classes();
    if (classes == 0) return;  // unconditional: the class plays no part
    int& label = images.label;
    if (label < -1 || label > classes) {
      if (label_classes > 0 && label == label_classes) {
        label = classes;
      } else {
        const std::string count = std::to_string(classes);
        control_errors.push_back({"class", "class " + std::to_string(label) + " is out of range for the model " +
                                               model_path + " (" + count + " classes): allowed -1 (each class in " +
                                               "turn), 0.." + std::to_string(classes - 1) + ", or " + count +
                                               " (the null label: unconditional); showing -1"});
        label = -1;
      }
    }
    label_classes = classes;
  }

  void clear_view() {
    ImageView cleared;
    cleared.version = view.version + 1;
    view = std::move(cleared);
  }

  // The label of each sampled image (image_sampling.h: -1 cycles through the classes).
  std::vector<int> sample_labels(int count, int label) const {
    std::vector<int> out;
    const int classes = model_classes();
    if (classes == 0 || label == classes) return out;
    for (int i = 0; i < count; ++i) out.push_back(label < 0 ? i % classes : label);
    return out;
  }

  int t_of_frame(int k) const { return plan.t_of_frame(k); }

  void update_forward(Scene& state);
  void update_reverse(Scene& state);
  void update_filmstrip(const Scene& state);
  void update_quality(const Scene& state);
};

// ============================================================================================
// [SECTION] Forward and reverse at the cursor
// ============================================================================================

void ImageLab::Impl::update_forward(Scene& state) {
  const int T = schedule.timesteps();
  const int t = forward_frame(state.playback, T);
  frame = t;
  if (!x0.defined()) {
    chain_busy = false;
    if (view.x) {
      clear_view();
      forward_key.reset();
    }
    return;
  }
  torch::NoGradGuard no_grad;
  const bool chain_mode = state.playback.forward_mode == ForwardMode::Chain;
  const ForwardKey key{data_version, schedule_version, t, chain_mode};
  chain_busy = false;
  if (key != forward_key) {
    bool complete = true;
    if (chain_mode) {
      const std::pair<std::uint64_t, std::uint64_t> ck{data_version, schedule_version};
      if (ck != chain_key) {
        chain.reset(x0, data_seed, {});
        chain_key = ck;
      }
      // A slice per frame: the furthest step reached is shown until the chain gets to t.
      complete = chain.advance(schedule, t, detail::kChainSecondsPerFrame);
      chain_busy = !complete;
      forward_x = chain.current();
    } else {
      // Closed form q(x_t | x_0) (Ho et al. 2020, Eq. (4)) with one eps per image for every t.
      forward_x = closed_form(schedule, x0, t, forward_eps);
    }
    forward_stats = stats_of(forward_x);
    view.x = to_bytes(forward_x, 1.0f);
    view.labels = label_list;
    if (complete) forward_key = key; else forward_key.reset();
    ++view.version;
  }
  // The model's predictions at (x_t, t), computed on the worker.
  const PredictionBase base{data_version, schedule_version, model_version, chain_mode, state.images.label,
                            state.images.guidance};
  const std::pair<PredictionBase, int> pkey{base, t};
  if (model && t >= 1 && !chain_busy && pkey != prediction_key) {
    PredictionWorker::Request request;
    request.base = base;
    request.model = model;
    request.x_t = forward_x;
    request.t = t;
    request.alpha_bar = sampling_alpha_bar(schedule, t);
    // Conditional models are asked about each image's own class, when the data set has the model's classes.
    const int classes = model_classes();
    request.label = classes > 0 && labels.defined() && static_cast<int>(class_names.size()) == classes ? 0 : classes;
    if (request.label == 0) request.labels = labels;
    request.guidance = state.images.guidance;
    predictions.post(std::move(request));
    prediction_key = pkey;
  }
  BytesPtr x0_hat, eps_hat;
  bool true_noise = false;
  int prediction_t = -1;
  if (model && t >= 1) {
    // The latest result for these images, even of a t a few steps behind while playing (the panel names its t).
    const PredictionWorker::Result result = predictions.result();
    if (result.base == base) {
      x0_hat = result.x0_hat;
      eps_hat = result.eps_hat;
      prediction_t = result.t;
    }
  } else if (!model && !chain_mode) {
    eps_hat = true_eps_bytes;  // no model: the true noise eps of the closed form
    true_noise = true;
    prediction_t = t;
  }
  view.prediction_t = prediction_t;
  if (x0_hat != view.x0_hat || eps_hat != view.eps_hat) {
    view.x0_hat = x0_hat;
    view.eps_hat = eps_hat;
    ++view.version;
  }
  view.eps_is_true_noise = true_noise;
}

void ImageLab::Impl::update_reverse(Scene& state) {
  const ImageState& images = state.images;
  const int T = schedule.timesteps();
  const int count = std::clamp(images.count, 1, 256);
  detail::ReverseKey key{0, schedule_version, model_version, state.sampler.kind, state.sampler.steps,
                         state.sampler.spacing, state.sampler.variance, state.sampler.effective_eta(), state.sampler.seed};
  const int classes = model_classes();
  const int label = classes == 0 ? -1 : std::clamp(images.label, -1, classes);
  if (!(reverse_started && key == reverse_key && count == reverse_count && label == reverse_label &&
        images.guidance == reverse_guidance && images.clip_x0 == reverse_clip)) {
    reverse_clip = images.clip_x0;
    reverse_key = key;
    reverse_count = count;
    reverse_label = label;
    reverse_guidance = images.guidance;
    reverse_started = true;
    ++reverse_runs;
    reverse.cancel();
    plan = scene_sampling_plan(state.sampler, schedule);
    sampling_error.clear();
    last_ms_per_step = 0;
    if (model) {
      ImageSampleRequest request;
      request.count = count;
      request.label = label;
      request.guidance = images.guidance;
      request.sampler.kind = state.sampler.kind;
      request.sampler.steps = plan.size() == T ? 0 : plan.size();
      request.sampler.spacing = state.sampler.spacing;
      request.sampler.variance = state.sampler.variance;
      request.sampler.eta = state.sampler.effective_eta();
      request.sampler.clip_x0 = images.clip_x0;
      request.seed = state.sampler.seed;
      request.batch = count;  // one run, so the observer sees every image at every step
      reverse_request = request;
      try {
        reverse.start(model, schedule, request);
      } catch (const std::exception& e) {
        sampling_error = e.what();
      }
    }
  }
  const int K = plan.size();
  int k = reverse_frame(state.playback, plan);
  ImageView shown;
  shown.version = view.version;
  int prediction_frame = k;
  if (const auto& recording = reverse.recording(); recording && model) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    const int available = static_cast<int>(recording->x.size());
    // While sampling, playback cannot run ahead of the recording.
    k = recorded_frame(state.playback, k, available);
    shown.x = recording->x[k];
    shown.x0_hat = recording->x0_hat[k];
    shown.eps_hat = recording->eps_hat[k];
    // x_0 itself has no prediction: show the last one, made at t of frame k - 1 (issue 14: the columns went
    // blank at t = 0); prediction_t names its t.
    prediction_frame = k;
    if (!shown.x0_hat && !shown.eps_hat && k > 0 && k == available - 1 && recording->done) {
      shown.x0_hat = recording->x0_hat[k - 1];
      shown.eps_hat = recording->eps_hat[k - 1];
      prediction_frame = k - 1;
    }
    reverse_stats = recording->stats[k];
    if (!recording->error.empty()) sampling_error = recording->error;
    if (recording->done && recording->error.empty() && available == K + 1 && K > 0)
      last_ms_per_step = recording->seconds * 1000.0 / K;
  }
  frame = k;
  // Guidance w = 0 is the unconditional prediction (core/guidance.h): the class asked for plays no part, so the
  // tiles are not captioned with it (issue 14: bags captioned "Sneaker").
  shown.unconditional = classes > 0 && (images.guidance == 0 || label == classes);
  shown.labels = shown.unconditional ? std::vector<int>() : sample_labels(shown.x ? shown.x->count : 0, label);
  shown.prediction_t = t_of_frame(prediction_frame);
  if (shown.x != view.x || shown.x0_hat != view.x0_hat || shown.eps_hat != view.eps_hat ||
      shown.unconditional != view.unconditional) {
    shown.version = view.version + 1;
    view = std::move(shown);
  }
}

// One image at ten timesteps from T down to 0: forward, x_t of the data image; reverse, the recorded
// frames nearest below each t.
void ImageLab::Impl::update_filmstrip(const Scene& state) {
  const int T = schedule.timesteps();
  std::vector<int> ts;
  const bool reverse_mode = mode == LabMode::Reverse;
  // Reverse: from T down to 0, as generated; forward: from 0 up to T, as the data dissolves.
  for (int i = 0; i < 10; ++i) ts.push_back(static_cast<int>(std::lround(T * (reverse_mode ? 1.0 - i / 9.0 : i / 9.0))));
  std::size_t recorded = 0;
  if (reverse_mode) {
    if (const auto& recording = reverse.recording()) {
      std::lock_guard<std::mutex> lock(recording->mutex);
      recorded = recording->x.size();
    }
  }
  const int index = std::max(0, state.images.filmstrip_image);
  const FilmstripKey key{reverse_mode, data_version, schedule_version, model_version, reverse_runs, recorded, index};
  if (key == filmstrip_key) return;
  filmstrip_key = key;
  torch::NoGradGuard no_grad;
  Filmstrip out;
  out.version = filmstrip.version + 1;
  if (!reverse_mode) {
    if (!x0.defined()) {
      filmstrip = std::move(out);
      return;
    }
    const std::int64_t i = std::min<std::int64_t>(index, x0.size(0) - 1);
    std::vector<torch::Tensor> frames;
    for (int t : ts) {
      frames.push_back(closed_form(schedule, x0[i], t, forward_eps[i]));
      out.t.push_back(t);
    }
    out.images = to_bytes(torch::stack(frames), 1.0f);
  } else if (const auto& recording = reverse.recording(); recording && model) {
    std::vector<BytesPtr> frames;
    {
      std::lock_guard<std::mutex> lock(recording->mutex);
      frames = recording->x;
    }
    auto strip = std::make_shared<ImageBytes>();
    for (int target : ts) {
      const int k = plan.frame_of_t(target);
      if (k >= static_cast<int>(frames.size())) break;  // not sampled yet
      const ImageBytes& f = *frames[k];
      const int i = std::min(index, f.count - 1);
      const std::size_t size = static_cast<std::size_t>(f.channels) * f.height * f.width;
      strip->channels = f.channels;
      strip->height = f.height;
      strip->width = f.width;
      strip->count += 1;
      strip->pixels.insert(strip->pixels.end(), f.pixels.begin() + i * size, f.pixels.begin() + (i + 1) * size);
      out.t.push_back(t_of_frame(k));
    }
    if (strip->count > 0) out.images = std::move(strip);
  }
  filmstrip = std::move(out);
}

// What the ELBO tab and the quality read-out depend on (compute/image_quality.h): the model, the data, the
// schedule and the images of the finished reverse run.
void ImageLab::Impl::update_quality(const Scene& state) {
  ImageQualityInputs in;
  in.model = model;
  in.model_error = model_error;
  in.data_version = data_version;
  in.schedule_version = schedule_version;
  in.model_version = model_version;
  in.schedule = schedule;
  in.x0 = x0;
  in.dataset = data_name;
  in.seed = data_seed;
  in.variance = state.sampler.variance == VarianceKind::Beta ? VarianceKind::Beta : VarianceKind::BetaTilde;
  in.clip_x0 = state.images.clip_x0;
  in.run = reverse_runs;
  in.request = reverse_request;
  if (mode == LabMode::Reverse && model) {
    if (const auto& recording = reverse.recording()) {
      std::lock_guard<std::mutex> lock(recording->mutex);
      in.run_finished = recording->done && recording->error.empty() &&
                        static_cast<int>(recording->x.size()) == plan.size() + 1 && plan.size() > 0;
      if (in.run_finished && run_samples_of != reverse_runs) {
        // The display bytes of the last frame back to [-1, 1]: the pixel grid of the data (v = b/127.5 - 1).
        const ImageBytes& last = *recording->x.back();
        run_samples = torch::from_blob(const_cast<std::uint8_t*>(last.pixels.data()),
                                       {last.count, last.channels, last.height, last.width}, torch::kUInt8)
                          .to(torch::kFloat)
                          .div(127.5)
                          .sub(1.0);
        run_samples_of = reverse_runs;
      }
    }
  }
  if (in.run_finished) in.samples = run_samples;
  quality.update(in);
}

// ============================================================================================
// [SECTION] ImageLab
// ============================================================================================

ImageLab::ImageLab() : impl_(std::make_unique<Impl>()) {}
ImageLab::~ImageLab() = default;

void ImageLab::sync(Scene& state, const NoiseSchedule& schedule) {
  Impl& m = *impl_;
  m.set_schedule(schedule);
  m.load_data(state.images, state.data.seed);
  m.update_model(state.images);
  m.fit_model();
  m.check_label(state.images);
  state.images.filmstrip_image = std::clamp(state.images.filmstrip_image, 0, std::max(0, state.images.count - 1));
  if (m.mode != state.playback.mode) {
    m.clear_view();
    m.forward_key.reset();
    m.prediction_key.reset();
  }
  m.mode = state.playback.mode;
  if (m.mode == LabMode::Forward) {
    m.update_forward(state);
  } else {
    m.chain_busy = false;
    m.update_reverse(state);
  }
  if (state.images.filmstrip) m.update_filmstrip(state);
  m.update_quality(state);
}

const ImageView& ImageLab::view() const { return impl_->view; }
const Filmstrip& ImageLab::filmstrip() const { return impl_->filmstrip; }

PixelStats ImageLab::pixel_stats() const {
  return impl_->mode == LabMode::Forward ? impl_->forward_stats : impl_->reverse_stats;
}

StepInfo ImageLab::step_info() const {
  const Impl& m = *impl_;
  if (m.mode == LabMode::Forward) return forward_step_info(m.frame, m.schedule);
  std::vector<int> frame_nfe;
  if (const auto& recording = m.reverse.recording()) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    frame_nfe = recording->nfe;
  }
  return reverse_step_info(m.frame, m.plan, frame_nfe);
}

ReverseStatus ImageLab::reverse_status() const {
  const Impl& m = *impl_;
  ReverseStatus status;
  status.num_steps = m.plan.size();
  status.error = m.sampling_error;
  if (const auto& recording = m.reverse.recording()) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    status.running = !recording->done;
    status.frames = static_cast<int>(recording->x.size());
    status.nfe_total = recording->nfe.empty() ? 0 : recording->nfe.back();
    if (!recording->error.empty()) status.error = recording->error;
  }
  return status;
}

const std::vector<int>& ImageLab::sampling_timesteps() const { return impl_->plan.timesteps; }
const std::vector<std::string>& ImageLab::class_names() const { return impl_->class_names; }
int ImageLab::model_classes() const { return impl_->model_classes(); }
bool ImageLab::has_model() const { return impl_->model != nullptr; }
const std::string& ImageLab::model_path() const { return impl_->model_path; }
const std::string& ImageLab::model_description() const { return impl_->model_description; }
const std::string& ImageLab::model_error() const { return impl_->model_error; }
const std::string& ImageLab::data_error() const { return impl_->data_error; }
const std::string& ImageLab::sampling_error() const { return impl_->sampling_error; }
bool ImageLab::busy() const { return impl_->busy(); }
bool ImageLab::wait_for_reverse(double timeout_seconds) { return impl_->reverse.wait(timeout_seconds); }
double ImageLab::last_reverse_ms_per_step() const { return impl_->last_ms_per_step; }
std::vector<ControlError> ImageLab::take_control_errors() { return std::exchange(impl_->control_errors, {}); }
void ImageLab::request_quality() const { impl_->quality.request(); }
bool ImageLab::quality_pending() const { return impl_->quality.pending(); }
ElboReadout ImageLab::elbo() const { return impl_->quality.elbo(); }
ImageQualityReadout ImageLab::quality() const { return impl_->quality.quality(); }
void ImageLab::start_frechet_estimate() { impl_->quality.start_estimate(); }
void ImageLab::cancel_frechet_estimate() { impl_->quality.cancel_estimate(); }

// ---- export (issue 11) ----

namespace {

// The display bytes back to [-1, 1] (v = b/127.5 - 1): encoded again (round((v + 1) 127.5)) they give the
// same bytes, so the grid's pixels are those shown.
torch::Tensor bytes_to_images(const ImageBytes& bytes) {
  return torch::from_blob(const_cast<std::uint8_t*>(bytes.pixels.data()),
                          {bytes.count, bytes.channels, bytes.height, bytes.width}, torch::kUInt8)
      .to(torch::kFloat)
      .div(127.5)
      .sub(1.0);
}

const ImageBytes& shown_images(const ImageView& view) {
  if (!view.x || view.x->empty() || view.x->count < 1)
    throw std::runtime_error("no images shown yet (a data set or a checkpoint still loading, or an error)");
  return *view.x;
}

}  // namespace

std::pair<int, int> ImageLab::write_grid_png(const std::string& path, int scale) const {
  if (scale < 1 || scale > 16) throw std::runtime_error(path + ": the grid's scale must be in 1..16");
  const torch::Tensor images = bytes_to_images(shown_images(impl_->view));
  GridLayout layout;  // dlab sample's: ceil(sqrt(N)) columns, 2 pixels of black padding
  layout.scale = scale;
  const torch::Tensor grid = tile_images(images, layout);
  write_png(path, grid);
  return {static_cast<int>(grid.size(2)), static_cast<int>(grid.size(1))};
}

std::string ImageLab::images_csv() const {
  const Impl& m = *impl_;
  const ImageView& view = m.view;
  const ImageBytes& bytes = shown_images(view);
  const int n = bytes.count;
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));  // tile_images's
  // The data set's classifier (shipped beside the models, as the quality read-out and dlab eval use it).
  std::vector<int> guess(static_cast<std::size_t>(n), -1);
  std::vector<double> confidence(static_cast<std::size_t>(n), 0.0);
  std::vector<std::string> guess_names;
  const bool builtin = !m.data_name.empty() && m.data_name.find('/') == std::string::npos;
  const std::filesystem::path classifier_path =
      std::filesystem::path(pretrained_path(m.data_name)).parent_path() /
      ("classifier-" + m.data_name + ".lenet");
  std::error_code error;
  if (builtin && std::filesystem::is_regular_file(classifier_path, error)) {
    Classifier classifier = load_classifier(classifier_path.string());
    if (classifier.net->in_channels() == bytes.channels && bytes.height == kClassifierImageSize &&
        bytes.width == kClassifierImageSize) {
      torch::NoGradGuard no_grad;
      classifier.net->eval();
      const torch::Tensor p = torch::softmax(classifier.net->forward(bytes_to_images(bytes)), 1);
      const auto [best, index] = p.max(1);
      for (int i = 0; i < n; ++i) {
        guess[i] = static_cast<int>(index[i].item<std::int64_t>());
        confidence[i] = best[i].item<double>();
      }
      guess_names = classifier.class_names;
    }
  }
  const auto name_of = [](const std::vector<std::string>& names, int label) {
    if (label < 0 || label >= static_cast<int>(names.size())) return std::string();
    std::string name = names[label];
    if (name.find_first_of(",\"\n") != std::string::npos) {  // RFC 4180 quoting
      std::string quoted = "\"";
      for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      name = quoted + "\"";
    }
    return name;
  };
  const int t = step_info().t;
  std::string out =
      "index,row,column,t,label,class,classifier_label,classifier_class,classifier_confidence\n";
  char line[64];
  for (int i = 0; i < n; ++i) {
    std::snprintf(line, sizeof line, "%d,%d,%d,%d,", i, i / columns, i % columns, t);
    out += line;
    const int label = !view.unconditional && i < static_cast<int>(view.labels.size()) ? view.labels[i] : -1;
    if (label >= 0)
      out += std::to_string(label) + "," + name_of(m.class_names, label);
    else
      out += ",";
    if (guess[i] >= 0) {
      std::snprintf(line, sizeof line, ",%d,", guess[i]);
      out += line + name_of(guess_names, guess[i]);
      std::snprintf(line, sizeof line, ",%.6f\n", confidence[i]);
      out += line;
    } else {
      out += ",,,\n";
    }
  }
  return out;
}

}  // namespace dlab::gui
