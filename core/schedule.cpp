#include "core/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/sampling_plan.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Monotone cubic Hermite interpolation (Fritsch & Carlson 1980) through (u_i, y_i).
double monotone_cubic(const std::vector<CurvePoint>& p, double u) {
  const std::size_t n = p.size();
  if (u <= p.front().u) return p.front().log_snr;
  if (u >= p.back().u) return p.back().log_snr;
  std::vector<double> slope(n - 1), tangent(n);
  for (std::size_t i = 0; i + 1 < n; ++i) slope[i] = (p[i + 1].log_snr - p[i].log_snr) / (p[i + 1].u - p[i].u);
  tangent[0] = slope[0];
  tangent[n - 1] = slope[n - 2];
  for (std::size_t i = 1; i + 1 < n; ++i)
    tangent[i] = (slope[i - 1] * slope[i] <= 0) ? 0.0 : 0.5 * (slope[i - 1] + slope[i]);
  for (std::size_t i = 0; i + 1 < n; ++i) {  // limit tangents so the curve does not overshoot
    const double a = tangent[i] / slope[i], b = tangent[i + 1] / slope[i];
    const double r = a * a + b * b;
    if (r > 9.0) {
      const double k = 3.0 / std::sqrt(r);
      tangent[i] = k * a * slope[i];
      tangent[i + 1] = k * b * slope[i];
    }
  }
  std::size_t i = 0;
  while (u > p[i + 1].u) ++i;
  const double h = p[i + 1].u - p[i].u, s = (u - p[i].u) / h;
  const double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s);
  const double h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
  return h00 * p[i].log_snr + h10 * h * tangent[i] + h01 * p[i + 1].log_snr + h11 * h * tangent[i + 1];
}

std::vector<double> betas_from_alpha_bars(const std::vector<double>& abar_1_to_T) {
  std::vector<double> betas(abar_1_to_T.size());
  double prev = 1.0;
  for (std::size_t i = 0; i < abar_1_to_T.size(); ++i) {
    betas[i] = 1.0 - abar_1_to_T[i] / prev;
    prev = abar_1_to_T[i];
  }
  return betas;
}

std::vector<double> make_betas(const ScheduleConfig& c) {
  const int T = c.timesteps;
  std::vector<double> betas(T);
  auto frac = [T](int t) { return static_cast<double>(t - 1) / (T - 1); };  // (t-1)/(T-1)
  switch (c.kind) {
    case ScheduleKind::Linear:  // Ho et al. 2020, section 4
      for (int t = 1; t <= T; ++t) betas[t - 1] = c.beta_start + (c.beta_end - c.beta_start) * frac(t);
      break;
    case ScheduleKind::ScaledLinear:  // linear in sqrt(beta) (Rombach et al. 2022, latent diffusion)
      for (int t = 1; t <= T; ++t) {
        const double s = std::sqrt(c.beta_start) + (std::sqrt(c.beta_end) - std::sqrt(c.beta_start)) * frac(t);
        betas[t - 1] = s * s;
      }
      break;
    case ScheduleKind::Sigmoid:  // sigmoid(-6 + 12 (t-1)/(T-1)) between beta_start and beta_end (GeoDiff, Xu et al. 2022)
      for (int t = 1; t <= T; ++t)
        betas[t - 1] = sigmoid(-6.0 + 12.0 * frac(t)) * (c.beta_end - c.beta_start) + c.beta_start;
      break;
    case ScheduleKind::Cosine: {  // Nichol & Dhariwal 2021, Eq. (17): abar(u) = f(u)/f(0), beta clipped at 0.999
      auto f = [&](double u) {
        const double a = std::cos((u + c.cosine_s) / (1.0 + c.cosine_s) * kPi / 2.0);
        return a * a;
      };
      for (int t = 1; t <= T; ++t) {
        const double ratio = f(static_cast<double>(t) / T) / f(static_cast<double>(t - 1) / T);
        betas[t - 1] = std::min(1.0 - ratio, 0.999);
      }
      break;
    }
    case ScheduleKind::Custom: {  // abar_t = sigmoid(log-SNR(t/T)), the curve interpolated monotonically
      std::vector<double> abar(T);
      for (int t = 1; t <= T; ++t) abar[t - 1] = sigmoid(monotone_cubic(c.custom_curve, static_cast<double>(t) / T));
      betas = betas_from_alpha_bars(abar);
      break;
    }
  }
  return betas;
}

// Lin et al. 2023, Algorithm 1: shift and scale sqrt(abar) so that sqrt(abar_T) = 0 and sqrt(abar_1) is kept.
std::vector<double> rescale_zero_terminal_snr(const std::vector<double>& betas) {
  std::vector<double> s(betas.size());
  double abar = 1.0;
  for (std::size_t i = 0; i < betas.size(); ++i) {
    abar *= 1.0 - betas[i];
    s[i] = std::sqrt(abar);
  }
  const double s_first = s.front(), s_last = s.back();
  std::vector<double> abar_new(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double v = (s[i] - s_last) * s_first / (s_first - s_last);
    abar_new[i] = v * v;
  }
  abar_new.back() = 0.0;
  return betas_from_alpha_bars(abar_new);
}

}  // namespace

void validate(const ScheduleConfig& c) {
  if (c.timesteps < kMinTimesteps || c.timesteps > kMaxTimesteps)
    throw std::invalid_argument("timesteps T = " + std::to_string(c.timesteps) + " is out of range; choose T from " +
                                std::to_string(kMinTimesteps) + " to " + std::to_string(kMaxTimesteps));
  const bool uses_beta_range =
      c.kind == ScheduleKind::Linear || c.kind == ScheduleKind::ScaledLinear || c.kind == ScheduleKind::Sigmoid;
  if (uses_beta_range) {
    if (!(c.beta_start > 0.0 && c.beta_start < 1.0))
      throw std::invalid_argument("beta-start = " + fmt(c.beta_start) + " must lie strictly between 0 and 1");
    if (!(c.beta_end > 0.0 && c.beta_end < 1.0))
      throw std::invalid_argument("beta-end = " + fmt(c.beta_end) + " must lie strictly between 0 and 1");
    if (c.beta_start > c.beta_end)
      throw std::invalid_argument("beta-start = " + fmt(c.beta_start) + " is larger than beta-end = " +
                                  fmt(c.beta_end) + "; noise must grow with t, so swap them");
  }
  if (c.kind == ScheduleKind::Cosine && !(c.cosine_s >= 0.0 && c.cosine_s < 1.0))
    throw std::invalid_argument("cosine offset s = " + fmt(c.cosine_s) + " must lie in [0, 1)");
  if (c.kind == ScheduleKind::Custom) {
    const auto& p = c.custom_curve;
    if (p.size() < 2) throw std::invalid_argument("a custom schedule needs at least two control points");
    if (p.front().u != 0.0 || p.back().u != 1.0)
      throw std::invalid_argument("the custom curve must start at t/T = 0 and end at t/T = 1");
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!std::isfinite(p[i].log_snr) || !std::isfinite(p[i].u))
        throw std::invalid_argument("custom curve point " + std::to_string(i + 1) + " is not a finite number");
      if (i > 0 && !(p[i].u > p[i - 1].u))
        throw std::invalid_argument("custom curve points must have strictly increasing t/T (point " +
                                    std::to_string(i + 1) + ")");
      if (i > 0 && !(p[i].log_snr < p[i - 1].log_snr))
        throw std::invalid_argument("the custom curve is not monotone: log-SNR must decrease with t (point " +
                                    std::to_string(i + 1) + " is not below point " + std::to_string(i) + ")");
    }
  }
}

std::vector<CurvePoint> default_custom_curve() {
  // Control points taken on the cosine schedule's log-SNR at T = 1000.
  return {{0.0, 10.0}, {0.25, 2.6}, {0.5, 0.0}, {0.75, -2.6}, {1.0, -12.0}};
}

NoiseSchedule::NoiseSchedule(const ScheduleConfig& config) : config_(config) {
  validate(config_);
  betas_ = make_betas(config_);
  std::vector<double> plain_alpha_bars(betas_.size() + 1, 1.0);  // before any zero-terminal-SNR rescaling
  for (std::size_t i = 0; i < betas_.size(); ++i) plain_alpha_bars[i + 1] = plain_alpha_bars[i] * (1.0 - betas_[i]);
  const int T = config_.timesteps;
  // 1 - beta_1 must differ from 1 in double precision, else abar_1 = 1: an infinite SNR and 0/0 in beta~_1.
  if (!(plain_alpha_bars[1] < 1.0))
    throw std::invalid_argument("beta-start = " + fmt(config_.beta_start) +
                                " is too small: 1 - beta_1 rounds to 1 in double precision (abar_1 = 1, an infinite "
                                "SNR); use beta-start >= 1e-15");
  // The samplers divide by sqrt(abar_t) in float32: below kMinAlphaBar that overflows and every sample is NaN
  // (checked before any zero-terminal-SNR rescaling, which only moves abar_T to 0).
  for (int t = 1; t <= T; ++t) {
    if (plain_alpha_bars[t] >= kMinAlphaBar) continue;
    char detail[200];
    std::snprintf(detail, sizeof detail,
                  " makes abar_t fall below %g from t = %d on (abar_T = %.3g), where float32 sampling overflows "
                  "to NaN; lower beta-end or timesteps (T = %d)",
                  kMinAlphaBar, t, plain_alpha_bars[T], T);
    const bool beta_range = config_.kind == ScheduleKind::Linear || config_.kind == ScheduleKind::ScaledLinear ||
                            config_.kind == ScheduleKind::Sigmoid;
    throw std::invalid_argument(beta_range ? "beta-end = " + fmt(config_.beta_end) + detail
                                           : std::string("the schedule") + detail);
  }
  if (config_.zero_terminal_snr) betas_ = rescale_zero_terminal_snr(betas_);
  alpha_bars_.assign(betas_.size() + 1, 1.0);
  for (std::size_t i = 0; i < betas_.size(); ++i) alpha_bars_[i + 1] = alpha_bars_[i] * (1.0 - betas_[i]);
}

NoiseSchedule NoiseSchedule::from_betas(std::vector<double> betas) {
  if (betas.empty()) throw std::invalid_argument("a schedule needs at least one beta");
  for (std::size_t i = 0; i < betas.size(); ++i)
    if (!(betas[i] > 0.0 && betas[i] <= 1.0))
      throw std::invalid_argument("beta_" + std::to_string(i + 1) + " = " + fmt(betas[i]) + " must lie in (0, 1]");
  NoiseSchedule s;
  s.config_.timesteps = static_cast<int>(betas.size());
  s.betas_ = std::move(betas);
  s.alpha_bars_.assign(s.betas_.size() + 1, 1.0);
  for (std::size_t i = 0; i < s.betas_.size(); ++i) s.alpha_bars_[i + 1] = s.alpha_bars_[i] * (1.0 - s.betas_[i]);
  return s;
}

void NoiseSchedule::check_t(int t, int lowest) const {
  if (t < lowest || t > timesteps())
    throw std::out_of_range("timestep t = " + std::to_string(t) + " is outside " + std::to_string(lowest) + ".." +
                            std::to_string(timesteps()));
}

double NoiseSchedule::beta(int t) const { return check_t(t, 1), betas_[t - 1]; }
double NoiseSchedule::alpha(int t) const { return 1.0 - beta(t); }
double NoiseSchedule::alpha_bar(int t) const { return check_t(t, 0), alpha_bars_[t]; }
double NoiseSchedule::alpha_bar_prev(int t) const { return check_t(t, 1), alpha_bars_[t - 1]; }
double NoiseSchedule::sqrt_alpha_bar(int t) const { return std::sqrt(alpha_bar(t)); }
double NoiseSchedule::sqrt_one_minus_alpha_bar(int t) const { return std::sqrt(1.0 - alpha_bar(t)); }
double NoiseSchedule::snr(int t) const { return check_t(t, 1), alpha_bars_[t] / (1.0 - alpha_bars_[t]); }
double NoiseSchedule::log_snr(int t) const { return std::log(snr(t)); }
double NoiseSchedule::sigma(int t) const { return std::sqrt((1.0 - alpha_bar(t)) / alpha_bar(t)); }

double NoiseSchedule::beta_tilde(int t) const {
  return beta(t) * (1.0 - alpha_bar_prev(t)) / (1.0 - alpha_bar(t));
}

int NoiseSchedule::timestep_at_log_snr(double value) const {
  const int T = timesteps();
  if (!(value <= log_snr(1) && value >= log_snr(T))) return 0;
  int low = 1, high = T;  // binary search over the decreasing log-SNR
  while (low < high) {
    const int mid = (low + high) / 2;
    if (log_snr(mid) > value) low = mid + 1; else high = mid;
  }
  return low;
}
double NoiseSchedule::posterior_mean_coef1(int t) const {
  return beta(t) * std::sqrt(alpha_bar_prev(t)) / (1.0 - alpha_bar(t));
}
double NoiseSchedule::posterior_mean_coef2(int t) const {
  return std::sqrt(alpha(t)) * (1.0 - alpha_bar_prev(t)) / (1.0 - alpha_bar(t));
}

std::vector<int> respaced_timesteps(int T, int K, Spacing spacing) {
  if (T < 1) throw std::invalid_argument("respacing needs T >= 1");
  if (K < 1 || K > T)
    throw std::invalid_argument("steps K = " + std::to_string(K) + " must lie between 1 and T = " + std::to_string(T));
  std::vector<int> ts(K);
  switch (spacing) {
    case Spacing::Linspace:
      for (int k = 0; k < K; ++k)
        ts[k] = (K == 1) ? T : static_cast<int>(std::lround(1.0 + (T - 1.0) * k / (K - 1.0)));
      break;
    case Spacing::Leading:
      for (int k = 0; k < K; ++k) ts[k] = 1 + k * (T / K);
      break;
    case Spacing::Trailing:
      for (int k = 0; k < K; ++k) ts[K - 1 - k] = static_cast<int>(std::lround(T - k * static_cast<double>(T) / K));
      break;
    case Spacing::Karras:
    case Spacing::Exponential:
      throw std::invalid_argument(std::string("respaced_timesteps: '") + to_name(spacing) +
                                  "' spacing needs the schedule's sigmas (use respace)");
  }
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  return ts;
}

SamplingGrid respace(const NoiseSchedule& base, int steps, Spacing spacing) {
  SamplingGrid grid;
  grid.timesteps = spacing_uses_sigmas(spacing) ? sigma_spaced_timesteps(base, steps, spacing)
                                                : respaced_timesteps(base.timesteps(), steps, spacing);
  std::vector<double> betas(grid.timesteps.size());
  double prev = 1.0;  // abar_{t_0} = abar_0 = 1
  for (std::size_t i = 0; i < grid.timesteps.size(); ++i) {
    const double abar = base.alpha_bar(grid.timesteps[i]);
    betas[i] = 1.0 - abar / prev;  // beta'_i = 1 - abar_{t_i}/abar_{t_{i-1}}
    prev = abar;
  }
  grid.effective = NoiseSchedule::from_betas(std::move(betas));
  return grid;
}

namespace {
constexpr double kCurveGapU = 1e-3, kCurveGapLogSnr = 1e-2;  // the smallest steps between neighbours
}  // namespace

void move_curve_point(std::vector<CurvePoint>& curve, int index, double u, double log_snr) {
  const int last = static_cast<int>(curve.size()) - 1;
  if (index < 0 || index > last) return;
  if (index == 0) u = 0.0;
  else if (index == last) u = 1.0;
  else u = std::clamp(u, curve[index - 1].u + kCurveGapU, curve[index + 1].u - kCurveGapU);
  const double upper = index > 0 ? curve[index - 1].log_snr - kCurveGapLogSnr : kCurveMaxLogSnr;
  const double lower = index < last ? curve[index + 1].log_snr + kCurveGapLogSnr : kCurveMinLogSnr;
  curve[index].u = u;
  curve[index].log_snr = std::clamp(log_snr, lower, upper);
}

bool insert_curve_point(std::vector<CurvePoint>& curve, double u, double log_snr) {
  u = std::clamp(u, 0.0, 1.0);
  const auto after = std::find_if(curve.begin(), curve.end(), [&](const CurvePoint& p) { return p.u > u; });
  if (after == curve.begin() || after == curve.end()) return false;
  const CurvePoint& left = *(after - 1);
  const CurvePoint& right = *after;
  if (u - left.u < 2 * kCurveGapU || right.u - u < 2 * kCurveGapU || left.log_snr - right.log_snr < 4 * kCurveGapLogSnr)
    return false;
  const double value = std::clamp(log_snr, right.log_snr + 2 * kCurveGapLogSnr, left.log_snr - 2 * kCurveGapLogSnr);
  curve.insert(after, CurvePoint{u, value});
  return true;
}

bool remove_curve_point(std::vector<CurvePoint>& curve, int index) {
  if (curve.size() <= 2 || index <= 0 || index + 1 >= static_cast<int>(curve.size())) return false;
  curve.erase(curve.begin() + index);
  return true;
}

std::vector<CurvePoint> curve_from_schedule(const NoiseSchedule& schedule) {
  std::vector<CurvePoint> points;
  const int T = schedule.timesteps();
  double previous = kCurveMaxLogSnr + 5.0;
  for (double u : {0.0, 0.2, 0.4, 0.6, 0.8, 1.0}) {
    const int t = std::clamp(static_cast<int>(std::lround(u * T)), 1, T);
    double value = std::clamp(schedule.log_snr(t), kCurveMinLogSnr, kCurveMaxLogSnr);
    if (u == 0.0) value = std::min(kCurveMaxLogSnr, schedule.log_snr(1) + 1.0);
    value = std::min(value, previous - 0.05);
    points.push_back({u, value});
    previous = value;
  }
  return points;
}

}  // namespace dlab
