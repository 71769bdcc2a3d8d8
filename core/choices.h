// Every choice core offers, as an enum with its one name table (core/names.h), shared by the app's
// widgets, the command line, scripts, scene files and checkpoints. Torch-free on purpose: the app's
// ImGui and GL files include it directly.
#pragma once

#include "core/names.h"

namespace dlab {

// The toy 2D data sets of REFERENCE.md section 9 (core/datasets2d.h draws them), and the codes of
// Fashion-MNIST under the shipped two-dimensional VAE (core/latent_diffusion.h).
enum class Dataset2D {
  Gmm8, Gmm25, Moons, Checkerboard, Swissroll, Rings, Pinwheel, TwoSpirals, Circle, Line, FashionMnistLatent
};

template <>
struct EnumNames<Dataset2D> {
  static constexpr std::array<EnumEntry<Dataset2D>, 11> entries{{
      {Dataset2D::Gmm8, "gmm8", "8 Gaussians"},
      {Dataset2D::Gmm25, "gmm25", "25 Gaussians"},
      {Dataset2D::Moons, "moons", "Two moons"},
      {Dataset2D::Checkerboard, "checkerboard", "Checkerboard"},
      {Dataset2D::Swissroll, "swissroll", "Swiss roll"},
      {Dataset2D::Rings, "rings", "Rings"},
      {Dataset2D::Pinwheel, "pinwheel", "Pinwheel"},
      {Dataset2D::TwoSpirals, "2spirals", "Two spirals"},
      {Dataset2D::Circle, "circle", "Circle"},
      {Dataset2D::Line, "line", "Line"},
      {Dataset2D::FashionMnistLatent, "fashion-mnist-latent", "Fashion-MNIST latent codes (VAE)"},
  }};
};

// How x_t is drawn (core/forward_process.h).
enum class ForwardMode { ClosedForm, Chain };

template <>
struct EnumNames<ForwardMode> {
  static constexpr std::array<EnumEntry<ForwardMode>, 2> entries{{
      {ForwardMode::ClosedForm, "closed", "Closed form q(x_t | x_0)"},
      {ForwardMode::Chain, "chain", "Step by step q(x_t | x_{t-1})"},
  }};
};

// What a network's output means (core/parameterization.h).
enum class Prediction { Eps, X0, V };

template <>
struct EnumNames<Prediction> {
  static constexpr std::array<EnumEntry<Prediction>, 3> entries{{
      {Prediction::Eps, "eps", "Noise eps"},
      {Prediction::X0, "x0", "Clean data x0"},
      {Prediction::V, "v", "Velocity v"},
  }};
};

// The reverse-process samplers (core/samplers.h).
enum class SamplerKind { Ddpm, Ddim, Euler, Heun, EulerAncestral, DpmSolverPP2M, Lms, DpmSolverPP2MSde };

template <>
struct EnumNames<SamplerKind> {
  static constexpr std::array<EnumEntry<SamplerKind>, 8> entries{{
      {SamplerKind::Ddpm, "ddpm", "DDPM (ancestral)"},
      {SamplerKind::Ddim, "ddim", "DDIM"},
      {SamplerKind::Euler, "euler", "Euler"},
      {SamplerKind::Heun, "heun", "Heun"},
      {SamplerKind::EulerAncestral, "euler-a", "Euler ancestral"},
      {SamplerKind::DpmSolverPP2M, "dpmpp-2m", "DPM-Solver++(2M)"},
      {SamplerKind::Lms, "lms", "LMS (order 4)"},
      {SamplerKind::DpmSolverPP2MSde, "dpmpp-2m-sde", "DPM-Solver++(2M) SDE"},
  }};
};

// How K < T sampler steps are placed on the base schedule's timesteps 1..T (core/schedule.h respace,
// core/sampling_plan.h). The first three place timesteps (Nichol & Dhariwal 2021, section 4; Song et al.
// 2021); karras and exponential place sigmas between the schedule's smallest and largest sigma and map each
// to the timestep whose sigma is nearest in log sigma (sigma_spaced_timesteps).
enum class Spacing { Linspace, Leading, Trailing, Karras, Exponential };

template <>
struct EnumNames<Spacing> {
  static constexpr std::array<EnumEntry<Spacing>, 5> entries{{
      {Spacing::Linspace, "linspace", "Linspace"},
      {Spacing::Leading, "leading", "Leading"},
      {Spacing::Trailing, "trailing", "Trailing"},
      {Spacing::Karras, "karras", "Karras (rho = 7)"},
      {Spacing::Exponential, "exponential", "Exponential (uniform in log sigma)"},
  }};
};

constexpr bool spacing_uses_sigmas(Spacing s) { return s == Spacing::Karras || s == Spacing::Exponential; }

// The variance sigma_t^2 of the DDPM ancestral step x_{t-1} = mu + sigma_t z (Ho et al. 2020, section 3.2).
enum class VarianceKind { BetaTilde, Beta, Zero, VarianceAsStd };

template <>
struct EnumNames<VarianceKind> {
  static constexpr std::array<EnumEntry<VarianceKind>, 4> entries{{
      // Labels in UTF-8 for the app (beta, sigma, subscript t); ImGui's combo boxes cannot stack a
      // combining tilde, so beta~_t is named by what it is.
      {VarianceKind::BetaTilde, "beta-tilde", "Posterior (fixed small)"},
      {VarianceKind::Beta, "beta", "\u03b2\u209c (fixed large)"},
      {VarianceKind::Zero, "zero", "No noise (\u03c3\u209c = 0)"},
      // The error in seed note 003: z multiplied by the variance beta~_t instead of its square root.
      {VarianceKind::VarianceAsStd, "variance-as-std", "Mistake: variance used as std"},
  }};
};

// The noise scale eta a sampler uses unless the user sets one: DDIM is deterministic (Song et al. 2021,
// eta = 0), Euler ancestral and DPM-Solver++(2M) SDE add full noise (k-diffusion, eta = 1); the others
// ignore eta.
constexpr double default_eta(SamplerKind kind) {
  return kind == SamplerKind::EulerAncestral || kind == SamplerKind::DpmSolverPP2MSde ? 1.0 : 0.0;
}
constexpr bool sampler_uses_eta(SamplerKind kind) {
  return kind == SamplerKind::Ddim || kind == SamplerKind::EulerAncestral || kind == SamplerKind::DpmSolverPP2MSde;
}

// The spacing and step count each sampler gets unless the user sets them, chosen from the energy distances
// of `dlab bench-nfe` with the exact gmm8 oracle under the linear schedule at T = 1000 (README "Quality
// against NFE"). There Karras sigmas (rho = 7, 157 down to 0.01) spend most steps below sigma = 0.4, finer
// than 2D clusters of std 0.2 need, and leave few where the clusters form (sigma 0.3-3): DPM-Solver++(2M)
// and its SDE do best with exponential spacing; Heun, LMS, DDIM and Euler with linspace.
constexpr Spacing default_spacing(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::DpmSolverPP2M:
    case SamplerKind::DpmSolverPP2MSde:
      return Spacing::Exponential;
    default:
      return Spacing::Linspace;
  }
}
constexpr int default_steps(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::Ddpm:
    case SamplerKind::EulerAncestral:
      return 100;
    case SamplerKind::Ddim:
    case SamplerKind::Euler:
      return 50;
    case SamplerKind::Heun:
      return 25;  // 49 network evaluations
    case SamplerKind::Lms:
    case SamplerKind::DpmSolverPP2M:
      return 20;
    case SamplerKind::DpmSolverPP2MSde:
      return 30;
  }
  return 50;
}
constexpr bool sampler_uses_variance(SamplerKind kind) { return kind == SamplerKind::Ddpm; }

}  // namespace dlab
