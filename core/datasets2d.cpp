#include "core/datasets2d.h"

#include <sys/stat.h>
#include <torch/torch.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/atomic_file.h"
#include "core/latent_diffusion.h"
#include "core/points_csv.h"
#include "core/rng.h"
#include "core/text_excerpt.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

torch::Tensor stack_xy(const torch::Tensor& x, const torch::Tensor& y) {
  return torch::stack({x, y}, 1);
}

// sum_k w_k N(mu_k, s_k^2 I): pick a component by its weight, then add isotropic noise.
torch::Tensor sample_mixture(const GaussianMixture& mixture, std::int64_t n, Rng& rng) {
  const auto component = at::multinomial(mixture.weights, n, /*replacement=*/true, rng.generator());
  const auto noise = rng.normal({n, mixture.means.size(1)});
  return mixture.means.index_select(0, component) +
         mixture.stds.index_select(0, component).unsqueeze(1) * noise;
}

// scikit-learn make_moons: outer half-circle (cos a, sin a), inner (1 - cos a, 0.5 - sin a), a ~ U(0, pi),
// noise 0.05, then centred and scaled by 2 (REFERENCE section 9). Rows alternate outer, inner.
torch::Tensor sample_moons(std::int64_t n, Rng& rng) {
  const auto a = rng.uniform({n}) * kPi;
  const auto inner = torch::remainder(torch::arange(n), 2) == 1;
  auto x = torch::where(inner, 1.0 - torch::cos(a), torch::cos(a));
  auto y = torch::where(inner, 0.5 - torch::sin(a), torch::sin(a));
  const auto noise = rng.normal({n, 2}) * 0.05;
  auto points = stack_xy(x, y) + noise;
  return (points - torch::tensor({0.5f, 0.25f})) * 2.0;
}

// FFJORD checkerboard: x1 = 4u - 2, x2 = u' - 2 randint{0,1} + (floor(x1) mod 2), both times 2, with a mod
// that is never negative (Python's %), so the points fill the squares where floor(x1) + floor(x2) is even.
torch::Tensor sample_checkerboard(std::int64_t n, Rng& rng) {
  const auto x1 = rng.uniform({n}) * 4.0 - 2.0;
  const auto shift = rng.randint(2, {n}).to(torch::kFloat) * 2.0;
  const auto x2_base = rng.uniform({n}) - shift;
  const auto column_parity =
      torch::remainder(torch::floor(x1), 2.0);  // torch::remainder has the sign of the divisor
  return stack_xy(x1, x2_base + column_parity) * 2.0;
}

// Swiss roll in 2D: s = 1.5 pi (1 + 2u), (s cos s, s sin s)/5 + 0.05 N(0, I) (REFERENCE section 9).
torch::Tensor sample_swissroll(std::int64_t n, Rng& rng) {
  const auto s = 1.5 * kPi * (1.0 + 2.0 * rng.uniform({n}));
  return stack_xy(s * torch::cos(s), s * torch::sin(s)) / 5.0 + 0.05 * rng.normal({n, 2});
}

// FFJORD rings: four concentric circles of radii 3, 2.25, 1.5, 0.75 (linspace(0, 3, 5)[1:]), n/4 points each
// at evenly spaced angles (the smallest circle takes the remainder), shuffled, plus 0.08 N(0, I).
torch::Tensor sample_rings(std::int64_t n, Rng& rng) {
  const std::int64_t per_ring = n / 4;
  const std::int64_t counts[4] = {per_ring, per_ring, per_ring, n - 3 * per_ring};
  const double radii[4] = {3.0, 2.25, 1.5, 0.75};
  std::vector<torch::Tensor> rings;
  for (int r = 0; r < 4; ++r) {
    if (counts[r] == 0) continue;
    const auto angle = torch::arange(counts[r], torch::kFloat) * (2.0 * kPi / static_cast<double>(counts[r]));
    rings.push_back(stack_xy(torch::cos(angle), torch::sin(angle)) * radii[r]);
  }
  const auto points = torch::cat(rings, 0);
  const auto order = at::randperm(n, rng.generator(), at::TensorOptions().dtype(at::kLong));
  return points.index_select(0, order) + 0.08 * rng.normal({n, 2});
}

// FFJORD pinwheel: 5 arms; per point features (r, s) ~ N((1, 0), diag(0.3^2, 0.1^2)) rotated by the arm's
// angle 2 pi k/5 plus a twist 0.25 exp(r) (FFJORD's einsum uses the transposed rotation, i.e. rotation by
// -angle), then times 2. Arm k = row mod 5, so the arms are balanced.
torch::Tensor sample_pinwheel(std::int64_t n, Rng& rng) {
  constexpr int kArms = 5;
  constexpr double kRadialStd = 0.3, kTangentialStd = 0.1, kRate = 0.25;
  const auto features = rng.normal({n, 2}) *
                        torch::tensor({static_cast<float>(kRadialStd), static_cast<float>(kTangentialStd)});
  const auto r = features.select(1, 0) + 1.0;
  const auto s = features.select(1, 1);
  const auto arm = torch::remainder(torch::arange(n), kArms).to(torch::kFloat);
  const auto angle = arm * (2.0 * kPi / kArms) + kRate * torch::exp(r);
  const auto c = torch::cos(angle), sn = torch::sin(angle);
  return stack_xy(r * c + s * sn, -r * sn + s * c) * 2.0;
}

// FFJORD 2spirals: m = sqrt(u) * 540 degrees in radians; first arm (-cos(m) m + 0.5 u1, sin(m) m + 0.5 u2),
// the second is its negative; all divided by 3, plus 0.1 N(0, I). Rows alternate the two arms.
torch::Tensor sample_two_spirals(std::int64_t n, Rng& rng) {
  const auto m = torch::sqrt(rng.uniform({n})) * (540.0 * 2.0 * kPi / 360.0);
  const auto dx = -torch::cos(m) * m + 0.5 * rng.uniform({n});
  const auto dy = torch::sin(m) * m + 0.5 * rng.uniform({n});
  const auto sign = 1.0 - 2.0 * torch::remainder(torch::arange(n), 2).to(torch::kFloat);
  return stack_xy(dx * sign, dy * sign) / 3.0 + 0.1 * rng.normal({n, 2});
}

// Circle: the unit circle times 2 plus 0.02 N(0, I).
torch::Tensor sample_circle(std::int64_t n, Rng& rng) {
  const auto a = rng.uniform({n}) * (2.0 * kPi);
  return stack_xy(torch::cos(a), torch::sin(a)) * 2.0 + 0.02 * rng.normal({n, 2});
}

// Line: x ~ U(-2, 2), y = x.
torch::Tensor sample_line(std::int64_t n, Rng& rng) {
  const auto x = rng.uniform({n}) * 4.0 - 2.0;
  return stack_xy(x, x.clone());
}

GaussianMixture equal_weight_mixture(const std::vector<float>& centres_xy, double std_dev) {
  const auto k = static_cast<std::int64_t>(centres_xy.size() / 2);
  GaussianMixture mixture;
  mixture.means = torch::tensor(centres_xy, torch::kFloat).reshape({k, 2});
  mixture.stds = torch::full({k}, std_dev, torch::kFloat);
  mixture.weights = torch::full({k}, 1.0 / static_cast<double>(k), torch::kFloat);
  return mixture;
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool looks_like_path(const std::string& name) {
  return name.find('/') != std::string::npos || name.find('.') != std::string::npos;
}

}  // namespace

torch::Tensor sample_dataset(Dataset2D dataset, std::int64_t n, std::uint64_t seed) {
  if (n < 1)
    throw std::invalid_argument("the number of points n = " + std::to_string(n) + " must be at least 1");
  torch::NoGradGuard no_grad;
  Rng rng(seed);
  switch (dataset) {
    case Dataset2D::Gmm8:
    case Dataset2D::Gmm25:
      return sample_mixture(*dataset_mixture(dataset), n, rng);
    case Dataset2D::Moons:
      return sample_moons(n, rng);
    case Dataset2D::Checkerboard:
      return sample_checkerboard(n, rng);
    case Dataset2D::Swissroll:
      return sample_swissroll(n, rng);
    case Dataset2D::Rings:
      return sample_rings(n, rng);
    case Dataset2D::Pinwheel:
      return sample_pinwheel(n, rng);
    case Dataset2D::TwoSpirals:
      return sample_two_spirals(n, rng);
    case Dataset2D::Circle:
      return sample_circle(n, rng);
    case Dataset2D::Line:
      return sample_line(n, rng);
    case Dataset2D::FashionMnistLatent: {
      const auto latent = shipped_latent_codes();
      return latent->codes.index_select(0, latent_draw_indices(latent->codes.size(0), n, seed));
    }
  }
  throw std::invalid_argument("unknown data set");
}

bool dataset_has_labels(Dataset2D dataset) { return dataset == Dataset2D::FashionMnistLatent; }

torch::Tensor dataset_labels(Dataset2D dataset, std::int64_t n, std::uint64_t seed) {
  if (n < 1)
    throw std::invalid_argument("the number of points n = " + std::to_string(n) + " must be at least 1");
  if (!dataset_has_labels(dataset)) return {};
  const auto latent = shipped_latent_codes();
  return latent->labels.index_select(0, latent_draw_indices(latent->codes.size(0), n, seed));
}

std::optional<GaussianMixture> dataset_mixture(Dataset2D dataset) {
  if (dataset == Dataset2D::Gmm8) {
    // 8 equal-weight Gaussians at (2 cos(k pi/4), 2 sin(k pi/4)), std 0.2 (REFERENCE section 9).
    std::vector<float> centres;
    for (int k = 0; k < 8; ++k) {
      centres.push_back(static_cast<float>(2.0 * std::cos(k * kPi / 4.0)));
      centres.push_back(static_cast<float>(2.0 * std::sin(k * kPi / 4.0)));
    }
    return equal_weight_mixture(centres, 0.2);
  }
  if (dataset == Dataset2D::Gmm25) {
    // 25 equal-weight Gaussians on the grid {-2, -1, 0, 1, 2}^2, std 0.1 (REFERENCE section 9).
    std::vector<float> centres;
    for (int i = -2; i <= 2; ++i)
      for (int j = -2; j <= 2; ++j) {
        centres.push_back(static_cast<float>(i));
        centres.push_back(static_cast<float>(j));
      }
    return equal_weight_mixture(centres, 0.1);
  }
  return std::nullopt;
}

torch::Tensor load_points_csv(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw std::runtime_error("cannot read '" + text_excerpt(path, 400) + "': it is a folder, not a CSV file");
  // 10,000,000 points (kMaxPoints of dlab) take about 400 MB as text: a larger file is refused unread.
  constexpr std::uintmax_t kMaxCsvBytes = 1ull << 30;
  const auto bytes = std::filesystem::file_size(path, error);
  if (!error && bytes > kMaxCsvBytes)
    throw std::runtime_error("cannot read '" + text_excerpt(path, 400) + "': " + std::to_string(bytes >> 20) +
                             " MB, more than the 1024 MB a points CSV file may have");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error("reading '" + path + "' failed");
  const std::vector<float> values = parse_points_csv(text.str(), path);
  const auto rows = static_cast<std::int64_t>(values.size() / 2);
  return torch::tensor(values, torch::kFloat).reshape({rows, 2});
}

std::string points_to_csv(const torch::Tensor& points) {
  const auto p = points.detach().to(torch::kCPU).to(torch::kDouble).contiguous();
  if (p.dim() != 2 || p.size(1) != 2)
    throw std::invalid_argument("points must be a [n, 2] tensor, got " + std::to_string(p.dim()) +
                                " dimensions");
  const auto a = p.accessor<double, 2>();
  std::string out = "x,y\n";
  char buffer[96];
  for (std::int64_t i = 0; i < p.size(0); ++i) {
    // %.9g round-trips float32 exactly.
    std::snprintf(buffer, sizeof buffer, "%.9g,%.9g\n", a[i][0], a[i][1]);
    out += buffer;
  }
  return out;
}

void save_points_csv(const std::string& path, const torch::Tensor& points) {
  write_text_atomically(path, points_to_csv(points));
}

bool is_builtin_dataset(const std::string& name) {
  return from_name<Dataset2D>(name).has_value();
}

torch::Tensor resolve_points(const std::string& name_or_path, std::int64_t n, std::uint64_t seed) {
  if (auto dataset = from_name<Dataset2D>(name_or_path)) return sample_dataset(*dataset, n, seed);
  if (!file_exists(name_or_path) && !looks_like_path(name_or_path))
    throw std::invalid_argument("unknown data set '" + text_excerpt(name_or_path, 60) + "'; allowed: " +
                                allowed_names<Dataset2D>(", ") + ", or the path of a CSV file");
  const auto points = load_points_csv(name_or_path);
  if (n <= 0) return points;
  torch::NoGradGuard no_grad;
  Rng rng(seed);
  const auto rows = points.size(0);
  // Without replacement when the file has enough rows, with replacement otherwise.
  const auto index =
      n <= rows ? at::randperm(rows, rng.generator(), at::TensorOptions().dtype(at::kLong)).slice(0, 0, n)
                : rng.randint(rows, {n});
  return points.index_select(0, index);
}

}  // namespace dlab
