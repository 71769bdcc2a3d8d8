// The hand-written MLP step (core/mlp_step.h) against autograd and torch's own ops.
#include "core/mlp_step.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/mlp_denoiser.h"
#include "core/rng.h"

namespace dlab {
namespace {

MlpDenoiser make_net(Prediction prediction, int depth = 3, int hidden = 128) {
  ModelSpec spec;
  spec.prediction = prediction;
  spec.depth = depth;
  spec.hidden = hidden;
  torch::manual_seed(3);
  return MlpDenoiser(spec);
}

double max_relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / (b.abs().max() + 1e-12)).item<double>();
}

// Forward equals the module's forward, and the gradients of the mean per-example loss equal autograd's, for
// each parameterisation; batch sizes that change between calls reuse and resize the buffers.
TEST(MlpStep, ForwardAndGradientsEqualAutograd) {
  for (Prediction prediction : {Prediction::Eps, Prediction::X0, Prediction::V}) {
    MlpDenoiser net = make_net(prediction);
    MlpStep step(*net);
    for (std::int64_t batch : {256, 7, 256}) {
      Rng rng(static_cast<std::uint64_t>(batch) + 1);
      const auto x = rng.normal({batch, 2}) * 2.0;
      // log-SNR over the trained range and beyond the embedding's clamp (|l| > 30).
      const auto log_snr = rng.uniform({batch}) * 70.0 - 35.0;
      const auto target = rng.normal({batch, 2});

      for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
      const auto output = net->forward(x, log_snr, {});
      const auto per_example_ref = (output - target).square().flatten(1).mean(1);
      per_example_ref.mean().backward();
      std::vector<torch::Tensor> reference;
      for (auto& p : net->parameters()) reference.push_back(p.grad().clone());

      // A fresh MlpStep on the same network (its gradients go into the .grad() tensors autograd just made).
      MlpStep fresh(*net);
      torch::Tensor per_example;
      const double loss = fresh.loss_and_gradients(x, log_snr, target, per_example);
      EXPECT_NEAR(loss, per_example_ref.mean().item<double>(), 1e-5 * (1 + std::abs(loss)));
      EXPECT_LT(max_relative_difference(per_example, per_example_ref.detach()), 1e-4);
      const auto params = net->parameters();
      for (std::size_t k = 0; k < params.size(); ++k)
        EXPECT_LT(max_relative_difference(params[k].grad(), reference[k]), 1e-4)
            << to_name(prediction) << " batch " << batch << " parameter " << k;

      torch::NoGradGuard no_grad;
      torch::Tensor out;
      step.forward(x, log_snr, out);
      EXPECT_LT(max_relative_difference(out, net->forward(x, log_snr, {})), 1e-5) << to_name(prediction);
    }
  }
}

// Inference splits large inputs into chunks: 5,000 points (three chunks) give the module's output.
TEST(MlpStep, ForwardInChunksEqualsTheModule) {
  MlpDenoiser net = make_net(Prediction::Eps, 2, 64);
  torch::NoGradGuard no_grad;
  Rng rng(5);
  const auto x = rng.normal({5000, 2});
  const auto log_snr = torch::full({5000}, -2.5f);
  MlpStep step(*net);
  torch::Tensor out;
  step.forward(x, log_snr, out);
  EXPECT_LT(max_relative_difference(out, net->forward(x, log_snr, {})), 1e-5);
}

// The one-level forward of a sampler step (the embedding's share of the input layer folded into one vector,
// the fused SiLU pass, chunks of 256 rows) equals the module at every parameterisation, at levels inside and
// beyond the embedding's clamp, for row counts that are not a multiple of the chunk, with a wider data
// dimension (the BLAS input layer) and with a network without residual blocks; `out` is reused.
TEST(MlpStep, OneLevelForwardEqualsTheModule) {
  struct Case {
    Prediction prediction;
    int depth, hidden;
    std::int64_t dim, rows;
  };
  for (const Case& c : {Case{Prediction::Eps, 3, 128, 2, 10'000}, Case{Prediction::X0, 3, 128, 2, 257},
                        Case{Prediction::V, 2, 64, 2, 1}, Case{Prediction::Eps, 0, 32, 2, 300},
                        Case{Prediction::Eps, 2, 48, 12, 700}}) {
    ModelSpec spec;
    spec.prediction = c.prediction;
    spec.depth = c.depth;
    spec.hidden = c.hidden;
    spec.data_shape = {c.dim};
    torch::manual_seed(11);
    MlpDenoiser net(spec);
    torch::NoGradGuard no_grad;
    MlpStep step(*net, /*gradients=*/false);
    Rng rng(static_cast<std::uint64_t>(c.rows));
    const auto x = rng.normal({c.rows, c.dim}) * 1.5;
    torch::Tensor out;
    for (float level : {-33.0f, -9.2f, -0.3f, 0.0f, 4.7f, 12.5f, 31.0f}) {
      step.forward(x, level, out);
      const auto reference = net->forward(x, torch::full({c.rows}, level), {});
      EXPECT_LT(max_relative_difference(out, reference), 1e-5)
          << to_name(c.prediction) << " depth " << c.depth << " dim " << c.dim << " rows " << c.rows << " level "
          << level;
    }
  }
}

// A row holding NaN or infinities (a diverged run) gives NaN in that row only, as the module does; the other rows
// keep the module's values. (The vectorised exp took a NaN into its exponent bits: undefined behaviour.)
TEST(MlpStep, NonFiniteRowsStayNonFiniteAndLeaveTheOthersAlone) {
  ModelSpec spec;
  spec.depth = 2;
  spec.hidden = 64;
  torch::manual_seed(5);
  MlpDenoiser net(spec);
  torch::NoGradGuard no_grad;
  MlpStep step(*net, /*gradients=*/false);
  Rng rng(9);
  auto x = rng.normal({6, 2});
  x[1][0] = std::numeric_limits<float>::quiet_NaN();
  x[3][1] = std::numeric_limits<float>::infinity();
  x[4][0] = -std::numeric_limits<float>::infinity();
  torch::Tensor out;
  step.forward(x, 1.5f, out);
  const auto reference = net->forward(x, torch::full({6}, 1.5f), {});
  for (std::int64_t row : {1, 3, 4}) {
    EXPECT_FALSE(torch::isfinite(out[row]).all().item<bool>()) << "row " << row;
    EXPECT_EQ(torch::isfinite(out[row]).all().item<bool>(), torch::isfinite(reference[row]).all().item<bool>());
  }
  for (std::int64_t row : {0, 2, 5}) EXPECT_LT(max_relative_difference(out[row], reference[row]), 1e-5) << row;
}

// The fused Adam pass equals the update written with torch ops (Kingma & Ba 2015, Alg. 1), with clipping,
// both kinds of weight decay and the EMA.
TEST(MlpStep, FusedAdamEqualsTheTensorUpdate) {
  for (bool decoupled : {false, true}) {
    Rng rng(9);
    const std::int64_t n = 1000;
    torch::Tensor p = rng.normal({n}), g = rng.normal({n}) * 0.1, m = rng.normal({n}) * 0.01,
                  v = rng.uniform({n}) * 1e-3, e = rng.normal({n});
    torch::Tensor p2 = p.clone(), g2 = g.clone(), m2 = m.clone(), v2 = v.clone(), e2 = e.clone();
    FusedAdam s;
    s.learning_rate = 1e-2;
    s.weight_decay = 0.1;
    s.decoupled = decoupled;
    s.grad_clip = 1.0;  // |g| ~ 3.2: clipped
    s.ema_decay = 0.99;
    const std::int64_t t = 7;
    fused_adam_step(s, t, p, g, m, v, e);
    // Reference.
    g2 = g2 * std::min(1.0, s.grad_clip / (g2.norm().item<double>() + 1e-6));
    if (decoupled) p2 = p2 * (1 - s.learning_rate * s.weight_decay);
    const auto grad = decoupled ? g2 : g2 + s.weight_decay * p2;
    m2 = 0.9 * m2 + 0.1 * grad;
    v2 = 0.999 * v2 + 0.001 * grad * grad;
    const double bc1 = 1 - std::pow(0.9, t), bc2 = 1 - std::pow(0.999, t);
    p2 = p2 - s.learning_rate / bc1 * m2 / (v2.sqrt() / std::sqrt(bc2) + s.epsilon);
    e2 = e2 + 0.01 * (p2 - e2);
    EXPECT_LT((p - p2).abs().max().item<double>(), 1e-5) << decoupled;
    EXPECT_LT((m - m2).abs().max().item<double>(), 1e-6) << decoupled;
    EXPECT_LT((v - v2).abs().max().item<double>(), 1e-8) << decoupled;
    EXPECT_LT((e - e2).abs().max().item<double>(), 1e-5) << decoupled;
    EXPECT_LT((g - g2).abs().max().item<double>(), 1e-6) << decoupled;
  }
}

TEST(MlpStep, RejectsWhatItCannotRun) {
  ModelSpec spec;
  spec.kind = ModelKind::Mlp;
  MlpDenoiser net(spec);
  net->to(torch::kDouble);
  EXPECT_FALSE(mlp_step_supports(*net));
  EXPECT_THROW(MlpStep step(*net), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
