// What a network predicts and the conversions between eps, x0, v and the score, given x_t and abar_t
// (REFERENCE.md section 5). abar may be a double or a tensor broadcastable against x_t.
#pragma once

#include <torch/types.h>

#include "core/choices.h"

namespace dlab {

// x0_hat = (x_t - sqrt(1 - abar) eps)/sqrt(abar) (Ho et al. 2020, Eq. (15)).
torch::Tensor x0_from_eps(const torch::Tensor& x_t, const torch::Tensor& eps, double alpha_bar);
// eps = (x_t - sqrt(abar) x0)/sqrt(1 - abar).
torch::Tensor eps_from_x0(const torch::Tensor& x_t, const torch::Tensor& x0, double alpha_bar);
// v = sqrt(abar) eps - sqrt(1 - abar) x0 (Salimans & Ho 2022, section 4).
torch::Tensor v_from_eps_x0(const torch::Tensor& eps, const torch::Tensor& x0, double alpha_bar);
// x0 = sqrt(abar) x_t - sqrt(1 - abar) v; eps = sqrt(1 - abar) x_t + sqrt(abar) v.
torch::Tensor x0_from_v(const torch::Tensor& x_t, const torch::Tensor& v, double alpha_bar);
torch::Tensor eps_from_v(const torch::Tensor& x_t, const torch::Tensor& v, double alpha_bar);
// grad log q(x_t) ~= -eps/sqrt(1 - abar) (Song et al. 2021, score SDE; Vincent 2011).
torch::Tensor score_from_eps(const torch::Tensor& eps, double alpha_bar);
torch::Tensor eps_from_score(const torch::Tensor& score, double alpha_bar);

struct EpsAndX0 {
  torch::Tensor eps;
  torch::Tensor x0;
};
// A network output of kind `prediction` converted to (eps_hat, x0_hat).
EpsAndX0 to_eps_and_x0(Prediction prediction, const torch::Tensor& output, const torch::Tensor& x_t,
                       double alpha_bar);
// The training target of kind `prediction` for a clean x0, noise eps and per-row abar (shape [N]).
torch::Tensor training_target(Prediction prediction, const torch::Tensor& x0, const torch::Tensor& eps,
                              const torch::Tensor& alpha_bar);

// Dynamic thresholding (Saharia et al. 2022, section 2.3): per sample, s = max(1, quantile_p |x0|),
// x0 <- clamp(x0, -s, s)/s.
torch::Tensor dynamic_threshold(const torch::Tensor& x0, double quantile = 0.995);

}  // namespace dlab
