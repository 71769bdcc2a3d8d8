#include "app/gui/compute/lab_models.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "app/gui/state/i18n.h"
#include "core/checkpoint.h"
#include "core/latent_diffusion.h"

namespace dlab::gui {

std::string pretrained_path(const std::string& dataset_name) {
  // DLAB_MODELS_DIR overrides the source tree's assets/models (an installed copy, or tests).
  return shipped_model_path(dataset_name + ".pt");
}

namespace {

ModelPtr exact_model(const ModelInputs& inputs, std::string* why) {
  if (!inputs.mixture) {
    *why = tr("the exact oracle exists only for the Gaussian mixtures gmm8 and gmm25");
    return nullptr;
  }
  auto model = std::make_shared<Model>();
  model->source = ModelSource::Exact;
  model->description = tr("the exact \u03b5* = \u2212\u221a(1\u2212\u1fb1) \u2207 log q(x\u209c) of the mixture");
  model->prediction = Prediction::Eps;
  const GaussianMixture mixture = *inputs.mixture;
  model->denoiser = [mixture](const torch::Tensor& x_t, int, double alpha_bar) {
    return mixture_eps(mixture, x_t, alpha_bar);
  };
  return model;
}

ModelPtr empirical_model(const ModelInputs& inputs, std::string* why) {
  if (!inputs.data.defined() || inputs.data.size(0) < 1) {
    *why = tr("the empirical optimum needs data points");
    return nullptr;
  }
  auto model = std::make_shared<Model>();
  model->source = ModelSource::Empirical;
  const auto m = std::min<std::int64_t>(inputs.data.size(0), kEmpiricalMaxPoints);
  const torch::Tensor points = inputs.data.slice(0, 0, m).clone();
  model->description = format_text(tr("the optimal denoiser of %lld data points (it memorises them)"), static_cast<long long>(m));
  model->prediction = Prediction::Eps;
  model->denoiser = [points](const torch::Tensor& x_t, int, double alpha_bar) {
    return empirical_eps(points, x_t, alpha_bar);
  };
  return model;
}

ModelPtr pretrained_model(const ModelInputs& inputs, std::string* why) {
  if (!inputs.builtin) {
    *why = tr("pretrained networks exist only for the built-in data sets; train one in the Training panel");
    return nullptr;
  }
  const std::string path = pretrained_path(inputs.dataset_name);
  if (!std::ifstream(path).good()) {
    *why = format_text(tr("no pretrained network for %s yet"), inputs.dataset_name.c_str());
    return nullptr;
  }
  const LoadedDenoiser loaded = load_denoiser_for_sampling(path, torch::kCPU, ModelKind::Mlp);
  if (loaded.spec.data_shape != std::vector<std::int64_t>{2}) {
    *why = format_text(tr("%s: not a 2D point model"), path.c_str());
    return nullptr;
  }
  auto model = std::make_shared<Model>();
  model->source = ModelSource::Pretrained;
  model->prediction = loaded.spec.prediction;
  model->description = format_text(tr("the MLP shipped for %s (%lld training steps, loss %.4f)"),
                                   inputs.dataset_name.c_str(), static_cast<long long>(loaded.metadata.training_steps),
                                   loaded.metadata.final_loss);
  model->denoiser = make_network_denoiser(loaded.net, torch::kCPU);
  return model;
}

}  // namespace

ModelPtr make_model(ModelSource source, const ModelInputs& inputs, std::string* why) {
  why->clear();
  try {
    switch (source) {
      case ModelSource::Exact: return exact_model(inputs, why);
      case ModelSource::Empirical: return empirical_model(inputs, why);
      case ModelSource::Pretrained: return pretrained_model(inputs, why);
      case ModelSource::Live:
        *why = tr("no network has been trained here yet: press Start in the Training section");
        return nullptr;
    }
  } catch (const std::exception& e) {
    *why = e.what();
  }
  return nullptr;
}

EpsAndX0 predict(const Model& model, const torch::Tensor& x_t, int t, double alpha_bar) {
  torch::NoGradGuard no_grad;
  const torch::Tensor output = model.denoiser(x_t, t, alpha_bar);
  return to_eps_and_x0(model.prediction, output, x_t, alpha_bar);
}

}  // namespace dlab::gui
