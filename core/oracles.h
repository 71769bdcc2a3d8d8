// Analytic "models" usable wherever a trained network is (REFERENCE.md section 9).
#pragma once

#include <torch/types.h>

namespace dlab {

// A mixture of isotropic Gaussians sum_k w_k N(mu_k, s_k^2 I).
struct GaussianMixture {
  torch::Tensor means;    // [K, D] float32
  torch::Tensor stds;     // [K]
  torch::Tensor weights;  // [K], sums to 1
};

// Forward marginal q(x_t) = sum_k w_k N(sqrt(abar) mu_k, (abar s_k^2 + 1 - abar) I): log density per row.
torch::Tensor mixture_log_density(const GaussianMixture& mixture, const torch::Tensor& x_t, double alpha_bar);
// Exact score grad log q(x_t).
torch::Tensor mixture_score(const GaussianMixture& mixture, const torch::Tensor& x_t, double alpha_bar);
// Optimal eps predictor eps* = -sqrt(1 - abar) grad log q(x_t).
torch::Tensor mixture_eps(const GaussianMixture& mixture, const torch::Tensor& x_t, double alpha_bar);
// Draws n points from the mixture itself (for tests and the "exact" data).
torch::Tensor mixture_sample(const GaussianMixture& mixture, std::int64_t n, std::uint64_t seed);

// The optimal denoiser of a finite point set {x_i} (it memorises):
// E[x_0 | x_t] = sum_i softmax_i(-|x_t - sqrt(abar) x_i|^2 / (2(1 - abar))) x_i.
torch::Tensor empirical_x0(const torch::Tensor& points, const torch::Tensor& x_t, double alpha_bar);
torch::Tensor empirical_eps(const torch::Tensor& points, const torch::Tensor& x_t, double alpha_bar);

}  // namespace dlab
