// The image view's ELBO tab and quality read-out (views/quality.h), computed on worker threads for the
// ImageLab (lab_images.cpp) while someone asks for them:
//
//   - the variational bound in bits/dim (core/bits_per_dim.h), estimated from kImageElboTerms of the T - 1
//     terms on up to kImageElboImages data images, so it takes seconds on a CPU, not minutes;
//   - the Frechet distance (core/frechet.h) of the grid of a finished reverse run, on the features of the
//     data set's classifier (core/classifier.h, as `dlab eval`), beside what as many real images score;
//   - on request, the same on kFrechetEstimateSamples images sampled in the background (progress, cancel).
//
// LibTorch side of the app (a compute/ folder).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "app/gui/views/quality.h"
#include "core/checkpoint.h"
#include "core/image_sampling.h"
#include "core/schedule.h"

namespace dlab::gui {

constexpr std::int64_t kImageElboImages = 16;
constexpr int kImageElboTerms = 20;

// What the read-outs depend on, gathered by the ImageLab at each sync.
struct ImageQualityInputs {
  std::shared_ptr<const LoadedDenoiser> model;  // null: nothing to measure (model_error says why)
  std::string model_error;
  std::uint64_t data_version = 0, schedule_version = 0, model_version = 0;
  NoiseSchedule schedule;
  torch::Tensor x0;     // the data images of the grid [N, C, H, W] in [-1, 1]
  std::string dataset;  // shapes, fashion-mnist or a folder
  std::uint64_t seed = 0;
  VarianceKind variance = VarianceKind::BetaTilde;
  bool clip_x0 = true;
  // The reverse run: its number, whether it has finished, its last images and what made them.
  std::uint64_t run = 0;
  bool run_finished = false;
  torch::Tensor samples;  // [n, C, H, W] in [-1, 1], defined when run_finished
  ImageSampleRequest request;
};

class ImageQualityWork {
 public:
  ImageQualityWork();
  ~ImageQualityWork();
  ImageQualityWork(const ImageQualityWork&) = delete;
  ImageQualityWork& operator=(const ImageQualityWork&) = delete;

  // Takes the workers' results, and starts what was asked for since the last update and is not up to date.
  void update(const ImageQualityInputs& inputs);
  void request() const;  // asks for the ELBO and the grid's distance until the next update
  bool pending() const;  // asked for since the last update and not ready yet

  // The larger Frechet estimate with the inputs of the last update: starts it, or cancels the one running.
  void start_estimate();
  void cancel_estimate();

  ElboReadout elbo() const;
  ImageQualityReadout quality() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dlab::gui
