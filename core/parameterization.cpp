#include "core/parameterization.h"

#include <torch/torch.h>

#include <cmath>

namespace dlab {

torch::Tensor x0_from_eps(const torch::Tensor& x_t, const torch::Tensor& eps, double abar) {
  return (x_t - std::sqrt(1.0 - abar) * eps) / std::sqrt(abar);
}
torch::Tensor eps_from_x0(const torch::Tensor& x_t, const torch::Tensor& x0, double abar) {
  return (x_t - std::sqrt(abar) * x0) / std::sqrt(1.0 - abar);
}
torch::Tensor v_from_eps_x0(const torch::Tensor& eps, const torch::Tensor& x0, double abar) {
  return std::sqrt(abar) * eps - std::sqrt(1.0 - abar) * x0;
}
torch::Tensor x0_from_v(const torch::Tensor& x_t, const torch::Tensor& v, double abar) {
  return std::sqrt(abar) * x_t - std::sqrt(1.0 - abar) * v;
}
torch::Tensor eps_from_v(const torch::Tensor& x_t, const torch::Tensor& v, double abar) {
  return std::sqrt(1.0 - abar) * x_t + std::sqrt(abar) * v;
}
torch::Tensor score_from_eps(const torch::Tensor& eps, double abar) { return -eps / std::sqrt(1.0 - abar); }
torch::Tensor eps_from_score(const torch::Tensor& score, double abar) { return -std::sqrt(1.0 - abar) * score; }

EpsAndX0 to_eps_and_x0(Prediction prediction, const torch::Tensor& output, const torch::Tensor& x_t, double abar) {
  switch (prediction) {
    case Prediction::Eps:
      return {output, x0_from_eps(x_t, output, abar)};
    case Prediction::X0:
      return {eps_from_x0(x_t, output, abar), output};
    case Prediction::V:
      return {eps_from_v(x_t, output, abar), x0_from_v(x_t, output, abar)};
  }
  return {output, x0_from_eps(x_t, output, abar)};
}

torch::Tensor training_target(Prediction prediction, const torch::Tensor& x0, const torch::Tensor& eps,
                              const torch::Tensor& alpha_bar) {
  switch (prediction) {
    case Prediction::Eps:
      return eps;
    case Prediction::X0:
      return x0;
    case Prediction::V: {
      std::vector<int64_t> shape(x0.dim(), 1);
      shape[0] = x0.size(0);
      const auto abar = alpha_bar.reshape(shape).to(x0.dtype());
      return abar.sqrt() * eps - (1.0 - abar).sqrt() * x0;  // Salimans & Ho 2022, section 4
    }
  }
  return eps;
}

torch::Tensor dynamic_threshold(const torch::Tensor& x0, double quantile) {
  const auto flat = x0.reshape({x0.size(0), -1}).abs().to(torch::kFloat);
  auto s = std::get<0>(flat.sort(1));
  const int64_t k = std::min<int64_t>(flat.size(1) - 1, static_cast<int64_t>(std::floor(quantile * (flat.size(1) - 1))));
  auto scale = s.select(1, k).clamp_min(1.0);
  std::vector<int64_t> shape(x0.dim(), 1);
  shape[0] = x0.size(0);
  scale = scale.reshape(shape).to(x0.dtype());
  return torch::max(torch::min(x0, scale), -scale) / scale;
}

}  // namespace dlab
