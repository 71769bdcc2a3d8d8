#include "core/image_sampling.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/unet.h"

namespace dlab {
namespace {

DenoiserNet small_net(int num_classes) {
  ModelSpec spec;
  spec.kind = ModelKind::UNet;
  spec.data_shape = {1, 8, 8};
  spec.hidden = 8;
  spec.depth = 2;
  spec.embedding_dim = 8;
  spec.num_classes = num_classes;
  auto net = std::make_shared<UNetDenoiserImpl>(spec);
  torch::NoGradGuard no_grad;
  torch::manual_seed(5);
  for (auto& parameter : net->parameters()) parameter.normal_(0.0, 0.1);
  return net;
}

TEST(ImageSampling, LabelsCycleThroughClassesOrAreFixed) {
  ModelSpec spec;
  spec.num_classes = 3;
  ImageSampleRequest request;
  request.count = 7;
  EXPECT_TRUE(
      torch::equal(request_labels(spec, request), torch::tensor({0, 1, 2, 0, 1, 2, 0}, torch::kLong)));
  request.label = 2;
  EXPECT_TRUE(torch::equal(request_labels(spec, request), torch::full({7}, 2, torch::kLong)));
  request.label = 4;
  EXPECT_THROW(request_labels(spec, request), std::invalid_argument);
  spec.num_classes = 0;
  request.label = 1;
  EXPECT_THROW(request_labels(spec, request), std::invalid_argument);  // unconditional model
  request.label = -1;
  EXPECT_FALSE(request_labels(spec, request).defined());
}

TEST(ImageSampling, SameSeedSameImagesWhateverTheBatchAndGuidanceChangesThem) {
  torch::set_num_threads(1);
  const auto net = small_net(3);
  ScheduleConfig schedule_config;
  schedule_config.timesteps = 100;
  const NoiseSchedule schedule(schedule_config);
  ImageSampleRequest request;
  request.count = 6;
  request.sampler.kind = SamplerKind::Ddim;
  request.sampler.steps = 5;
  request.sampler.clip_x0 = true;
  request.seed = 9;
  const auto a = sample_images(net, torch::kCPU, schedule, request);
  ASSERT_EQ(a.sizes(), (std::vector<std::int64_t>{6, 1, 8, 8}));
  EXPECT_LE(a.abs().max().item<float>(), 1.0f);
  request.batch = 4;  // DDIM with eta = 0 is deterministic given x_T, which does not depend on batches
  EXPECT_TRUE(torch::allclose(sample_images(net, torch::kCPU, schedule, request), a, 1e-5, 1e-6));
  request.guidance = 4.0;
  EXPECT_FALSE(torch::allclose(sample_images(net, torch::kCPU, schedule, request), a, 1e-3, 1e-3));
  // The starting noise is the seed's alone.
  EXPECT_TRUE(torch::equal(starting_noise(net->spec(), 6, 9), starting_noise(net->spec(), 6, 9)));
  EXPECT_FALSE(torch::equal(starting_noise(net->spec(), 6, 9), starting_noise(net->spec(), 6, 10)));
  request.guidance = 11;
  EXPECT_THROW(sample_images(net, torch::kCPU, schedule, request), std::invalid_argument);
}

}  // namespace
}  // namespace dlab
