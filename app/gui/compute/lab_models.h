// The denoisers the app can sample with (internal to lab*.cpp: includes LibTorch).
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>

#include "app/gui/state/scene.h"
#include "core/oracles.h"
#include "core/parameterization.h"
#include "core/samplers.h"

namespace dlab::gui {

// An immutable model, shared between the UI thread (fields, arrows) and the sampling thread.
struct Model {
  ModelSource source = ModelSource::Exact;
  std::string description;
  Prediction prediction = Prediction::Eps;
  Denoiser denoiser;  // raw output for (x_t, t, abar); thread-safe
  std::int64_t training_step = -1;  // a snapshot of live training: the step it was taken at
};

using ModelPtr = std::shared_ptr<const Model>;

// What a model may be built from.
struct ModelInputs {
  std::string dataset_name;                // built-in name, for the pretrained checkpoint
  bool builtin = true;
  std::optional<GaussianMixture> mixture;  // gmm8, gmm25
  torch::Tensor data;                      // [n, 2] x_0, for the empirical optimum
};

// Builds the model, or returns nullptr and sets *why (shown in the window).
ModelPtr make_model(ModelSource source, const ModelInputs& inputs, std::string* why);

// Where the pretrained model of a data set is looked for: $DLAB_MODELS_DIR/<name>.pt, or the source tree's
// assets/models/<name>.pt.
std::string pretrained_path(const std::string& dataset_name);

// eps_hat and x0_hat of a model at x_t ([m, 2]) and abar (t >= 1).
EpsAndX0 predict(const Model& model, const torch::Tensor& x_t, int t, double alpha_bar);

// The empirical optimum memorises at most this many data points (it costs n x M per evaluation).
constexpr int kEmpiricalMaxPoints = 2000;

}  // namespace dlab::gui
