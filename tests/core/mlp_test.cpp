// The 2D MLP denoiser and the log-SNR embedding it shares with the U-Net.
#include <gtest/gtest.h>

#include <cmath>

#include "core/mlp_denoiser.h"
#include "core/noise_embedding.h"

namespace dlab {
namespace {

TEST(NoiseEmbedding, FrequenciesAreGeometricBetweenTheDocumentedBounds) {
  const auto w = noise_level_frequencies(64);
  ASSERT_EQ(w.size(0), 32);
  EXPECT_NEAR(w[0].item<double>(), kEmbeddingMinFrequency, 1e-9);
  EXPECT_NEAR(w[31].item<double>(), kEmbeddingMaxFrequency, 1e-5);
  // Constant ratio between neighbours: (w_max/w_min)^(1/31) = 256^(1/31).
  const double ratio = std::pow(256.0, 1.0 / 31.0);
  for (int k = 1; k < 32; ++k) EXPECT_NEAR(w[k].item<double>() / w[k - 1].item<double>(), ratio, 1e-5);
}

TEST(NoiseEmbedding, IsSinesThenCosinesOfTheScaledLevel) {
  const auto log_snr = torch::tensor({0.0f, -7.5f, 3.0f});
  const auto emb = noise_level_embedding(log_snr, 8);
  ASSERT_EQ(emb.sizes(), (std::vector<std::int64_t>{3, 8}));
  const auto w = noise_level_frequencies(8);
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k) {
      const double phase = log_snr[i].item<double>() * w[k].item<double>();
      EXPECT_NEAR(emb[i][k].item<double>(), std::sin(phase), 1e-5);
      EXPECT_NEAR(emb[i][k + 4].item<double>(), std::cos(phase), 1e-5);
    }
}

TEST(NoiseEmbedding, SeparatesEveryLevelTheSchedulesReach) {
  // Levels 0.1 apart anywhere in [-20, 12] get embeddings at least ~0.05 apart (no aliasing).
  const auto levels = torch::arange(-20.0, 12.0, 0.1, torch::kFloat);
  const auto emb = noise_level_embedding(levels, 64);
  const auto distances = torch::cdist(emb, emb);
  const auto off_diagonal = distances + torch::eye(levels.size(0)) * 1e9;
  EXPECT_GT(off_diagonal.min().item<double>(), 0.05);
}

TEST(NoiseEmbedding, RejectsOddDimensions) {
  EXPECT_THROW(noise_level_embedding(torch::zeros({2}), 7), std::invalid_argument);
  EXPECT_THROW(noise_level_embedding(torch::zeros({2}), 0), std::invalid_argument);
  EXPECT_THROW(noise_level_embedding(torch::zeros({2, 1}), 8), std::invalid_argument);
}

TEST(NoiseEmbedding, LogSnrOfAlphaBarIsClampedAtBothEnds) {
  EXPECT_NEAR(log_snr_from_alpha_bar(0.5), 0.0, 1e-15);
  EXPECT_NEAR(log_snr_from_alpha_bar(0.9), std::log(9.0), 1e-12);
  // abar = 0 is clamped to 1e-20 (log-SNR -46.05); 2^-24 (zero terminal SNR in the samplers) stays itself.
  EXPECT_NEAR(log_snr_from_alpha_bar(0.0), std::log(1e-20), 1e-9);
  EXPECT_NEAR(log_snr_from_alpha_bar(std::ldexp(1.0, -24)), -24 * std::log(2.0) - std::log1p(-std::ldexp(1.0, -24)),
              1e-9);
  EXPECT_NEAR(log_snr_from_alpha_bar(1.0), std::log((1 - 1e-12) / 1e-12), 1e-3);
  const auto tensor = log_snr_from_alpha_bar(torch::tensor({2.43e-9, 0.5, 0.9}, torch::kDouble));
  EXPECT_EQ(tensor.scalar_type(), torch::kFloat);
  EXPECT_NEAR(tensor[0].item<double>(), std::log(2.43e-9), 1e-5);  // the cosine schedule's abar_T
  EXPECT_NEAR(tensor[2].item<double>(), std::log(9.0), 1e-6);
}

TEST(MlpDenoiser, DefaultSpecHasTheDocumentedSizeAndShapes) {
  ModelSpec spec;
  auto net = make_denoiser_net(spec);
  std::int64_t count = 0;
  for (const auto& p : net->parameters()) count += p.numel();
  // input (2 + 64) x 128 + 128, 3 blocks 128 x 128 + 128, output 128 x 2 + 2.
  EXPECT_EQ(count, 66 * 128 + 128 + 3 * (128 * 128 + 128) + 128 * 2 + 2);
  EXPECT_EQ(count, 58370);
  const auto out = net->forward(torch::randn({5, 2}), torch::linspace(-20, 12, 5), {});
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{5, 2}));
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(MlpDenoiser, OutputDependsOnTheNoiseLevelAndGradientsReachEveryParameter) {
  torch::manual_seed(0);
  auto net = make_denoiser_net(ModelSpec{});
  const auto x = torch::randn({4, 2});
  const auto low = net->forward(x, torch::full({4}, -10.0f), {});
  const auto high = net->forward(x, torch::full({4}, 8.0f), {});
  EXPECT_GT((low - high).abs().max().item<double>(), 1e-4);
  (low.pow(2).sum() + high.pow(2).sum()).backward();
  for (const auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
}

TEST(MlpDenoiser, RejectsBadSpecsAndInputs) {
  ModelSpec spec;
  spec.hidden = 0;
  EXPECT_THROW(make_denoiser_net(spec), std::invalid_argument);
  spec = ModelSpec{};
  spec.embedding_dim = 5;
  EXPECT_THROW(make_denoiser_net(spec), std::invalid_argument);
  spec = ModelSpec{};
  spec.num_classes = 3;
  EXPECT_THROW(make_denoiser_net(spec), std::invalid_argument);
  spec = ModelSpec{};
  spec.data_shape = {};
  EXPECT_THROW(make_denoiser_net(spec), std::invalid_argument);
  auto net = make_denoiser_net(ModelSpec{});
  EXPECT_THROW(net->forward(torch::randn({3, 3}), torch::zeros({3}), {}), std::invalid_argument);
  EXPECT_THROW(net->forward(torch::randn({3, 2}), torch::zeros({2}), {}), std::invalid_argument);
}

TEST(MlpDenoiser, HandlesFlattenedDataShapes) {
  ModelSpec spec;
  spec.data_shape = {1, 2, 3};
  spec.hidden = 16;
  spec.depth = 1;
  spec.embedding_dim = 8;
  auto net = make_denoiser_net(spec);
  const auto out = net->forward(torch::randn({4, 1, 2, 3}), torch::zeros({4}), {});
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{4, 1, 2, 3}));
}

}  // namespace
}  // namespace dlab
