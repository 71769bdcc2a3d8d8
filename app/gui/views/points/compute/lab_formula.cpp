// The formula panel's content: the update being applied at the cursor, with the numbers of this step
// (and of the followed point) filled in. The coefficients are those of core's samplers
// (REFERENCE.md sections 3 and 6); for respaced steps the effective alpha = abar_t/abar_t'. Called on the UI
// thread: the words are in the window's language (tr), the formulas' symbols stay.
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "app/gui/state/i18n.h"
#include "app/gui/views/points/compute/lab_impl.h"
#include "core/sampling_plan.h"
#include "core/step_coefficients.h"
#include "core/step_noise.h"

namespace dlab::gui {

using namespace detail;

namespace {

std::string format(const char* pattern, ...) {
  char buffer[512];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

std::string vec(const float v[2]) { return format("(%.3f, %.3f)", v[0], v[1]); }

// The z a step drew for the followed point, recovered from its two states and the step's mean per axis
// (core/step_noise.h), so that the printed line adds up; "z" when the next state is not known yet.
template <class MeanOfAxis>
std::string drawn_noise(const FollowInfo& point, double sigma, MeanOfAxis mean_of_axis) {
  if (!point.has_next) return "z";
  float zs[2];
  for (int i = 0; i < 2; ++i) zs[i] = static_cast<float>(step_noise(point.next[i], mean_of_axis(i), sigma));
  return vec(zs);
}

// "x₈₇₀": x with a subscript timestep.
std::string x_at(int t) {
  static const char* digits[] = {"\u2080", "\u2081", "\u2082", "\u2083", "\u2084",
                                 "\u2085", "\u2086", "\u2087", "\u2088", "\u2089"};
  std::string out = "x";
  for (char c : std::to_string(t)) out += digits[c - '0'];
  return out;
}

// The end of a reverse run: what this run shows, from the measured spread of its samples against the data's
// (core/point_statistics.h): the mean distance to the nearest other point (any data, same n: samples that
// pile up have much closer neighbours) and, for a mixture, the spread about the modes.
std::string end_of_run_note(const PointStats& stats, const SamplerSettings& sampler, bool empirical) {
  const double neighbours = stats.neighbour_distance >= 0 && stats.data_neighbour_distance > 0
                                ? stats.neighbour_distance / stats.data_neighbour_distance
                                : -1;
  const bool modes = stats.spread >= 0 && stats.data_spread > 0;
  const double spread = modes ? stats.spread / stats.data_spread : -1;
  if (neighbours < 0)
    return tr("Compare with the data x\u2080 (the dimmed layer): the points should lie on it, not only near it.");
  const std::string measured =
      modes ? format_text(tr("Measured: the samples lie %.3f from their modes (per dimension), the data %.3f; a "
                             "sample's nearest other sample is %.3f away on average, a data point's %.3f (%.0f%%)."),
                          stats.spread, stats.data_spread, stats.neighbour_distance, stats.data_neighbour_distance,
                          100 * neighbours)
            : format_text(tr("Measured: a sample's nearest other sample is %.3f away on average, a data point's "
                             "%.3f: %.0f%% of the data's."),
                          stats.neighbour_distance, stats.data_neighbour_distance, 100 * neighbours);
  std::string verdict;
  if (empirical && stats.mean_nearest_data_distance >= 0 && stats.mean_nearest_data_distance < 0.01) {
    // The empirical optimum's samples are the data points themselves: tighter than the data is its nature.
    verdict = format_text(tr("Memorised: the empirical optimum gives back the data points themselves (mean distance "
                             "to the nearest data point %.3f): it does not make new samples."),
                          stats.mean_nearest_data_distance);
  } else if (neighbours < 0.6 || (modes && spread < 0.8)) {
    if (sampler.kind == SamplerKind::Ddpm && sampler.variance == VarianceKind::Zero)
      verdict = tr("Collapse: without noise (\u03c3 = 0) every trajectory follows the mean, so the samples pile up "
                   "on a few thin curves.");
    else if (sampler.kind == SamplerKind::Ddpm && sampler.variance == VarianceKind::VarianceAsStd)
      verdict = tr("Too narrow: \u03c3 = \u03b2\u0303 instead of \u221a\u03b2\u0303 adds too little noise, so the "
                   "clusters come out narrower than the data's.");
    else
      verdict = tr("Too narrow: the samples are more concentrated than the data.");
  } else if ((modes && spread > 1.25) || (!modes && neighbours > 1.5)) {
    verdict = tr("Too wide: the samples are more spread out than the data (too few steps, or a model that has "
                 "not learnt the data yet).");
  } else {
    verdict = tr("As wide as the data: this run reproduces the spread of the data x\u2080.");
  }
  return verdict + " " + measured;
}

// Wherever t = T is shown: is x_T the N(0, I) that sampling starts from? (the prior term L_T of Ho et al. 2020,
// Eq. 5, per dimension; below 1e-3 nats the mismatch is invisible, as in the schedule editor).
std::string prior_note(double kl, bool reverse) {
  if (!std::isfinite(kl)) return "";
  if (kl < 1e-3)
    return format_text(tr("x_T is N(0, I): KL(q(x_T | x\u2080) \u2016 N(0, I)) = %.2g nats per dimension."), kl);
  return format_text(reverse ? tr("Prior mismatch: sampling starts from N(0, I), but the forward process ends at a "
                                  "q(x_T) that is not Gaussian: KL(q(x_T | x\u2080) \u2016 N(0, I)) = %.2g nats per "
                                  "dimension (T too small for this schedule).")
                             : tr("x_T is NOT N(0, I): KL(q(x_T | x\u2080) \u2016 N(0, I)) = %.2g nats per dimension, "
                                  "so sampling from N(0, I) starts from the wrong distribution."),
                     kl);
}

}  // namespace

Formula Lab::formula(int followed) const {
  const Impl& m = *impl_;
  Formula f;
  const FollowInfo point = follow(followed);

  if (m.mode == LabMode::Forward) {
    const int t = m.frame;
    const double abar = m.schedule.alpha_bar(t);
    f.terms.push_back({"t", t});
    if (t >= 1) f.terms.push_back({"\u03b2\u209c", m.schedule.beta(t)});
    f.terms.push_back({"\u1fb1\u209c", abar});
    if (t >= 1) f.terms.push_back({"SNR\u209c", m.schedule.snr(t)});
    if (m.forward_mode == ForwardMode::ClosedForm) {
      // Ho et al. 2020, Eq. (4).
      const double a = m.schedule.sqrt_alpha_bar(t), b = m.schedule.sqrt_one_minus_alpha_bar(t);
      f.title = tr("Forward, closed form q(x\u209c | x\u2080) (Ho et al. 2020, Eq. 4)");
      f.equation = "x\u209c = \u221a\u1fb1\u209c \u00b7 x\u2080 + \u221a(1 \u2212 \u1fb1\u209c) \u00b7 \u03b5,   \u03b5 ~ N(0, I)";
      f.numbers = format("%s = %.4f \u00b7 x\u2080 + %.4f \u00b7 \u03b5", x_at(t).c_str(), a, b);
      if (point.valid && point.has_eps)
        f.point = format("#%d:  %s = %.4f \u00b7 %s + %.4f \u00b7 %s", point.index, vec(point.position).c_str(), a,
                         vec(point.origin).c_str(), b, vec(point.eps).c_str());
      f.note = t == 0 ? tr("t = 0: the clean data.") : "";
      if (t == m.schedule.timesteps()) f.note = prior_note(prior_kl(), false);
    } else {
      // Ho et al. 2020, Eq. (2): one step of the chain.
      f.title = tr("Forward, one step of the chain q(x\u209c | x\u209c\u208b\u2081) (Ho et al. 2020, Eq. 2)");
      f.equation = "x\u209c = \u221a(1 \u2212 \u03b2\u209c) \u00b7 x\u209c\u208b\u2081 + \u221a\u03b2\u209c \u00b7 \u03b5,   \u03b5 ~ N(0, I)";
      if (t >= 1) {
        const double a = std::sqrt(1 - m.schedule.beta(t)), b = std::sqrt(m.schedule.beta(t));
        f.numbers = format("%s = %.5f \u00b7 %s + %.5f \u00b7 \u03b5", x_at(t).c_str(), a, x_at(t - 1).c_str(), b);
        if (point.valid && point.path.size() >= 4) {
          const float previous[2] = {point.path[point.path.size() - 4], point.path[point.path.size() - 3]};
          // The noise of this step, recovered from the two positions.
          const float eps[2] = {static_cast<float>((point.position[0] - a * previous[0]) / b),
                                static_cast<float>((point.position[1] - a * previous[1]) / b)};
          f.point = format("#%d:  %s = %.5f \u00b7 %s + %.5f \u00b7 %s", point.index, vec(point.position).c_str(), a,
                           vec(previous).c_str(), b, vec(eps).c_str());
        }
        f.note = tr("After t steps the chain has the same distribution as the closed form: compare the statistics.");
        if (t == m.schedule.timesteps()) f.note += " " + prior_note(prior_kl(), false);
      } else {
        f.note = tr("t = 0: the clean data.");
      }
    }
    return f;
  }

  // Reverse: the step from the frame shown to the next one.
  const StepInfo info = step_info();
  const SamplerKind kind = m.sampler.kind;
  // Numbered as the timeline's counter (timeline.h: step k = k steps taken): the update from step k to k + 1.
  f.title = format_text(tr("Reverse: %s, step %d / %d \u2192 %d"), tr(to_label(kind)), info.step, info.num_steps,
                        info.step + 1);
  if (!info.has_next) {
    f.title = format_text(tr("Reverse: %s, done"), tr(to_label(kind)));
    f.equation = format_text(tr("x\u2080 reached after %d steps and %d network evaluations."), info.num_steps, info.nfe);
    f.note = end_of_run_note(stats(true), m.sampler,
                             m.sampling_model && m.sampling_model->source == ModelSource::Empirical);
    // A network being trained here: which snapshot this run used (a run keeps the one it started with).
    if (m.model_source == ModelSource::Live && m.sampling_model && m.sampling_model->training_step >= 0)
      f.note = format_text(tr("This run used the network as trained for %lld steps (latest snapshot: %lld)."),
                           static_cast<long long>(m.sampling_model->training_step),
                           static_cast<long long>(latest_snapshot_step())) +
               " " + f.note;
    return f;
  }
  const int t = info.t, t_next = info.next_t;
  const double abar = info.alpha_bar, abar_next = info.alpha_bar_next;
  const std::string xt = x_at(t), xn = x_at(t_next);
  f.terms = {{"t", t}, {"t\u2032", t_next}, {"\u1fb1\u209c", abar}, {"\u1fb1\u209c\u2032", abar_next}};
  const bool has_point = point.valid && point.has_prediction;
  const std::string p_x = has_point ? vec(point.position) : "", p_eps = has_point ? vec(point.eps_hat) : "",
                    p_x0 = has_point ? vec(point.x0_hat) : "", p_next = point.valid && point.has_next ? vec(point.next) : "?";
  const bool last = t_next == 0;

  switch (kind) {
    case SamplerKind::Ddpm: {
      // Ho et al. 2020, Alg. 2 / Eq. (11): mu = (x_t - beta/sqrt(1 - abar) eps)/sqrt(alpha); + sigma z. The
      // coefficients are the sampler's own (core/step_coefficients.h).
      const DdpmStep step = ddpm_step(abar, abar_next, m.sampler.variance);
      const double beta = step.beta, beta_tilde = step.beta_tilde;
      const char* variance = "";
      switch (m.sampler.variance) {
        case VarianceKind::BetaTilde: variance = "\u03c3 = \u221a\u03b2\u0303"; break;
        case VarianceKind::Beta: variance = "\u03c3 = \u221a\u03b2"; break;
        case VarianceKind::Zero: variance = tr("\u03c3 = 0 (no noise)"); break;
        case VarianceKind::VarianceAsStd: variance = tr("\u03c3 = \u03b2\u0303 (mistake: should be \u221a\u03b2\u0303)"); break;
      }
      const double sigma = last ? 0.0 : step.sigma;
      const double c_x = 1 / std::sqrt(step.alpha), c_eps = step.c_eps;
      f.title += "  (Ho et al. 2020, Alg. 2)";
      f.equation = xn + " = 1/\u221a\u03b1\u209c \u00b7 (" + xt + " \u2212 \u03b2\u209c/\u221a(1\u2212\u1fb1\u209c) \u00b7 \u03b5\u0302) + \u03c3\u209c z,   " + variance;
      f.numbers = format("%s = %.5f \u00b7 (%s \u2212 %.5f \u00b7 \u03b5\u0302) + %.5f \u00b7 z", xn.c_str(), c_x, xt.c_str(),
                         c_eps, sigma);
      if (has_point) {
        const std::string z =
            drawn_noise(point, sigma, [&](int i) { return c_x * (point.position[i] - c_eps * point.eps_hat[i]); });
        f.point = format("#%d:  %s = %.4f \u00b7 (%s \u2212 %.4f \u00b7 %s) + %.4f \u00b7 %s", point.index,
                         p_next.c_str(), c_x, p_x.c_str(), c_eps, p_eps.c_str(), sigma, z.c_str());
      }
      f.terms.push_back({tr("\u03b2 (effective)"), beta});
      f.terms.push_back({"\u03b2\u0303", beta_tilde});
      f.terms.push_back({"\u03c3", sigma});
      if (last) f.note = tr("The last step adds no noise (z = 0).");
      else if (m.sampler.variance == VarianceKind::VarianceAsStd)
        f.note = tr("Teaching mistake: z is multiplied by the variance \u03b2\u0303 instead of its square root, so too "
                    "little noise is added and the samples collapse towards the modes.");
      else if (m.sampler.variance == VarianceKind::Zero)
        f.note = tr("Without noise every trajectory follows the mean: samples shrink onto a few points (seed 004).");
      break;
    }
    case SamplerKind::Ddim: {
      // Song et al. 2021, Eq. (12) with sigma of Eq. (16).
      const double eta = m.sampler.effective_eta();
      const DdimStep step = ddim_step(abar, abar_next, eta);  // the sampler's coefficients
      const double sigma = step.sigma, c_x0 = step.c_x0, c_eps = step.c_eps;
      f.title += "  (Song et al. 2021, Eq. 12)";
      f.equation = xn + " = \u221a\u1fb1\u209c\u2032 \u00b7 x\u0302\u2080 + \u221a(1\u2212\u1fb1\u209c\u2032\u2212\u03c3\u00b2) \u00b7 \u03b5\u0302 + \u03c3 z,   x\u0302\u2080 = (" +
                   xt + " \u2212 \u221a(1\u2212\u1fb1\u209c) \u03b5\u0302)/\u221a\u1fb1\u209c";
      f.numbers = format("%s = %.4f \u00b7 x\u0302\u2080 + %.4f \u00b7 \u03b5\u0302 + %.4f \u00b7 z   (\u03b7 = %.2f)", xn.c_str(), c_x0,
                         c_eps, sigma, eta);
      if (has_point) {
        const std::string z =
            drawn_noise(point, sigma, [&](int i) { return c_x0 * point.x0_hat[i] + c_eps * point.eps_hat[i]; });
        f.point = format("#%d:  %s = %.4f \u00b7 %s + %.4f \u00b7 %s + %.4f \u00b7 %s", point.index, p_next.c_str(),
                         c_x0, p_x0.c_str(), c_eps, p_eps.c_str(), sigma, z.c_str());
      }
      f.terms.push_back({"\u03c3", sigma});
      f.note = eta == 0 ? tr("\u03b7 = 0: deterministic; the same x_T always gives the same x\u2080.")
                        : (eta == 1 ? tr("\u03b7 = 1: the same distribution of steps as DDPM with \u03b2\u0303.") : "");
      break;
    }
    case SamplerKind::Euler:
    case SamplerKind::Heun:
    case SamplerKind::EulerAncestral:
    case SamplerKind::DpmSolverPP2M:
    case SamplerKind::Lms:
    case SamplerKind::DpmSolverPP2MSde: {
      // Sigma form (Karras et al. 2022): x~ = x/sqrt(abar), sigma = sqrt((1 - abar)/abar), d = eps_hat.
      const double sigma = ve_sigma(abar), sigma_next = ve_sigma(abar_next);
      f.terms.push_back({"\u03c3", sigma});
      f.terms.push_back({"\u03c3\u2032", sigma_next});
      const std::string scaled = "x\u0303 = x/\u221a\u1fb1,  \u03c3 = \u221a((1\u2212\u1fb1)/\u1fb1)";
      if (kind == SamplerKind::Euler || kind == SamplerKind::Heun) {
        f.title += kind == SamplerKind::Euler ? "  (Karras et al. 2022, Eq. 5)" : "  (Karras et al. 2022, Alg. 1)";
        f.equation = "x\u0303\u2032 = x\u0303 + (\u03c3\u2032 \u2212 \u03c3) \u00b7 \u03b5\u0302,   " + scaled;
        f.numbers = format("x\u0303\u2032 = x\u0303 + (%.4f \u2212 %.4f) \u00b7 \u03b5\u0302", sigma_next, sigma);
        if (kind == SamplerKind::Heun)
          f.note = last ? tr("Last step: plain Euler (one evaluation).")
                        : tr("Heun: an Euler step predicts x\u0303\u2032, then \u03b5\u0302 is averaged over both ends (two "
                             "evaluations).");
        else
          f.note = tr("Euler in \u03c3 form is the same update as DDIM with \u03b7 = 0.");
      } else if (kind == SamplerKind::EulerAncestral) {
        const double eta = m.sampler.effective_eta();
        const AncestralStep step = ancestral_step(sigma, sigma_next, last ? 0.0 : eta);  // the sampler's
        const double up = step.sigma_up, down = step.sigma_down;
        f.title += std::string("  ") + tr("(k-diffusion, ancestral)");
        f.equation = "x\u0303\u2032 = x\u0303 + (\u03c3_down \u2212 \u03c3) \u00b7 \u03b5\u0302 + \u03c3_up z,   " + scaled;
        f.numbers = format("x\u0303\u2032 = x\u0303 + (%.4f \u2212 %.4f) \u00b7 \u03b5\u0302 + %.4f \u00b7 z   (\u03b7 = %.2f)", down, sigma,
                           up, eta);
        f.terms.push_back({"\u03c3_up", up});
        f.terms.push_back({"\u03c3_down", down});
      } else if (kind == SamplerKind::Lms) {
        // k-diffusion sample_lms: Adams-Bashforth in sigma over the last (up to 4) slopes.
        f.title += std::string("  ") + tr("(k-diffusion, linear multistep)");
        f.equation = tr("x\u0303\u2032 = x\u0303 + \u03a3\u2c7c c\u2c7c \u00b7 \u03b5\u0302\u2c7c,   c\u2c7c = "
                        "\u222b of the polynomial through the last 4 \u03b5\u0302 from \u03c3 to \u03c3\u2032");
        f.numbers = format("x\u0303\u2032 = x\u0303 + (%.4f \u2212 %.4f) \u00b7 \u03b5\u0302 + \u2026", sigma_next, sigma);
        f.note = tr("The first steps have fewer earlier slopes: step 1 is an Euler step, step 4 on use all four.");
      } else if (kind == SamplerKind::DpmSolverPP2MSde) {
        const double eta = m.sampler.effective_eta();
        const double h = sigma_next > 0 ? std::log(sigma / sigma_next) : INFINITY;
        const double noise = std::isfinite(h) ? sigma_next * std::sqrt(-std::expm1(-2 * eta * h)) : 0.0;
        f.title += "  (Lu et al. 2022, DPM-Solver++ 2M SDE)";
        f.equation = tr("x\u0303\u2032 = (\u03c3\u2032/\u03c3) e\u207b\u03b7\u02b0 \u00b7 x\u0303 + (1 \u2212 "
                        "e\u207b\u207d\u00b9\u207a\u03b7\u207e\u02b0) \u00b7 D + \u03c3\u2032 \u221a(1 \u2212 "
                        "e\u207b\u00b2\u03b7\u02b0) z,   D = x\u0302\u2080 with a 2nd-order correction");
        f.numbers = format("x\u0303\u2032 = %.4f \u00b7 x\u0303 + %.4f \u00b7 D + %.4f \u00b7 z   (h = %.4f, \u03b7 = %.2f)",
                           std::isfinite(h) ? std::exp(-(1 + eta) * h) : 0.0,
                           std::isfinite(h) ? -std::expm1(-(1 + eta) * h) : 1.0, noise, h, eta);
        f.terms.push_back({"h", h});
      } else {
        const double h = sigma_next > 0 ? std::log(sigma / sigma_next) : INFINITY;
        f.title += "  (Lu et al. 2022, DPM-Solver++ 2M)";
        f.equation = tr("x\u0303\u2032 = (\u03c3\u2032/\u03c3) \u00b7 x\u0303 + (1 \u2212 e\u207b\u02b0) \u00b7 D,   h = "
                        "log(\u03c3/\u03c3\u2032),  D = x\u0302\u2080 with a 2nd-order correction from the previous step");
        f.numbers = format("x\u0303\u2032 = %.4f \u00b7 x\u0303 + %.4f \u00b7 D   (h = %.4f)", sigma_next / sigma,
                           std::isfinite(h) ? 1 - std::exp(-h) : 1.0, h);
        f.terms.push_back({"h", h});
      }
      if (has_point) f.point = format("#%d:  x = %s,  \u03b5\u0302 = %s,  x\u0302\u2080 = %s  \u2192  %s", point.index, p_x.c_str(),
                                      p_eps.c_str(), p_x0.c_str(), p_next.c_str());
      // Multistep solvers extrapolate from the previous step with weight ~ h/(2 h_prev) (Lu et al. 2022,
      // Alg. 2): a spacing whose steps grow fast in log sigma makes them overshoot (core/sampling_plan.h).
      const double ratio = max_log_sigma_step_ratio(m.plan);
      if (kind != SamplerKind::Euler && kind != SamplerKind::EulerAncestral && ratio > kLargeStepRatio) {
        const std::string warning =
            format_text(tr("Warning: with this spacing one step is %.1f times longer in log \u03c3 than the step "
                           "before it, and the correction from the previous step overshoots (clusters come out "
                           "too narrow). Karras spacing keeps the steps even."),
                        ratio);
        f.note = f.note.empty() ? warning : f.note + " " + warning;
      }
      break;
    }
  }
  if (!has_point && f.point.empty()) f.point = "";
  // The first step starts at t = T: say whether x_T is what the sampler assumes.
  if (info.step == 0) {
    const std::string prior = prior_note(prior_kl(), true);
    f.note = f.note.empty() ? prior : prior + " " + f.note;
  }
  return f;
}

}  // namespace dlab::gui
