// The image view's computations (issue 5): small images x_0 from a data set, their forward process at
// the timeline's t, and the reverse process of a U-Net checkpoint recorded by a worker thread, with the
// model's x0_hat and eps_hat at every step. Torch-free header (like lab.h): the implementation lives in
// lab_images.cpp, in the LibTorch half of the app. The panel (panel_images.cpp) draws what this gives.
//
// Threading as in the 2D Lab: the sampling thread publishes each step's images as bytes under a mutex;
// the UI thread copies shared pointers and never waits for the network.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/state/controls.h"
#include "app/gui/state/scene.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/views/quality.h"
#include "core/schedule.h"

namespace dlab::gui {

// A set of images of one shape, as display bytes 0..255 (value v in [-range, range] maps linearly,
// clamped), [count, C, H, W] row-major. Immutable once published.
struct ImageBytes {
  int count = 0, channels = 1, height = 0, width = 0;
  std::vector<std::uint8_t> pixels;
  bool empty() const { return pixels.empty(); }
};

// What the grid shows at the cursor.
struct ImageView {
  std::shared_ptr<const ImageBytes> x;        // x_t
  std::shared_ptr<const ImageBytes> x0_hat;   // the model's x0_hat(x_t, t), or null
  std::shared_ptr<const ImageBytes> eps_hat;  // the model's eps_hat(x_t, t) (reverse) or the true eps (forward)
  bool eps_is_true_noise = false;             // forward, closed form: the eps of x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps
  int prediction_t = -1;                      // the t the predictions were made at (forward: may lag while playing)
  std::vector<int> labels;                    // class of each image, or empty
  bool unconditional = false;  // reverse with a class-conditional model at w = 0 or the null label: no class
  std::uint64_t version = 0;                  // changes whenever any of the above does
};

// One image at chosen timesteps (the progressive generation figure of Ho et al. 2020, Fig. 6).
struct Filmstrip {
  std::vector<int> t;                      // timestep of each frame
  std::shared_ptr<const ImageBytes> images;  // one image per entry of t
  std::uint64_t version = 0;
};

// Pixel statistics of x_t over the whole grid (is x_T N(0, 1)?).
struct PixelStats {
  std::int64_t n = 0;
  double mean = 0, std = 0;
  // Density of the pixel values (count / (n * bin width)) in kHistogramBins bins over [-kHistogramRange,
  // kHistogramRange], to draw against the N(0, 1) density.
  std::vector<float> histogram;
};
constexpr int kHistogramBins = 48;
constexpr float kHistogramRange = 4.0f;

// x in [-1, 1] maps to black..white; eps_hat is shown with +-kEpsDisplayRange mapped to black..white.
constexpr float kEpsDisplayRange = 2.0f;

class ImageLab {
 public:
  ImageLab();
  ~ImageLab();
  ImageLab(const ImageLab&) = delete;
  ImageLab& operator=(const ImageLab&) = delete;

  // Follows the state (data set, count, schedule, sampler, model, class, guidance, cursor), like
  // Lab::sync: errors land in the *_error() strings and never throw.
  void sync(Scene& state, const NoiseSchedule& schedule);

  const ImageView& view() const;
  const Filmstrip& filmstrip() const;
  PixelStats pixel_stats() const;  // of x_t shown (floats, not the display bytes)
  StepInfo step_info() const;
  ReverseStatus reverse_status() const;
  const std::vector<int>& sampling_timesteps() const;

  const std::vector<std::string>& class_names() const;  // of the data set (or the model), may be empty
  int model_classes() const;                            // 0: unconditional or no model
  bool has_model() const;
  const std::string& model_path() const;      // the checkpoint looked for
  const std::string& model_description() const;
  const std::string& model_error() const;     // why there is no model
  const std::string& data_error() const;
  const std::string& sampling_error() const;

  // Work still going on that changes what is shown without any input (the data set or the checkpoint
  // loading on their threads, a long chain computed a slice per frame): --screenshot waits for it.
  bool busy() const;

  bool wait_for_reverse(double timeout_seconds);
  double last_reverse_ms_per_step() const;

  // A class beyond the loaded model's (issue 15: `set class 100000` became the null label in silence): sync
  // replaces it by -1 (each class in turn) and reports it here, once, naming the range of this model.
  std::vector<ControlError> take_control_errors();

  // ---- export (issue 11) ----
  // The images shown (x_t at the cursor: at the end of a reverse run, the samples) as a PNG grid in the
  // layout of `dlab sample` (core/image_grid.h, `scale` PNG pixels per image pixel); returns its width and
  // height. With the same model, sampler, class, guidance and seed it is the PNG `dlab sample` writes.
  std::pair<int, int> write_grid_png(const std::string& path, int scale) const;
  // One row per image shown: index,row,column (its tile in that grid),t,label,class (the class it was sampled
  // with, or the data's; empty when unconditional),classifier_label,classifier_class,classifier_confidence
  // (the data set's LeNet classifier, core/classifier.h, as `dlab eval` uses it: its most likely class and
  // that probability; empty without a classifier for the data set). Throws std::runtime_error.
  std::string images_csv() const;

  // ---- the ELBO tab and the quality read-out (compute/image_quality.h), on workers when asked for ----
  void request_quality() const;   // asks for the bound and the grid's distance until the next sync
  bool quality_pending() const;   // asked for since the last sync and not ready yet
  ElboReadout elbo() const;       // bits/dim, an estimate from some terms on a few data images
  ImageQualityReadout quality() const;
  // The Frechet distance of kFrechetEstimateSamples images sampled in the background with the current model
  // and sampler (progress in quality().estimate), or cancels it.
  void start_frechet_estimate();
  void cancel_frechet_estimate();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The shipped checkpoint of an image data set: $DLAB_MODELS_DIR/<name>.pt or assets/models/<name>.pt
// (lab_models.cpp's pretrained_path); a folder data set uses its last path component.
std::string image_model_default_path(const std::string& dataset);

}  // namespace dlab::gui
