#include "core/samplers.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <vector>

#include "core/metrics.h"
#include "core/oracles.h"
#include "core/rng.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;

// gmm8 of REFERENCE.md section 9, built here so these tests do not depend on the datasets module.
GaussianMixture gmm8() {
  std::vector<float> centres;
  for (int k = 0; k < 8; ++k) {
    centres.push_back(static_cast<float>(2.0 * std::cos(k * kPi / 4)));
    centres.push_back(static_cast<float>(2.0 * std::sin(k * kPi / 4)));
  }
  return {torch::tensor(centres).reshape({8, 2}), torch::full({8}, 0.2f), torch::full({8}, 1.0f / 8)};
}

Denoiser oracle_eps(const GaussianMixture& m) {
  return [m](const torch::Tensor& x, int, double ab) { return mixture_eps(m, x, ab); };
}

NoiseSchedule linear_1000() {
  return NoiseSchedule();
}

// Per-cluster statistics of points assigned to their nearest centre.
struct ClusterStats {
  std::vector<double> weight;      // fraction of points
  std::vector<double> mean_error;  // |cluster mean - centre|
  std::vector<double> spread;      // per-coordinate std around the centre: sqrt(mean |x - c|^2 / D)
  std::vector<double> within;      // per-coordinate std around the cluster's own mean
};

ClusterStats cluster_stats(const torch::Tensor& points, const torch::Tensor& centres) {
  const auto p = points.to(torch::kDouble), c = centres.to(torch::kDouble);
  const auto nearest = torch::cdist(p, c).argmin(1);
  ClusterStats s;
  for (int64_t k = 0; k < c.size(0); ++k) {
    const auto mask = nearest.eq(k);
    const auto members = p.index({mask});
    const auto n = members.size(0);
    s.weight.push_back(static_cast<double>(n) / p.size(0));
    if (n == 0) {
      s.mean_error.push_back(1e9);
      s.spread.push_back(0.0);
      s.within.push_back(0.0);
      continue;
    }
    s.mean_error.push_back((members.mean(0) - c[k]).norm().item<double>());
    s.spread.push_back(std::sqrt((members - c[k]).pow(2).sum(1).mean().item<double>() / p.size(1)));
    s.within.push_back(
        std::sqrt((members - members.mean(0)).pow(2).sum(1).mean().item<double>() / p.size(1)));
  }
  return s;
}

double average(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / v.size();
}
double mean_spread(const ClusterStats& s) {
  return average(s.spread);
}

// ---- Golden numbers: diffusers' DDIM scheduler test (REFERENCE.md section 8) ------------------------------

SampleResult run_ddim_golden(Prediction prediction, std::vector<int>* seen_t = nullptr) {
  SamplerConfig c;
  c.kind = SamplerKind::Ddim;
  c.steps = 10;
  c.spacing = Spacing::Leading;
  c.clip_x0 = true;
  c.eta = 0.0;
  c.prediction = prediction;
  const auto x = torch::arange(768, torch::kFloat).reshape({1, 768}) / 768.0;
  // diffusers' dummy model eps(x, t) = x t/(t + 1) with its 0-based t = our t - 1.
  Denoiser model = [](const torch::Tensor& x_t, int t, double) {
    const double td = t - 1;
    return x_t * (td / (td + 1.0));
  };
  StepObserver obs = [seen_t](const SamplerStep& s) {
    if (seen_t) seen_t->push_back(s.t);
  };
  return sample(linear_1000(), model, x, c, obs);
}

TEST(Samplers, DdimGoldenNumbersEps) {
  std::vector<int> seen;
  const auto r = run_ddim_golden(Prediction::Eps, &seen);
  EXPECT_EQ(seen, (std::vector<int>{901, 801, 701, 601, 501, 401, 301, 201, 101, 1}));  // diffusers 900..0
  EXPECT_EQ(r.nfe, 10);
  EXPECT_NEAR(r.x0.abs().sum().item<double>(), 172.0067, 1e-3);
  EXPECT_NEAR(r.x0.abs().mean().item<double>(), 0.223967, 1e-5);
}

TEST(Samplers, DdimGoldenNumbersV) {
  const auto r = run_ddim_golden(Prediction::V);
  EXPECT_NEAR(r.x0.abs().sum().item<double>(), 52.5302, 1e-3);
  EXPECT_NEAR(r.x0.abs().mean().item<double>(), 0.0684, 1e-4);
}

TEST(Samplers, DdimVarianceGoldenNumbers) {
  // diffusers' _get_variance(t, prev) with 0-based indices; ours are +1. Its variance is sigma(eta = 1)^2.
  const NoiseSchedule s = linear_1000();
  auto var = [&](int t0, int p0) {
    const double sig = ddim_sigma(s.alpha_bar(t0 + 1), s.alpha_bar(p0 + 1), 1.0);
    return sig * sig;
  };
  EXPECT_NEAR(var(420, 400), 0.14771, 1e-5);
  EXPECT_NEAR(var(980, 960), 0.32460, 1e-5);
  EXPECT_DOUBLE_EQ(ddim_sigma(0.3, 0.5, 0.0), 0.0);
  EXPECT_NEAR(ddim_sigma(0.3, 0.5, 0.5), 0.5 * ddim_sigma(0.3, 0.5, 1.0), 1e-15);
}

// With eta = 1 the DDIM sigma of every respaced step is exactly sqrt(beta~) of the effective schedule.
TEST(Samplers, DdimEtaOneSigmaIsEffectiveBetaTilde) {
  ScheduleConfig sc;
  sc.kind = ScheduleKind::Cosine;
  const NoiseSchedule base(sc);
  for (Spacing spacing : {Spacing::Linspace, Spacing::Leading, Spacing::Trailing}) {
    const auto grid = respace(base, 37, spacing);
    for (int i = 2; i <= grid.effective.timesteps(); ++i) {
      const double sigma =
          ddim_sigma(base.alpha_bar(grid.timesteps[i - 1]), base.alpha_bar(grid.timesteps[i - 2]), 1.0);
      EXPECT_NEAR(sigma * sigma, grid.effective.beta_tilde(i), 1e-12 * grid.effective.beta_tilde(i)) << i;
    }
  }
}

// ---- Equivalences ---------------------------------------------------------------------------------------

// DDIM eta = 1, DDPM beta~ and Euler ancestral eta = 1 are the same update (Song et al. 2021, section 4.1),
// and all three draw z in the same order from the seed: with one seed they follow one path.
TEST(Samplers, DdimEtaOneDdpmBetaTildeAndEulerAncestralFollowOnePath) {
  torch::set_num_threads(1);
  const auto m = gmm8();
  const auto x_T = Rng(7).normal({500, 2});
  ScheduleConfig sc;
  sc.kind = ScheduleKind::Cosine;
  const NoiseSchedule s(sc);
  SamplerConfig c;
  c.steps = 40;
  c.seed = 11;
  c.kind = SamplerKind::Ddpm;
  c.variance = VarianceKind::BetaTilde;
  const auto ddpm = sample(s, oracle_eps(m), x_T, c).x0;
  c.kind = SamplerKind::Ddim;
  c.eta = 1.0;
  const auto ddim = sample(s, oracle_eps(m), x_T, c).x0;
  c.kind = SamplerKind::EulerAncestral;
  const auto euler_a = sample(s, oracle_eps(m), x_T, c).x0;
  EXPECT_LT((ddpm - ddim).abs().max().item<double>(), 1e-4);
  EXPECT_LT((ddpm - euler_a).abs().max().item<double>(), 1e-4);
  // And differently seeded runs differ, so the agreement above is not trivial.
  c.seed = 12;
  EXPECT_GT((sample(s, oracle_eps(m), x_T, c).x0 - ddim).abs().max().item<double>(), 0.1);
}

// In distribution: independent seeds, compare the moments of the two samplers' outputs.
TEST(Samplers, DdimEtaOneMatchesDdpmBetaTildeInDistribution) {
  torch::set_num_threads(1);
  const auto m = gmm8();
  const NoiseSchedule s = linear_1000();
  const int64_t n = 4000;
  SamplerConfig c;
  c.steps = 25;
  c.kind = SamplerKind::Ddpm;
  c.seed = 1;
  const auto a = sample(s, oracle_eps(m), Rng(100).normal({n, 2}), c).x0.to(torch::kDouble);
  c.kind = SamplerKind::Ddim;
  c.eta = 1.0;
  c.seed = 2;
  const auto b = sample(s, oracle_eps(m), Rng(200).normal({n, 2}), c).x0.to(torch::kDouble);
  // Data: mean 0, covariance 2.02 I (centres on the radius-2 circle: 2 per coordinate, plus 0.2^2).
  // Standard error of a mean: sqrt(2.02/4000) = 0.022, of a difference 0.032; of a variance ~ 2.02 sqrt(2/n)
  // ~ 0.05 (less for this bimodal law), of a difference ~ 0.07.
  EXPECT_LT((a.mean(0) - b.mean(0)).abs().max().item<double>(), 0.12);
  const auto va = a.var(0), vb = b.var(0);
  EXPECT_LT((va - vb).abs().max().item<double>(), 0.2);
  EXPECT_NEAR(va[0].item<double>(), 2.02, 0.15);
  EXPECT_NEAR(vb[1].item<double>(), 2.02, 0.15);
  // Radius |x| distribution: mean 2.0 for both.
  EXPECT_NEAR(a.norm(2, 1).mean().item<double>(), b.norm(2, 1).mean().item<double>(), 0.03);
}

// Euler in sigma form is DDIM with eta = 0 (Karras et al. 2022, section 4).
TEST(Samplers, EulerEqualsDdimEtaZero) {
  const auto m = gmm8();
  const auto x_T = Rng(3).normal({400, 2});
  for (const auto& sched : {ScheduleKind::Linear, ScheduleKind::Cosine}) {
    ScheduleConfig sc;
    sc.kind = sched;
    const NoiseSchedule s(sc);
    SamplerConfig c;
    c.steps = 25;
    c.kind = SamplerKind::Ddim;
    const auto ddim = sample(s, oracle_eps(m), x_T, c).x0;
    c.kind = SamplerKind::Euler;
    const auto euler = sample(s, oracle_eps(m), x_T, c).x0;
    // In float32 the only difference is rounding; it is largest at the first step, where
    // x0_hat = (x - sqrt(1 - abar) eps)/sqrt(abar) amplifies it by 1/sqrt(abar_T) (157 linear, 2e4 cosine).
    EXPECT_LT((ddim - euler).abs().max().item<double>(), sched == ScheduleKind::Linear ? 2e-5 : 1e-4)
        << to_name(sched);
    // In double precision the two agree to rounding.
    c.kind = SamplerKind::Ddim;
    const auto ddim64 = sample(s, oracle_eps(m), x_T.to(torch::kDouble), c).x0;
    c.kind = SamplerKind::Euler;
    const auto euler64 = sample(s, oracle_eps(m), x_T.to(torch::kDouble), c).x0;
    EXPECT_LT((ddim64 - euler64).abs().max().item<double>(), 1e-10) << to_name(sched);
  }
}

// ---- The Gaussian-mixture oracle sampled with each sampler recovers gmm8
// -----------------------------------

struct SamplerCase {
  const char* name;
  SamplerKind kind;
  VarianceKind variance;
  double eta;
  int steps;
  ScheduleKind schedule;
  Spacing spacing = Spacing::Linspace;
};

class OracleRecovery : public ::testing::TestWithParam<SamplerCase> {};

TEST_P(OracleRecovery, RecoversGmm8WeightsMeansAndSpreads) {
  torch::set_num_threads(1);
  const auto& p = GetParam();
  const auto m = gmm8();
  const int64_t n = 2000;
  ScheduleConfig sc;
  sc.kind = p.schedule;
  const NoiseSchedule s(sc);
  SamplerConfig c;
  c.kind = p.kind;
  c.variance = p.variance;
  c.eta = p.eta;
  c.steps = p.steps;
  c.spacing = p.spacing;
  c.seed = 5;
  const auto r = sample(s, oracle_eps(m), Rng(42).normal({n, 2}), c);
  ASSERT_EQ(r.nfe, expected_nfe(s, c));
  ASSERT_TRUE(torch::isfinite(r.x0).all().item<bool>());
  const auto st = cluster_stats(r.x0, m.means);
  // Weights: binomial standard error sqrt(p(1-p)/n) = 0.0074, 3.5 of them. Means: the standard error of a
  // cluster mean is 0.2/sqrt(250) = 0.013 per coordinate, so |error| ~ 0.018 typically; 0.05 leaves room for
  // the discretisation. Spreads: 25% per cluster, 15% averaged over the clusters.
  const double sd = std::sqrt(0.125 * 0.875 / n);
  for (int k = 0; k < 8; ++k) {
    EXPECT_NEAR(st.weight[k], 0.125, 3.5 * sd) << p.name << " cluster " << k;
    EXPECT_LT(st.mean_error[k], 0.05) << p.name << " cluster " << k;
    EXPECT_NEAR(st.spread[k], 0.2, 0.25 * 0.2) << p.name << " cluster " << k;
  }
  EXPECT_NEAR(mean_spread(st), 0.2, 0.15 * 0.2) << p.name;
}

// Step counts where each sampler is accurate with the exact score (measured spreads, mean over clusters:
// ddpm beta~ 0.187, ddpm beta 0.206, ddim 0.193, euler 0.193, heun 0.207, euler-a 0.187, dpm++ 0.210).
// Heun runs on the linear schedule: from the cosine schedule's sigma_T = 2e4 its trapezoid over the first,
// enormous sigma interval is badly wrong (mean error 1.7 at 25 steps, still 0.05 at 100): a property of the
// method with that schedule, not of the oracle.
INSTANTIATE_TEST_SUITE_P(
    EachSampler, OracleRecovery,
    ::testing::Values(
        SamplerCase{"ddpm_beta_tilde", SamplerKind::Ddpm, VarianceKind::BetaTilde, 0.0, 100,
                    ScheduleKind::Cosine},
        SamplerCase{"ddpm_beta", SamplerKind::Ddpm, VarianceKind::Beta, 0.0, 100, ScheduleKind::Cosine},
        SamplerCase{"ddim_eta0", SamplerKind::Ddim, VarianceKind::BetaTilde, 0.0, 50, ScheduleKind::Cosine},
        SamplerCase{"ddim_eta1", SamplerKind::Ddim, VarianceKind::BetaTilde, 1.0, 100, ScheduleKind::Cosine},
        SamplerCase{"euler", SamplerKind::Euler, VarianceKind::BetaTilde, 0.0, 50, ScheduleKind::Cosine},
        SamplerCase{"heun", SamplerKind::Heun, VarianceKind::BetaTilde, 0.0, 25, ScheduleKind::Linear},
        SamplerCase{"euler_a", SamplerKind::EulerAncestral, VarianceKind::BetaTilde, 1.0, 100,
                    ScheduleKind::Cosine},
        SamplerCase{"dpmpp_2m", SamplerKind::DpmSolverPP2M, VarianceKind::BetaTilde, 0.0, 50,
                    ScheduleKind::Cosine},
        SamplerCase{"lms", SamplerKind::Lms, VarianceKind::BetaTilde, 0.0, 50, ScheduleKind::Cosine},
        SamplerCase{"lms_karras", SamplerKind::Lms, VarianceKind::BetaTilde, 0.0, 20, ScheduleKind::Linear,
                    Spacing::Karras},
        SamplerCase{"dpmpp_2m_sde_exponential", SamplerKind::DpmSolverPP2MSde, VarianceKind::BetaTilde, 1.0, 30,
                    ScheduleKind::Linear, Spacing::Exponential},
        SamplerCase{"dpmpp_2m_karras", SamplerKind::DpmSolverPP2M, VarianceKind::BetaTilde, 0.0, 30,
                    ScheduleKind::Linear, Spacing::Karras},
        SamplerCase{"dpmpp_2m_exponential", SamplerKind::DpmSolverPP2M, VarianceKind::BetaTilde, 0.0, 20,
                    ScheduleKind::Linear, Spacing::Exponential},
        // Good samples in 10 network evaluations (issue 13): LMS with linspace is within every tolerance here;
        // at 10 evaluations DDIM (linspace), LMS (Karras) and DPM-Solver++(2M) (Karras: 0.32, exponential:
        // 0.14; bench/dpmpp_karras_check.py) miss the cluster means by more than 0.05.
        SamplerCase{"lms_10_nfe", SamplerKind::Lms, VarianceKind::BetaTilde, 0.0, 10, ScheduleKind::Linear}),
    [](const ::testing::TestParamInfo<SamplerCase>& info) { return std::string(info.param.name); });

// At 10 linspace steps DPM-Solver++(2M) overshoots (the clusters come out too far out and too wide even with
// the exact eps): its last step before t = 0 (t = 112 to 1) is 5 times longer in log sigma than the one before,
// and the extrapolation from the previous step overshoots. The spacing, not the solver: with exponential
// spacing the same 10 evaluations are 3 times closer to the data (measured energy distances: linspace 0.31,
// karras 0.23, exponential 0.094; README "Quality against NFE").
TEST(Samplers, DpmSolverAtTenStepsDependsOnTheSpacing) {
  torch::set_num_threads(1);
  const auto m = gmm8();
  const int64_t n = 2000;
  const auto component = (Rng(8).uniform({n}) * 8).floor().to(torch::kLong).clamp(0, 7);
  const auto data = m.means.index_select(0, component) + 0.2 * Rng(9).normal({n, 2});
  SamplerConfig c;
  c.kind = SamplerKind::DpmSolverPP2M;
  c.steps = 10;
  const auto x_T = Rng(42).normal({n, 2});
  const auto linspace = sample(linear_1000(), oracle_eps(m), x_T, c).x0;
  c.spacing = Spacing::Exponential;
  const auto exponential = sample(linear_1000(), oracle_eps(m), x_T, c).x0;
  EXPECT_GT(linspace.norm(2, 1).mean().item<double>(), 2.3);  // data: 2.0
  EXPECT_LT(energy_distance(exponential, data), 0.5 * energy_distance(linspace, data));
  EXPECT_GT(max_log_sigma_step_ratio(make_sampling_plan(linear_1000(), 10, Spacing::Linspace)), kLargeStepRatio);
  EXPECT_LT(max_log_sigma_step_ratio(make_sampling_plan(linear_1000(), 10, Spacing::Karras)), kLargeStepRatio);
  EXPECT_LT(max_log_sigma_step_ratio(make_sampling_plan(linear_1000(), 10, Spacing::Exponential)), kLargeStepRatio);
}

// With eta = 0 the SDE solver is DPM-Solver++(2M) itself (Lu et al. 2022); with eta = 1 it is stochastic.
TEST(Samplers, DpmSolverSdeWithEtaZeroIsDpmSolver2M) {
  const auto m = gmm8();
  const auto x_T = Rng(3).normal({300, 2});
  for (Spacing spacing : {Spacing::Linspace, Spacing::Karras}) {
    SamplerConfig c;
    c.steps = 15;
    c.spacing = spacing;
    c.kind = SamplerKind::DpmSolverPP2M;
    const auto ode = sample(linear_1000(), oracle_eps(m), x_T.to(torch::kDouble), c).x0;
    c.kind = SamplerKind::DpmSolverPP2MSde;
    c.eta = 0.0;
    const auto sde0 = sample(linear_1000(), oracle_eps(m), x_T.to(torch::kDouble), c).x0;
    EXPECT_LT((ode - sde0).abs().max().item<double>(), 1e-10) << to_name(spacing);
    c.eta = 1.0;
    c.seed = 4;
    const auto sde1 = sample(linear_1000(), oracle_eps(m), x_T.to(torch::kDouble), c).x0;
    EXPECT_GT((ode - sde1).abs().max().item<double>(), 0.05) << to_name(spacing);
  }
}

// LMS's first step is an Euler step (order 1), and on a denoiser whose D is constant the slope d never
// changes (x~ - D = c sigma solves the ODE), so LMS of any order stays on Euler's path.
TEST(Samplers, LmsStartsAsEulerAndIsExactOnAStraightPath) {
  const auto x_T = Rng(5).normal({50, 2}).to(torch::kDouble);
  Denoiser constant_x0 = [](const torch::Tensor& x, int, double) { return torch::full_like(x, 0.5); };
  SamplerConfig c;
  c.prediction = Prediction::X0;
  c.steps = 12;
  c.spacing = Spacing::Karras;
  std::vector<torch::Tensor> euler, lms;
  c.kind = SamplerKind::Euler;
  sample(linear_1000(), constant_x0, x_T, c, [&](const SamplerStep& s) { euler.push_back(s.x_prev); });
  c.kind = SamplerKind::Lms;
  sample(linear_1000(), constant_x0, x_T, c, [&](const SamplerStep& s) { lms.push_back(s.x_prev); });
  ASSERT_EQ(euler.size(), lms.size());
  for (std::size_t k = 0; k < euler.size(); ++k)
    EXPECT_LT((euler[k] - lms[k]).abs().max().item<double>(), 1e-9) << k;
  // With the mixture's exact eps the paths differ after the first step (LMS uses the earlier slopes).
  const auto m = gmm8();
  euler.clear();
  lms.clear();
  c.prediction = Prediction::Eps;
  c.kind = SamplerKind::Euler;
  sample(linear_1000(), oracle_eps(m), x_T, c, [&](const SamplerStep& s) { euler.push_back(s.x_prev); });
  c.kind = SamplerKind::Lms;
  sample(linear_1000(), oracle_eps(m), x_T, c, [&](const SamplerStep& s) { lms.push_back(s.x_prev); });
  EXPECT_LT((euler[0] - lms[0]).abs().max().item<double>(), 1e-12);
  EXPECT_GT((euler[3] - lms[3]).abs().max().item<double>(), 1e-3);
}

torch::Tensor ddpm_samples(VarianceKind variance) {
  ScheduleConfig sc;
  sc.kind = ScheduleKind::Cosine;
  SamplerConfig c;
  c.variance = variance;
  c.steps = 100;
  c.seed = 5;
  return sample(NoiseSchedule(sc), oracle_eps(gmm8()), Rng(42).normal({2000, 2}), c).x0;
}

// Without noise the ancestral sampler follows the mean path: every cluster collapses to a narrow blob, pulled
// towards the data mean (seed 004). Measured: within-cluster std 0.07 (data 0.2), mean radius 1.53 (data 2).
TEST(Samplers, DdpmZeroVarianceCollapsesSpread) {
  torch::set_num_threads(1);
  const auto x = ddpm_samples(VarianceKind::Zero);
  const auto st = cluster_stats(x, gmm8().means);
  EXPECT_LT(average(st.within), 0.5 * 0.2);
  EXPECT_LT(x.norm(2, 1).mean().item<double>(), 1.8);
}

// z times beta~ (the variance) instead of sqrt(beta~) injects far too little noise: clusters come out too
// narrow. Measured: within-cluster std 0.066 against 0.186 with the correct sqrt(beta~).
TEST(Samplers, DdpmVarianceAsStdGivesTooNarrowClusters) {
  torch::set_num_threads(1);
  const double wrong = average(cluster_stats(ddpm_samples(VarianceKind::VarianceAsStd), gmm8().means).within);
  const double right = average(cluster_stats(ddpm_samples(VarianceKind::BetaTilde), gmm8().means).within);
  EXPECT_LT(wrong, 0.6 * 0.2);
  EXPECT_LT(wrong, 0.6 * right);
  EXPECT_GT(right, 0.8 * 0.2);
}

// ---- The empirical (memorising) denoiser
// -------------------------------------------------------------------

TEST(Samplers, EmpiricalDenoiserReproducesTrainingPoints) {
  torch::set_num_threads(1);
  // A 7 x 7 grid of spacing 0.6 with jitter of at most 0.1: points at least 0.4 apart.
  const auto g = torch::linspace(-1.8, 1.8, 7);
  const auto points = torch::stack(torch::meshgrid({g, g}, "ij"), -1).reshape({-1, 2}) +
                      (Rng(9).uniform({49, 2}) * 0.2 - 0.1);
  Denoiser model = [points](const torch::Tensor& x, int, double ab) { return empirical_eps(points, x, ab); };
  SamplerConfig c;
  c.kind = SamplerKind::Ddim;
  c.steps = 50;
  const auto r = sample(linear_1000(), model, Rng(10).normal({300, 2}), c);
  const auto nearest = torch::cdist(r.x0, points).min(1);
  EXPECT_LT(std::get<0>(nearest).max().item<double>(), 1e-3);
  // The samples are spread over many training points, not stuck on one.
  EXPECT_GE(std::get<0>(at::_unique(std::get<1>(nearest))).numel(), 30);
}

// ---- Observer, NFE, cancellation, determinism -------------------------------------------------------------

TEST(Samplers, ObserverSeesEveryStepInOrder) {
  const auto m = gmm8();
  const NoiseSchedule s = linear_1000();
  for (const auto& e : EnumNames<SamplerKind>::entries) {
    SamplerConfig c;
    c.kind = e.value;
    c.steps = 12;
    c.eta = 0.5;
    std::vector<SamplerStep> steps;
    const auto r = sample(s, oracle_eps(m), Rng(1).normal({20, 2}), c,
                          [&](const SamplerStep& st) { steps.push_back(st); });
    const int K = 12;
    ASSERT_EQ(static_cast<int>(steps.size()), K) << e.name;
    EXPECT_EQ(r.steps_done, K);
    EXPECT_FALSE(r.cancelled);
    const int nfe = e.value == SamplerKind::Heun ? 2 * K - 1 : K;
    EXPECT_EQ(r.nfe, nfe) << e.name;
    EXPECT_EQ(expected_nfe(s, c), nfe) << e.name;
    EXPECT_EQ(steps.back().nfe, nfe) << e.name;
    for (int k = 0; k < K; ++k) {
      const auto& st = steps[k];
      EXPECT_EQ(st.step, k + 1);
      EXPECT_EQ(st.num_steps, K);
      if (k > 0) {
        EXPECT_LT(st.t, steps[k - 1].t);
        EXPECT_EQ(st.t, steps[k - 1].t_prev);
        EXPECT_GT(st.nfe, steps[k - 1].nfe);
        EXPECT_TRUE(torch::equal(st.x_t, steps[k - 1].x_prev));
      }
      EXPECT_DOUBLE_EQ(st.alpha_bar, s.alpha_bar(st.t));
      EXPECT_DOUBLE_EQ(st.alpha_bar_prev, s.alpha_bar(st.t_prev));
      EXPECT_EQ(st.eps_hat.sizes(), st.x_t.sizes());
      EXPECT_EQ(st.x0_hat.sizes(), st.x_t.sizes());
    }
    EXPECT_EQ(steps.front().t, 1000) << e.name;  // linspace ends at T
    EXPECT_EQ(steps.back().t_prev, 0);
    EXPECT_TRUE(torch::equal(steps.back().x_prev, r.x0));
  }
}

TEST(Samplers, DenoiserGetsBaseTimestepsAndAlphaBars) {
  const NoiseSchedule s = linear_1000();
  std::vector<int> ts;
  std::vector<double> abars;
  Denoiser model = [&](const torch::Tensor& x, int t, double ab) {
    ts.push_back(t);
    abars.push_back(ab);
    return torch::zeros_like(x);
  };
  SamplerConfig c;
  c.kind = SamplerKind::Heun;
  c.steps = 4;
  c.spacing = Spacing::Trailing;
  sample(s, model, torch::zeros({2, 2}), c);
  // trailing 4 of 1000: 1000, 750, 500, 250; Heun also evaluates at the next t of each step but the last.
  EXPECT_EQ(ts, (std::vector<int>{1000, 750, 750, 500, 500, 250, 250}));
  for (std::size_t k = 0; k < ts.size(); ++k) EXPECT_DOUBLE_EQ(abars[k], s.alpha_bar(ts[k]));
}

TEST(Samplers, FullScheduleWhenStepsIsZeroOrT) {
  ScheduleConfig sc;
  sc.timesteps = 20;
  const NoiseSchedule s(sc);
  for (int steps : {0, 20}) {
    SamplerConfig c;
    c.steps = steps;
    std::vector<int> ts;
    sample(
        s, [](const torch::Tensor& x, int, double) { return torch::zeros_like(x); }, torch::zeros({1, 2}), c,
        [&](const SamplerStep& st) { ts.push_back(st.t); });
    ASSERT_EQ(ts.size(), 20u);
    for (int k = 0; k < 20; ++k) EXPECT_EQ(ts[k], 20 - k);
    EXPECT_EQ(expected_nfe(s, c), 20);
  }
}

TEST(Samplers, CancellationStopsBeforeTheNextStep) {
  const auto m = gmm8();
  std::atomic<bool> cancel{false};
  SamplerConfig c;
  c.steps = 20;
  torch::Tensor after_third;
  const auto r = sample(
      linear_1000(), oracle_eps(m), Rng(1).normal({10, 2}), c,
      [&](const SamplerStep& st) {
        if (st.step == 3) {
          cancel = true;
          after_third = st.x_prev;
        }
      },
      &cancel);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.steps_done, 3);
  EXPECT_EQ(r.nfe, 3);
  EXPECT_TRUE(torch::equal(r.x0, after_third));
  // Already cancelled: nothing runs, x_T comes back.
  const auto x_T = Rng(2).normal({10, 2});
  const auto r0 = sample(linear_1000(), oracle_eps(m), x_T, c, {}, &cancel);
  EXPECT_TRUE(r0.cancelled);
  EXPECT_EQ(r0.nfe, 0);
  EXPECT_TRUE(torch::equal(r0.x0, x_T));
}

TEST(Samplers, SameSeedSameSamplesDifferentSeedDifferent) {
  const auto m = gmm8();
  const auto x_T = Rng(1).normal({100, 2});
  for (SamplerKind kind : {SamplerKind::Ddpm, SamplerKind::Ddim, SamplerKind::EulerAncestral}) {
    SamplerConfig c;
    c.kind = kind;
    c.eta = 1.0;
    c.steps = 20;
    c.seed = 123;
    const auto a = sample(linear_1000(), oracle_eps(m), x_T, c).x0;
    const auto b = sample(linear_1000(), oracle_eps(m), x_T, c).x0;
    c.seed = 124;
    const auto d = sample(linear_1000(), oracle_eps(m), x_T, c).x0;
    EXPECT_TRUE(torch::equal(a, b)) << to_name(kind);
    EXPECT_FALSE(torch::allclose(a, d)) << to_name(kind);
  }
  // Deterministic samplers ignore the seed.
  SamplerConfig c;
  c.kind = SamplerKind::DpmSolverPP2M;
  c.steps = 10;
  c.seed = 1;
  const auto a = sample(linear_1000(), oracle_eps(m), x_T, c).x0;
  c.seed = 2;
  EXPECT_TRUE(torch::equal(a, sample(linear_1000(), oracle_eps(m), x_T, c).x0));
}

// ---- Predictions, clipping, zero terminal SNR
// --------------------------------------------------------------

// The same oracle expressed as an x0 or a v predictor gives the same samples as the eps predictor.
TEST(Samplers, PredictionKindsAgreeForTheSameOracle) {
  const auto m = gmm8();
  const auto x_T = Rng(4).normal({200, 2}).to(torch::kDouble);
  const NoiseSchedule s = linear_1000();
  SamplerConfig c;
  c.kind = SamplerKind::DpmSolverPP2M;
  c.steps = 20;
  const auto ref = sample(s, oracle_eps(m), x_T, c).x0;
  c.prediction = Prediction::X0;
  const auto via_x0 =
      sample(
          s,
          [m](const torch::Tensor& x, int, double ab) { return x0_from_eps(x, mixture_eps(m, x, ab), ab); },
          x_T, c)
          .x0;
  c.prediction = Prediction::V;
  const auto via_v = sample(
                         s,
                         [m](const torch::Tensor& x, int, double ab) {
                           const auto eps = mixture_eps(m, x, ab);
                           return v_from_eps_x0(eps, x0_from_eps(x, eps, ab), ab);
                         },
                         x_T, c)
                         .x0;
  EXPECT_LT((ref - via_x0).abs().max().item<double>(), 1e-6);
  EXPECT_LT((ref - via_v).abs().max().item<double>(), 1e-6);
}

TEST(Samplers, ClipKeepsX0HatInRange) {
  // A model that always predicts x0 = 3: clipped to 1, so every sampler must end at exactly 1.
  Denoiser model = [](const torch::Tensor& x, int, double) { return torch::full_like(x, 3.0); };
  for (const auto& e : EnumNames<SamplerKind>::entries) {
    SamplerConfig c;
    c.kind = e.value;
    c.prediction = Prediction::X0;
    c.clip_x0 = true;
    c.steps = 10;
    double max_x0 = 0;
    const auto r = sample(linear_1000(), model, Rng(1).normal({5, 3}), c, [&](const SamplerStep& st) {
      max_x0 = std::max(max_x0, st.x0_hat.max().item<double>());
    });
    EXPECT_LE(max_x0, 1.0) << e.name;
    EXPECT_NEAR(r.x0.min().item<double>(), 1.0, 1e-5) << e.name;
    EXPECT_NEAR(r.x0.max().item<double>(), 1.0, 1e-5) << e.name;
  }
}

TEST(Samplers, ZeroTerminalSnrClampsAlphaBar) {
  const auto m = gmm8();
  ScheduleConfig sc;
  sc.zero_terminal_snr = true;
  const NoiseSchedule s(sc);
  ASSERT_EQ(s.alpha_bar(1000), 0.0);
  for (const auto& e : EnumNames<SamplerKind>::entries) {
    SamplerConfig c;
    c.kind = e.value;
    c.steps = 30;
    c.eta = 1.0;
    // DPM-Solver++(2M) SDE from sigma = 4096 needs its own spacing: with linspace a few points end 1.2 from a centre.
    if (e.value == SamplerKind::DpmSolverPP2MSde) c.spacing = default_spacing(e.value);
    double first_abar = -1;
    const auto r = sample(s, oracle_eps(m), Rng(1).normal({500, 2}), c, [&](const SamplerStep& st) {
      if (st.step == 1) first_abar = st.alpha_bar;
    });
    EXPECT_EQ(first_abar, kMinSamplingAlphaBar) << e.name;
    EXPECT_TRUE(torch::isfinite(r.x0).all().item<bool>()) << e.name;
    // Still lands on the mixture: every point within 1 of a centre, and every centre used.
    const auto st = cluster_stats(r.x0, m.means);
    for (int k = 0; k < 8; ++k) EXPECT_GT(st.weight[k], 0.05) << e.name;
    EXPECT_LT(std::get<0>(torch::cdist(r.x0, m.means).min(1)).max().item<double>(), 1.0) << e.name;
  }
}

// ---- Invalid input ---------------------------------------------------------------------------------------

TEST(Samplers, InvalidInputsThrow) {
  const auto m = gmm8();
  const NoiseSchedule s = linear_1000();
  const auto x = torch::zeros({4, 2});
  SamplerConfig c;
  c.steps = 1001;
  EXPECT_THROW(sample(s, oracle_eps(m), x, c), std::invalid_argument);
  EXPECT_THROW(expected_nfe(s, c), std::invalid_argument);
  c.steps = -1;
  EXPECT_THROW(sample(s, oracle_eps(m), x, c), std::invalid_argument);
  c.steps = 10;
  c.eta = -0.1;
  EXPECT_THROW(sample(s, oracle_eps(m), x, c), std::invalid_argument);
  c.eta = 1.5;
  EXPECT_THROW(sample(s, oracle_eps(m), x, c), std::invalid_argument);
  c.eta = std::nan("");
  EXPECT_THROW(sample(s, oracle_eps(m), x, c), std::invalid_argument);
  c.eta = 0.0;
  EXPECT_THROW(sample(s, Denoiser{}, x, c), std::invalid_argument);
  EXPECT_THROW(sample(s, oracle_eps(m), torch::Tensor(), c), std::invalid_argument);
  EXPECT_THROW(sample(s, oracle_eps(m), torch::zeros({0, 2}), c), std::invalid_argument);
  EXPECT_THROW(sample(s, oracle_eps(m), torch::zeros({4, 2}, torch::kLong), c), std::invalid_argument);
  Denoiser wrong_shape = [](const torch::Tensor& x_t, int, double) { return torch::zeros({x_t.size(0), 3}); };
  EXPECT_THROW(sample(s, wrong_shape, x, c), std::invalid_argument);
  try {
    c.steps = 5000;
    sample(s, oracle_eps(m), x, c);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("steps"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dlab
