#include "core/guidance.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/noise_embedding.h"
#include "core/unet.h"

namespace dlab {
namespace {

// A conditional "model" in closed form: out = x + label (null label 5 -> 5), so guided values are known.
ConditionalDenoiser affine_model(int* calls) {
  return [calls](const torch::Tensor& x, int, double, const torch::Tensor& labels) {
    ++*calls;
    return x + labels.to(torch::kFloat).view({-1, 1, 1, 1});
  };
}

TEST(Guidance, ScaleZeroIsUnconditionalOneIsConditionalAndBeyondExtrapolates) {
  int calls = 0;
  const auto x = torch::zeros({3, 1, 2, 2});
  const auto labels = torch::tensor({0, 2, 4}, torch::kLong);
  for (double w : {0.0, 1.0, 2.5, 10.0}) {
    calls = 0;
    const auto out = make_guided_denoiser(affine_model(&calls), labels, 5, w)(x, 10, 0.5);
    // out = 5 + w (label - 5)
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(out[i].mean().item<double>(), 5.0 + w * (labels[i].item<double>() - 5.0), 1e-5) << w;
    EXPECT_EQ(calls, 1);  // w = 0 and w = 1 need one half only; others one batch of 2N
  }
}

TEST(Guidance, RejectsBadScalesAndLabels) {
  int calls = 0;
  const auto labels = torch::tensor({0, 1}, torch::kLong);
  EXPECT_THROW(make_guided_denoiser(affine_model(&calls), labels, 5, -0.1), std::invalid_argument);
  EXPECT_THROW(make_guided_denoiser(affine_model(&calls), labels, 5, 10.5), std::invalid_argument);
  EXPECT_THROW(make_guided_denoiser(affine_model(&calls), torch::tensor({5}, torch::kLong), 5, 1.0),
               std::invalid_argument);
  const auto guided = make_guided_denoiser(affine_model(&calls), labels, 5, 2.0);
  EXPECT_THROW(guided(torch::zeros({3, 1, 2, 2}), 1, 0.5), std::invalid_argument);
}

TEST(Guidance, OnAUNetMatchesItsConditionalAndUnconditionalPredictions) {
  torch::set_num_threads(1);
  ModelSpec spec;
  spec.kind = ModelKind::UNet;
  spec.data_shape = {1, 12, 12};
  spec.hidden = 8;
  spec.depth = 2;
  spec.embedding_dim = 16;
  spec.num_classes = 4;
  auto net = std::make_shared<UNetDenoiserImpl>(spec);
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(3);
    for (auto& parameter : net->parameters()) parameter.normal_(0.0, 0.2);
  }
  const auto x = torch::randn({2, 1, 12, 12});
  const auto labels = torch::tensor({1, 3}, torch::kLong);
  const double abar = 0.3;
  torch::NoGradGuard no_grad;
  net->eval();
  const auto level = torch::full({2}, static_cast<float>(log_snr_from_alpha_bar(abar)));
  const auto conditional = net->forward(x, level, labels);
  const auto unconditional = net->forward(x, level, torch::full({2}, 4, torch::kLong));
  ASSERT_GT((conditional - unconditional).abs().max().item<float>(), 1e-3f);
  EXPECT_TRUE(torch::allclose(make_guided_denoiser(net, labels, 0.0)(x, 7, abar), unconditional, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(make_guided_denoiser(net, labels, 1.0)(x, 7, abar), conditional, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(make_guided_denoiser(net, labels, 3.0)(x, 7, abar),
                              unconditional + 3.0 * (conditional - unconditional), 1e-4, 1e-5));
  // An unconditional network cannot be guided.
  spec.num_classes = 0;
  EXPECT_THROW(make_guided_denoiser(std::make_shared<UNetDenoiserImpl>(spec), labels, 1.0),
               std::invalid_argument);
}

}  // namespace
}  // namespace dlab
