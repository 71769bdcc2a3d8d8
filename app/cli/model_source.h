// What `dlab sample --model` names: an analytic oracle or a trained checkpoint, as a denoiser callback.
#pragma once

#include <cstdint>
#include <string>

#include "core/parameterization.h"
#include "core/samplers.h"

namespace dlab::cli {

struct ModelSource {
  Denoiser denoiser;
  Prediction prediction = Prediction::Eps;  // what the denoiser's output means
  std::string description;                  // one line for logs: "exact eps of the gmm8 mixture"
};

// model:
//   "exact"     the exact eps predictor of the data set's Gaussian mixture (gmm8, gmm25 only; any other
//               data set is a UsageError naming --model);
//   "empirical" the optimal denoiser E[x_0 | x_t] of n points of the data set drawn with `seed` (it
//   memorises); otherwise   the path of a trained checkpoint (a runtime error "cannot load model PATH: ..."
//   when it cannot
//               be loaded).
ModelSource resolve_model(const std::string& model, const std::string& dataset, std::int64_t n,
                          std::uint64_t seed);

}  // namespace dlab::cli
