#include "core/unet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/denoiser_net.h"

namespace dlab {
namespace {

ModelSpec small_spec(std::vector<std::int64_t> shape = {1, 28, 28}, int num_classes = 0,
                     bool attention = false) {
  ModelSpec spec;
  spec.kind = ModelKind::UNet;
  spec.data_shape = std::move(shape);
  spec.hidden = 8;
  spec.depth = 3;
  spec.embedding_dim = 16;
  spec.num_classes = num_classes;
  spec.attention = attention;
  return spec;
}

// The zero-initialised output layers make a fresh U-Net predict exactly 0; to test how inputs flow,
// give every parameter seeded random values.
void randomize(DenoiserNetImpl& net, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(seed);
  for (auto& parameter : net.parameters()) parameter.normal_(0.0, 0.2);
}

TEST(UNet, OutputHasTheInputShapeForManySizes) {
  torch::set_num_threads(1);
  for (const auto& shape : std::vector<std::vector<std::int64_t>>{{1, 28, 28}, {3, 32, 32}, {1, 13, 17}}) {
    for (bool attention : {false, true}) {
      UNetDenoiser net(small_spec(shape, 0, attention));
      const auto x = torch::randn({2, shape[0], shape[1], shape[2]});
      const auto out = net->forward(x, torch::zeros({2}), {});
      EXPECT_EQ(out.sizes(), x.sizes());
      // Zero-initialised last convolution: an untrained network predicts 0 (improved-diffusion).
      EXPECT_EQ(out.abs().max().item<float>(), 0.0f);
    }
  }
}

TEST(UNet, FactoryBuildsItAndRejectsBadSpecs) {
  const auto net = make_denoiser_net(small_spec());
  ASSERT_NE(dynamic_cast<UNetDenoiserImpl*>(net.get()), nullptr);
  auto bad = small_spec({28, 28});
  EXPECT_THROW(make_denoiser_net(bad), std::invalid_argument);
  bad = small_spec();
  bad.depth = 0;
  EXPECT_THROW(make_denoiser_net(bad), std::invalid_argument);
  UNetDenoiser net2(small_spec());
  EXPECT_THROW(net2->forward(torch::zeros({2, 1, 32, 32}), torch::zeros({2}), {}), std::invalid_argument);
  EXPECT_THROW(net2->forward(torch::zeros({2, 1, 28, 28}), torch::zeros({3}), {}), std::invalid_argument);
  // An unconditional model refuses labels.
  EXPECT_THROW(
      net2->forward(torch::zeros({2, 1, 28, 28}), torch::zeros({2}), torch::zeros({2}, torch::kLong)),
      std::invalid_argument);
}

TEST(UNet, NoiseLevelAndLabelChangeTheOutputAndNullLabelIsTheDefault) {
  torch::set_num_threads(1);
  UNetDenoiser net(small_spec({1, 16, 16}, 10, true));
  randomize(*net, 1);
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({4, 1, 16, 16}, torch::TensorOptions().dtype(torch::kFloat));
  const auto level = torch::full({4}, 2.0f);
  const auto labels = torch::tensor({0, 3, 7, 9}, torch::kLong);
  const auto base = net->forward(x, level, labels);
  const auto scale = base.abs().mean().item<double>();
  ASSERT_GT(scale, 0.0);
  // A different noise level, a different label: a clearly different prediction.
  EXPECT_GT((net->forward(x, torch::full({4}, -5.0f), labels) - base).abs().mean().item<double>(),
            0.01 * scale);
  const auto other = net->forward(x, level, torch::tensor({1, 4, 8, 0}, torch::kLong));
  for (int i = 0; i < 4; ++i) EXPECT_GT((other[i] - base[i]).abs().mean().item<double>(), 0.01 * scale);
  // Each row depends on its own label only.
  const auto mixed = net->forward(x, level, torch::tensor({0, 4, 7, 0}, torch::kLong));
  EXPECT_TRUE(torch::allclose(mixed[0], base[0]));
  EXPECT_TRUE(torch::allclose(mixed[2], base[2]));
  // No labels means the null label num_classes.
  const auto nulls = net->forward(x, level, torch::full({4}, 10, torch::kLong));
  EXPECT_TRUE(torch::equal(net->forward(x, level, {}), nulls));
  EXPECT_GT((nulls - base).abs().mean().item<double>(), 0.01 * scale);
}

TEST(UNet, EveryParameterGetsAGradient) {
  torch::set_num_threads(1);
  UNetDenoiser net(small_spec({1, 16, 16}, 3, true));
  randomize(*net, 2);
  const auto out = net->forward(torch::randn({3, 1, 16, 16}), torch::tensor({-3.0f, 0.0f, 4.0f}),
                                torch::tensor({0, 1, 3}, torch::kLong));
  out.pow(2).mean().backward();
  for (const auto& item : net->named_parameters()) {
    ASSERT_TRUE(item.value().grad().defined()) << item.key();
    EXPECT_GT(item.value().grad().abs().sum().item<double>(), 0.0) << item.key();
  }
}

TEST(UNet, LearnsToDenoiseAFixedBatch) {
  // 60 Adam steps on 8 fixed noisy shapes at one noise level: the eps loss falls well below its
  // starting value 1 (the untrained net predicts 0, and E[eps^2] = 1).
  torch::set_num_threads(1);
  torch::manual_seed(0);
  auto spec = small_spec({1, 12, 12});
  spec.depth = 2;
  UNetDenoiser net(spec);
  auto x0 = torch::zeros({8, 1, 12, 12});
  x0.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(3, 9), torch::indexing::Slice(3, 9)},
                1.0);
  const auto eps = torch::randn({8, 1, 12, 12});
  const double abar = 0.5;
  const auto x_t = std::sqrt(abar) * x0 + std::sqrt(1 - abar) * eps;
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(3e-3));
  const auto level = torch::zeros({8});  // log SNR of abar = 0.5
  double first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    adam.zero_grad();
    const auto loss = (net->forward(x_t, level, {}) - eps).pow(2).mean();
    loss.backward();
    adam.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_NEAR(first, eps.pow(2).mean().item<double>(), 1e-6);
  EXPECT_LT(last, 0.5 * first);
}

}  // namespace
}  // namespace dlab
