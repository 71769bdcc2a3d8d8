#include "app/cli/model_source.h"

#include <sys/stat.h>

#include <stdexcept>

#include "app/cli/commands.h"
#include "app/cli/options.h"
#include "core/checkpoint.h"
#include "core/datasets2d.h"
#include "core/oracles.h"

namespace dlab::cli {
namespace {

ModelSource exact_model(const std::string& dataset) {
  const auto kind = from_name<Dataset2D>(dataset);
  const auto mixture = kind ? dataset_mixture(*kind) : std::nullopt;
  if (!mixture)
    throw UsageError(
        "--model exact: needs a Gaussian-mixture data set; allowed: --dataset gmm8, gmm25 (got '" + dataset +
        "'; use --model empirical for any other data set)");
  ModelSource source;
  // eps* = -sqrt(1 - abar) grad log q(x_t) of the exact forward marginal (REFERENCE section 9).
  source.denoiser = [m = *mixture](const torch::Tensor& x_t, int /*t*/, double alpha_bar) {
    return mixture_eps(m, x_t, alpha_bar);
  };
  source.prediction = Prediction::Eps;
  source.description = "exact eps of the " + dataset + " Gaussian mixture";
  return source;
}

ModelSource empirical_model(const std::string& dataset, std::int64_t n, std::uint64_t seed) {
  // The training set: n points of the data set drawn with --seed (the same points `dlab data` prints).
  const auto points = resolve_dataset_flag(dataset, n, seed);
  ModelSource source;
  // E[x_0 | x_t] = sum_i softmax_i(-|x_t - sqrt(abar) x_i|^2 / (2(1 - abar))) x_i (REFERENCE section 9).
  source.denoiser = [points](const torch::Tensor& x_t, int /*t*/, double alpha_bar) {
    return empirical_x0(points, x_t, alpha_bar);
  };
  source.prediction = Prediction::X0;
  source.description = "optimal denoiser of " + std::to_string(points.size(0)) + " points of " + dataset;
  return source;
}

// ---- Trained checkpoints: the one place where --model PATH is loaded -----------------------------------
ModelSource checkpoint_model(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw std::runtime_error("cannot load model " + path +
                             ": no such file (use --model exact, empirical or the path of a checkpoint)");
  LoadedDenoiser loaded;
  try {
    loaded = load_denoiser_for_sampling(path, torch::kCPU, ModelKind::Mlp);
  } catch (const std::exception& e) {  // CheckpointError names the file and what is wrong
    const std::string what = e.what();  // one line: never a LibTorch backtrace
    throw std::runtime_error("cannot load model " + path + ": " + what.substr(0, what.find('\n')));
  }
  if (loaded.spec.data_shape != std::vector<std::int64_t>{2})
    throw std::runtime_error("cannot load model " + path + ": it is not a model of 2D points");
  ModelSource source;
  source.denoiser = make_network_denoiser(loaded.net, torch::kCPU);
  source.prediction = loaded.spec.prediction;
  source.description = std::string("trained ") + to_name(loaded.spec.kind) + " (" +
                       to_name(loaded.spec.prediction) + ") of " + loaded.metadata.dataset + ", " +
                       std::to_string(loaded.metadata.training_steps) + " steps";
  return source;
}

}  // namespace

ModelSource resolve_model(const std::string& model, const std::string& dataset, std::int64_t n,
                          std::uint64_t seed) {
  if ((model == "exact" || model == "empirical") && dataset.empty())
    throw UsageError("--dataset: required with --model " + model);
  if (model == "exact") return exact_model(dataset);
  if (model == "empirical") return empirical_model(dataset, n, seed);
  return checkpoint_model(model);
}

}  // namespace dlab::cli
