#include "core/oracles.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/rng.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Rows of the [N, M] weight matrix that empirical_x0 builds at once: about 4 million doubles (32 MB),
// so a 10,000 x 10,000 problem runs in chunks of 400 rows.
constexpr std::int64_t kEmpiricalChunkElements = std::int64_t{1} << 22;

std::string shape_of(const torch::Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void check_alpha_bar(double alpha_bar) {
  if (!(alpha_bar >= 0.0 && alpha_bar <= 1.0))
    throw std::invalid_argument("alpha_bar = " + std::to_string(alpha_bar) + " must lie in [0, 1]");
}

void check_mixture(const GaussianMixture& m) {
  if (!m.means.defined() || !m.stds.defined() || !m.weights.defined())
    throw std::invalid_argument("a Gaussian mixture needs means, stds and weights");
  if (m.means.dim() != 2 || m.means.size(0) < 1)
    throw std::invalid_argument("mixture means must have shape [K, D] with K >= 1, got " + shape_of(m.means));
  const auto K = m.means.size(0);
  if (m.stds.dim() != 1 || m.stds.size(0) != K)
    throw std::invalid_argument("mixture stds must have shape [" + std::to_string(K) + "], got " +
                                shape_of(m.stds));
  if (m.weights.dim() != 1 || m.weights.size(0) != K)
    throw std::invalid_argument("mixture weights must have shape [" + std::to_string(K) + "], got " +
                                shape_of(m.weights));
  if (m.stds.lt(0).any().item<bool>()) throw std::invalid_argument("mixture stds must be >= 0");
  if (m.weights.le(0).any().item<bool>()) throw std::invalid_argument("mixture weights must be > 0");
}

void check_points(const torch::Tensor& x, std::int64_t dims, const char* what) {
  if (!x.defined() || x.dim() != 2 || x.size(1) != dims)
    throw std::invalid_argument(std::string(what) + " must have shape [N, " + std::to_string(dims) +
                                "], got " + (x.defined() ? shape_of(x) : std::string("an undefined tensor")));
}

// The forward marginal of each component, in double on x_t's device: means sqrt(abar) mu_k [K, D],
// variances abar s_k^2 + 1 - abar [K] and log-weights [K] (REFERENCE.md section 9).
struct MarginalComponents {
  torch::Tensor means, variances, log_weights;
};

MarginalComponents marginal_components(const GaussianMixture& m, const torch::Tensor& x_t, double alpha_bar) {
  check_mixture(m);
  check_alpha_bar(alpha_bar);
  check_points(x_t, m.means.size(1), "x_t");
  const auto opts = torch::TensorOptions().dtype(torch::kDouble).device(x_t.device());
  const auto stds = m.stds.to(opts);
  MarginalComponents c;
  c.means = std::sqrt(alpha_bar) * m.means.to(opts);
  c.variances = alpha_bar * stds * stds + (1.0 - alpha_bar);
  if (c.variances.le(0).any().item<bool>())
    throw std::invalid_argument("a mixture component with std 0 has no density at alpha_bar = 1");
  const auto w = m.weights.to(opts);
  c.log_weights = (w / w.sum()).log();
  return c;
}

// log(w_k N(x_n; m_k, v_k I)) for every row n and component k: [N, K] (double).
torch::Tensor component_log_joint(const MarginalComponents& c, const torch::Tensor& x_double) {
  const auto D = static_cast<double>(x_double.size(1));
  const auto diff = x_double.unsqueeze(1) - c.means.unsqueeze(0);  // [N, K, D]
  const auto sq = diff.pow(2).sum(2);                              // [N, K]
  return c.log_weights.unsqueeze(0) - 0.5 * D * (2.0 * kPi * c.variances).log().unsqueeze(0) -
         sq / (2.0 * c.variances.unsqueeze(0));
}

}  // namespace

torch::Tensor mixture_log_density(const GaussianMixture& mixture, const torch::Tensor& x_t,
                                  double alpha_bar) {
  const auto c = marginal_components(mixture, x_t, alpha_bar);
  const auto x = x_t.to(torch::kDouble);
  // log q(x_t) = logsumexp_k [log w_k + log N(x_t; sqrt(abar) mu_k, (abar s_k^2 + 1 - abar) I)]
  return torch::logsumexp(component_log_joint(c, x), 1).to(x_t.scalar_type());
}

torch::Tensor mixture_score(const GaussianMixture& mixture, const torch::Tensor& x_t, double alpha_bar) {
  const auto c = marginal_components(mixture, x_t, alpha_bar);
  const auto x = x_t.to(torch::kDouble);
  // grad log q = sum_k r_k(x) (m_k - x)/v_k with responsibilities r = softmax_k(log joint): stable at any
  // |x|.
  const auto r = torch::softmax(component_log_joint(c, x), 1);  // [N, K]
  const auto precision_r = r / c.variances.unsqueeze(0);        // r_k / v_k
  const auto score = torch::matmul(precision_r, c.means) - precision_r.sum(1, true) * x;
  return score.to(x_t.scalar_type());
}

torch::Tensor mixture_eps(const GaussianMixture& mixture, const torch::Tensor& x_t, double alpha_bar) {
  // eps* = -sqrt(1 - abar) grad log q(x_t) (Vincent 2011; Song et al. 2021, score SDE).
  const auto score = mixture_score(mixture, x_t.to(torch::kDouble), alpha_bar);
  return (-std::sqrt(1.0 - alpha_bar) * score).to(x_t.scalar_type());
}

torch::Tensor mixture_sample(const GaussianMixture& mixture, std::int64_t n, std::uint64_t seed) {
  check_mixture(mixture);
  if (n < 0) throw std::invalid_argument("the number of points n = " + std::to_string(n) + " must be >= 0");
  const auto means = mixture.means.to(torch::kCPU, torch::kFloat);
  const auto stds = mixture.stds.to(torch::kCPU, torch::kFloat);
  const auto w = mixture.weights.to(torch::kCPU, torch::kDouble);
  auto cumulative = (w / w.sum()).cumsum(0);
  cumulative[-1] = 1.0;  // no rounding gap at the top
  Rng rng(seed);
  const auto u = rng.uniform({n}).to(torch::kDouble);
  const auto component = torch::searchsorted(cumulative, u, /*out_int32=*/false, /*right=*/true)
                             .clamp_max(mixture.means.size(0) - 1);
  const auto z = rng.normal({n, means.size(1)});
  return means.index_select(0, component) + stds.index_select(0, component).unsqueeze(1) * z;
}

torch::Tensor empirical_x0(const torch::Tensor& points, const torch::Tensor& x_t, double alpha_bar) {
  check_alpha_bar(alpha_bar);
  if (!points.defined() || points.dim() != 2 || points.size(0) < 1)
    throw std::invalid_argument("the point set must have shape [M, D] with M >= 1");
  check_points(x_t, points.size(1), "x_t");
  const auto p = points.to(x_t.device(), torch::kDouble);  // [M, D]
  const auto M = p.size(0), N = x_t.size(0);
  const double sqrt_ab = std::sqrt(alpha_bar), one_minus_ab = 1.0 - alpha_bar;
  // Softmax logits -|x - sqrt(abar) p_i|^2 / (2(1 - abar)); the |x|^2 term is the same for every i and
  // drops out, which avoids cancellation: logit_i = (sqrt(abar) x.p_i - abar |p_i|^2 / 2)/(1 - abar).
  const auto half_sq_norm = 0.5 * alpha_bar * p.pow(2).sum(1);  // [M]
  const std::int64_t rows = std::max<std::int64_t>(1, kEmpiricalChunkElements / M);
  std::vector<torch::Tensor> parts;
  for (std::int64_t start = 0; start < N; start += rows) {
    const auto x = x_t.slice(0, start, std::min(N, start + rows)).to(torch::kDouble);
    const auto proximity = sqrt_ab * torch::matmul(x, p.t()) - half_sq_norm.unsqueeze(0);  // [n, M]
    torch::Tensor weights;
    if (one_minus_ab > 0.0) {
      weights = torch::softmax(proximity / one_minus_ab, 1);
    } else {  // abar = 1: the limit is the nearest point
      weights = torch::zeros_like(proximity).scatter_(1, proximity.argmax(1, true), 1.0);
    }
    parts.push_back(torch::matmul(weights, p));  // E[x_0 | x_t] = sum_i w_i x_i (REFERENCE.md section 9)
  }
  if (parts.empty()) return torch::empty_like(x_t);
  return torch::cat(parts, 0).to(x_t.scalar_type());
}

torch::Tensor empirical_eps(const torch::Tensor& points, const torch::Tensor& x_t, double alpha_bar) {
  if (!(alpha_bar < 1.0))
    throw std::invalid_argument("empirical_eps needs alpha_bar < 1 (there is no noise at 1)");
  const auto x0 = empirical_x0(points, x_t.to(torch::kDouble), alpha_bar);
  // eps = (x_t - sqrt(abar) x0)/sqrt(1 - abar) (Ho et al. 2020, Eq. (4) solved for eps).
  const auto eps = (x_t.to(torch::kDouble) - std::sqrt(alpha_bar) * x0) / std::sqrt(1.0 - alpha_bar);
  return eps.to(x_t.scalar_type());
}

}  // namespace dlab
