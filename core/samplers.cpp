#include "core/samplers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/seed_streams.h"
#include "core/step_coefficients.h"

namespace dlab {
namespace {

std::string shape_of(const torch::Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void validate(const NoiseSchedule& schedule, const SamplerConfig& config) {
  const int T = schedule.timesteps();
  if (config.steps < 0 || config.steps > T)
    throw std::invalid_argument("steps K = " + std::to_string(config.steps) + " must lie between 1 and T = " +
                                std::to_string(T) + " (or 0 for every step of the schedule)");
  if (!std::isfinite(config.eta) || config.eta < 0.0 || config.eta > 1.0)
    throw std::invalid_argument("eta = " + std::to_string(config.eta) +
                                " must lie in [0, 1] (0: deterministic, 1: as much noise as DDPM)");
}

// The timesteps visited and abar at each, from the one shared plan (core/sampling_plan.h).
using Plan = SamplingPlan;

Plan make_plan(const NoiseSchedule& schedule, const SamplerConfig& config) {
  validate(schedule, config);
  return make_sampling_plan(schedule, config.steps, config.spacing);
}

}  // namespace

int expected_nfe(const NoiseSchedule& schedule, const SamplerConfig& config) {
  const int K = make_plan(schedule, config).size();
  return config.kind == SamplerKind::Heun ? 2 * K - 1
                                          : K;  // Karras et al. 2022, Alg. 1: no correction at sigma = 0
}

SampleResult sample(const NoiseSchedule& schedule, const Denoiser& denoiser, const torch::Tensor& x_T,
                    const SamplerConfig& config, const StepObserver& observer,
                    const std::atomic<bool>* cancel) {
  if (!denoiser) throw std::invalid_argument("sample: no denoiser given");
  if (!x_T.defined() || x_T.numel() == 0 || !x_T.is_floating_point())
    throw std::invalid_argument("sample: x_T must be a non-empty floating-point tensor");
  const Plan plan = make_plan(schedule, config);
  const int K = plan.size();
  torch::NoGradGuard no_grad;
  Rng rng(config.seed);
  SampleResult result;

  // One network evaluation, converted to (eps_hat, x0_hat). With clipping, eps_hat is re-derived from the
  // clipped x0_hat so that x_t = sqrt(abar) x0_hat + sqrt(1 - abar) eps_hat still holds (as
  // improved-diffusion's DDIM does; the sigma-form samplers get this for free from d = (x~ - D)/sigma).
  auto evaluate = [&](const torch::Tensor& x, int t, double alpha_bar) {
    const auto output = denoiser(x, t, alpha_bar);
    ++result.nfe;
    if (!output.defined() || output.sizes() != x.sizes())
      throw std::invalid_argument("sample: the denoiser returned shape " +
                                  (output.defined() ? shape_of(output) : std::string("(undefined)")) +
                                  " for x_t of shape " + shape_of(x) + " at t = " + std::to_string(t));
    auto pred = to_eps_and_x0(config.prediction, output.to(x.scalar_type()), x, alpha_bar);
    if (config.clip_x0) {
      pred.x0 = pred.x0.clamp(-1.0, 1.0);
      pred.eps = eps_from_x0(x, pred.x0, alpha_bar);
    }
    return pred;
  };
  auto noise_like = [&](const torch::Tensor& x) {
    return rng.normal(x.sizes(), x.device()).to(x.scalar_type());
  };

  torch::Tensor x = x_T;
  torch::Tensor previous_x0;  // DPM-Solver++(2M) and its SDE: the denoised value of the previous step
  double previous_sigma = 0.0;
  // LMS: the sigmas in the order they are visited (sigma_{t_K}, ..., sigma_{t_1}, 0) and the last slopes d.
  constexpr int kLmsOrder = 4;
  std::vector<double> run_sigmas;
  for (int i = K; i >= 1; --i) run_sigmas.push_back(ve_sigma(plan.alpha_bars[i]));
  run_sigmas.push_back(0.0);
  std::vector<torch::Tensor> slopes;  // d of the last kLmsOrder steps, oldest first
  for (int i = K; i >= 1; --i) {
    if (cancel && cancel->load()) {
      result.cancelled = true;
      break;
    }
    const int step = K - i + 1;
    const int t = plan.timesteps[i - 1];
    const int t_prev = i > 1 ? plan.timesteps[i - 2] : 0;
    const double ab = plan.alpha_bars[i], ab_prev = plan.alpha_bars[i - 1];
    const bool last = (i == 1);
    const auto pred = evaluate(x, t, ab);
    torch::Tensor x_prev;

    switch (config.kind) {
      case SamplerKind::Ddpm: {
        // Posterior mean and variance of the (respaced) step (core/step_coefficients.h): x_{t-1} = mu + sigma z
        // (Ho et al. 2020, Alg. 2), z = 0 at the last step.
        const DdpmStep c = ddpm_step(ab, ab_prev, config.variance);
        x_prev = c.c_x0 * pred.x0 + c.c_xt * x;
        if (!last && config.variance != VarianceKind::Zero) x_prev = x_prev + c.sigma * noise_like(x);
        break;
      }
      case SamplerKind::Ddim: {
        // Song et al. 2021, Eq. (12): x_prev = sqrt(abar_prev) x0_hat + sqrt(1 - abar_prev - sigma^2) eps_hat
        // + sigma z.
        const DdimStep c = ddim_step(ab, ab_prev, config.eta);
        x_prev = c.c_x0 * pred.x0 + c.c_eps * pred.eps;
        if (!last && config.eta > 0.0) x_prev = x_prev + c.sigma * noise_like(x);
        break;
      }
      case SamplerKind::Euler:
      case SamplerKind::Heun:
      case SamplerKind::EulerAncestral:
      case SamplerKind::DpmSolverPP2M:
      case SamplerKind::Lms:
      case SamplerKind::DpmSolverPP2MSde: {
        // Sigma form (Karras et al. 2022, section 2): x~ = x/sqrt(abar), D = x0_hat, d = (x~ - D)/sigma =
        // eps_hat. Each update is written with x~ = D + sigma d substituted, so that no term of size sigma
        // |x~| appears: at abar_T ~ 1e-9 (cosine) sigma is 2e4 and x~ itself would cost float32 three digits.
        const double sigma = ve_sigma(ab), sigma_next = last ? 0.0 : ve_sigma(ab_prev);
        const auto& D = pred.x0;
        const auto& d = pred.eps;
        torch::Tensor xs_next;
        if (config.kind == SamplerKind::Euler) {
          // x~ + (sigma_next - sigma) d = D + sigma_next d (Karras et al. 2022, Alg. 1 line 5)
          xs_next = D + sigma_next * d;
        } else if (config.kind == SamplerKind::Heun) {
          xs_next = D + sigma_next * d;  // Euler predictor
          if (!last) {
            // Trapezoidal correction (Karras et al. 2022, Alg. 1 lines 7-8): x~ + (sigma_next - sigma)(d +
            // d')/2 = D + sigma_next (d + d')/2 + sigma (d - d')/2.
            const auto d_next = evaluate(xs_next * std::sqrt(ab_prev), t_prev, ab_prev).eps;
            xs_next = D + (0.5 * sigma_next) * (d + d_next) + (0.5 * sigma) * (d - d_next);
          }
        } else if (config.kind == SamplerKind::EulerAncestral) {
          // sigma_up = min(sigma_next, eta sqrt(sigma_next^2 (sigma^2 - sigma_next^2)/sigma^2)),
          // sigma_down = sqrt(sigma_next^2 - sigma_up^2) (k-diffusion get_ancestral_step);
          // x~ + (sigma_down - sigma) d + sigma_up z = D + sigma_down d + sigma_up z.
          const AncestralStep c = ancestral_step(sigma, sigma_next, last ? 0.0 : config.eta);
          xs_next = D + c.sigma_down * d;
          if (!last && config.eta > 0.0) xs_next = xs_next + c.sigma_up * noise_like(x);
        } else if (config.kind == SamplerKind::Lms) {
          // Linear multistep of order min(step, 4) in sigma (k-diffusion sample_lms): x~_next = x~ + sum_j c_j
          // d_{i-j}; with x~ = D + sigma d and sum_j c_j = sigma_next - sigma:
          // x~_next = D + sigma_next d + sum_j c_j (d_{i-j} - d).
          slopes.push_back(d);
          if (static_cast<int>(slopes.size()) > kLmsOrder) slopes.erase(slopes.begin());
          const int order = static_cast<int>(slopes.size());
          xs_next = D + sigma_next * d;
          for (int j = 1; j < order; ++j)
            xs_next = xs_next + lms_coefficient(run_sigmas.data(), step - 1, j, order) *
                                    (slopes[order - 1 - j] - d);
        } else if (config.kind == SamplerKind::DpmSolverPP2MSde) {
          // DPM-Solver++(2M) SDE, midpoint form (Lu et al. 2022, section 4 and Alg. 2 with the SDE step of
          // k-diffusion sample_dpmpp_2m_sde), h = log(sigma/sigma_next):
          // x~_next = (sigma_next/sigma) e^(-eta h) x~ + (1 - e^(-(1+eta)h)) D
          //           + (1 - e^(-(1+eta)h))/(2r) (D - D_prev) + sigma_next sqrt(1 - e^(-2 eta h)) z;
          // with x~ = D + sigma d the first two terms are D + sigma_next e^(-eta h) d. eta = 0 is DPM-Solver++(2M).
          if (last) {
            xs_next = D;
          } else {
            const double h = std::log(sigma / sigma_next), eta_h = config.eta * h;
            xs_next = D + (sigma_next * std::exp(-eta_h)) * d;
            if (previous_x0.defined()) {
              const double r = std::log(previous_sigma / sigma) / h;
              xs_next = xs_next + (-0.5 * std::expm1(-h - eta_h) / r) * (D - previous_x0);
            }
            if (config.eta > 0.0)
              xs_next = xs_next + (sigma_next * std::sqrt(-std::expm1(-2.0 * eta_h))) * noise_like(x);
          }
          previous_x0 = D;
          previous_sigma = sigma;
        } else {
          // DPM-Solver++(2M) (Lu et al. 2022, Alg. 2) with lambda = -log sigma, h = log(sigma/sigma_next):
          // x~_next = (sigma_next/sigma) x~ - expm1(-h) D', D' = (1 + 1/(2r)) D - 1/(2r) D_prev, r =
          // h_prev/h; with x~ = D + sigma d: x~_next = sigma_next d + (sigma_next/sigma) D - expm1(-h) D'.
          if (last) {
            xs_next = D;  // sigma_next = 0: exp(-h) = 0
          } else {
            const double h = std::log(sigma / sigma_next);
            auto denoised = D;
            if (previous_x0.defined()) {
              const double r = std::log(previous_sigma / sigma) / h;  // h_last / h
              denoised = (1.0 + 1.0 / (2.0 * r)) * D - (1.0 / (2.0 * r)) * previous_x0;
            }
            xs_next = sigma_next * d + (sigma_next / sigma) * D - std::expm1(-h) * denoised;
          }
          previous_x0 = D;
          previous_sigma = sigma;
        }
        x_prev = last ? xs_next : xs_next * std::sqrt(ab_prev);  // back to the DDPM scale x = sqrt(abar) x~
        break;
      }
    }

    if (observer) {
      SamplerStep s;
      s.step = step;
      s.num_steps = K;
      s.t = t;
      s.t_prev = t_prev;
      s.alpha_bar = ab;
      s.alpha_bar_prev = ab_prev;
      s.x_t = x;
      s.eps_hat = pred.eps;
      s.x0_hat = pred.x0;
      s.x_prev = x_prev;
      s.nfe = result.nfe;
      observer(s);
    }
    x = x_prev;
    result.steps_done = step;
  }
  result.x0 = x;
  return result;
}

ReverseStart reverse_start(std::int64_t n, std::int64_t dims, std::uint64_t seed) {
  Rng start(derived_seed(seed, SeedStream::StartingNoise));
  return {start.normal({n, dims}), derived_seed(seed, SeedStream::SamplerNoise)};
}

}  // namespace dlab
