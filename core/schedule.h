// Noise schedules beta_1..beta_T and every per-t quantity derived from them, in double precision.
//
// Index convention (Ho et al. 2020, REFERENCE.md section 1): t = 1..T, t = 0 is clean data,
// alpha_t = 1 - beta_t, abar_t = prod_{s<=t} alpha_s, abar_0 = 1. Libraries that index 0..T-1
// (diffusers) call our abar_{k+1} their alphas_cumprod[k]; convert only at the edges.
// Torch-free on purpose: the tables are shown to students and must not lose digits to float32.
#pragma once

#include <vector>

#include "core/choices.h"

namespace dlab {

enum class ScheduleKind { Linear, ScaledLinear, Sigmoid, Cosine, Custom };

template <>
struct EnumNames<ScheduleKind> {
  static constexpr std::array<EnumEntry<ScheduleKind>, 5> entries{{
      {ScheduleKind::Linear, "linear", "Linear"},
      {ScheduleKind::ScaledLinear, "scaled-linear", "Scaled linear"},
      {ScheduleKind::Sigmoid, "sigmoid", "Sigmoid"},
      {ScheduleKind::Cosine, "cosine", "Cosine"},
      {ScheduleKind::Custom, "custom", "Custom curve"},
  }};
};

// A control point of a custom schedule: log-SNR = log(abar/(1 - abar)) at u = t/T.
struct CurvePoint {
  double u = 0.0;
  double log_snr = 0.0;
};

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::Linear;
  int timesteps = 1000;       // T, 2..4000
  double beta_start = 1e-4;   // beta_1 (linear, scaled-linear, sigmoid)
  double beta_end = 0.02;     // beta_T
  double cosine_s = 0.008;    // offset s of Nichol & Dhariwal 2021, Eq. (17)
  bool zero_terminal_snr = false;  // rescale so abar_T = 0 (Lin et al. 2023, Alg. 1)
  // Custom: at least two points, u strictly increasing from 0 to 1, log-SNR strictly decreasing;
  // interpolated by a monotone cubic (Fritsch-Carlson), so the schedule stays monotone.
  std::vector<CurvePoint> custom_curve;
};

constexpr int kMinTimesteps = 2;
constexpr int kMaxTimesteps = 4000;
// The smallest abar_t (t <= T; t < T with zero terminal SNR) a schedule may reach: the samplers work in
// float32 and divide by sqrt(abar_t), which overflows to inf, then NaN, far below it. NoiseSchedule refuses
// a schedule that falls below it (linear T = 1000: beta-end above about 0.25) naming beta-end.
constexpr double kMinAlphaBar = 1e-60;

// Throws std::invalid_argument with a message that says what to fix.
void validate(const ScheduleConfig& config);

// The default control points of the custom curve (close to the cosine schedule), for the editor.
std::vector<CurvePoint> default_custom_curve();

// Editing a custom curve so that it stays valid for validate(): the ends stay at u = 0 and u = 1, u keeps
// increasing and log-SNR decreasing (a schedule adds noise at every step), log-SNR stays in
// [kCurveMinLogSnr, kCurveMaxLogSnr]. The schedule editor's drags, clicks and double-clicks call these.
constexpr double kCurveMinLogSnr = -20.0, kCurveMaxLogSnr = 15.0;
// Moves point `index` as near to (u, log_snr) as the invariants allow.
void move_curve_point(std::vector<CurvePoint>& curve, int index, double u, double log_snr);
// Inserts a point between its neighbours in u; false (nothing changes) where there is no room.
bool insert_curve_point(std::vector<CurvePoint>& curve, double u, double log_snr);
// Removes an inner point; false for an end point or a curve of two points.
bool remove_curve_point(std::vector<CurvePoint>& curve, int index);

class NoiseSchedule;
// Six points of a schedule's log-SNR at u = 0, 0.2, ..., 1, as a valid custom curve to start editing from.
std::vector<CurvePoint> curve_from_schedule(const NoiseSchedule& schedule);

class NoiseSchedule {
 public:
  NoiseSchedule() : NoiseSchedule(ScheduleConfig{}) {}
  explicit NoiseSchedule(const ScheduleConfig& config);  // validates, throws std::invalid_argument
  // A schedule given by its betas (index 0 holds beta_1); each must lie in (0, 1].
  static NoiseSchedule from_betas(std::vector<double> betas);

  int timesteps() const { return static_cast<int>(betas_.size()); }
  const ScheduleConfig& config() const { return config_; }

  // t in 1..T unless stated otherwise; out-of-range t throws std::out_of_range.
  double beta(int t) const;
  double alpha(int t) const;
  double alpha_bar(int t) const;       // t in 0..T, abar_0 = 1
  double alpha_bar_prev(int t) const;  // abar_{t-1}
  double sqrt_alpha_bar(int t) const;  // t in 0..T
  double sqrt_one_minus_alpha_bar(int t) const;  // t in 0..T
  double snr(int t) const;      // abar_t / (1 - abar_t) (Kingma et al. 2021, Eq. (1)); t in 1..T
  double log_snr(int t) const;
  // The first t in 1..T whose log-SNR is at or below `value` (log-SNR falls with t); 0 when value lies
  // outside [log_snr(T), log_snr(1)]. Places anything measured by noise level (the loss by log-SNR) on t.
  int timestep_at_log_snr(double value) const;
  double sigma(int t) const;    // sqrt((1 - abar_t)/abar_t): the variance-exploding noise level (Karras et al. 2022)
  // Posterior q(x_{t-1} | x_t, x_0) (Ho et al. 2020, Eq. (6)-(7)).
  double beta_tilde(int t) const;  // beta_t (1 - abar_{t-1})/(1 - abar_t); beta_tilde_1 = 0
  double posterior_mean_coef1(int t) const;  // beta_t sqrt(abar_{t-1})/(1 - abar_t), multiplies x_0
  double posterior_mean_coef2(int t) const;  // sqrt(alpha_t)(1 - abar_{t-1})/(1 - abar_t), multiplies x_t

  const std::vector<double>& betas() const { return betas_; }            // [t-1] = beta_t
  const std::vector<double>& alpha_bars() const { return alpha_bars_; }  // [t] = abar_t, size T+1

 private:
  void check_t(int t, int lowest) const;

  ScheduleConfig config_;
  std::vector<double> betas_;
  std::vector<double> alpha_bars_;
};

// Respacing to K <= T steps (Nichol & Dhariwal 2021, section 4; Song et al. 2021 DDIM): the Spacing enum
// and its name table are in core/choices.h.

// Ascending base-schedule timesteps t_1 < ... < t_K in 1..T:
//   linspace: round(linspace(1, T, K)); leading: 1 + k*floor(T/K); trailing: round(T - k*T/K), k = 0..K-1.
// (improved-diffusion space_timesteps(1000, "10") = 0-based {0, 111, ..., 999} = our linspace.)
// Karras and exponential depend on the schedule's sigmas: they throw std::invalid_argument here (use
// respace or make_sampling_plan, which place them with sigma_spaced_timesteps of core/sampling_plan.h).
std::vector<int> respaced_timesteps(int timesteps, int steps, Spacing spacing);

// A respaced schedule: the effective schedule has K steps with beta'_i = 1 - abar_{t_i}/abar_{t_{i-1}}
// (abar_{t_0} = 1), so effective.alpha_bar(i) == base.alpha_bar(timesteps[i-1]).
struct SamplingGrid {
  std::vector<int> timesteps;  // [i-1] = t_i of the base schedule, ascending
  NoiseSchedule effective;
};

SamplingGrid respace(const NoiseSchedule& base, int steps, Spacing spacing);

}  // namespace dlab
