// The shipped models in assets/models: every file loads with this build's LibTorch (whatever machine
// trained it), every 2D data set has one, and each 2D model samples close to its data under DDPM
// (linear, T = 1000) and DDIM (50 steps, cosine): within kFactor of the distance between independent
// draws of the data (core/point_quality.h; figures in the README, "Pretrained models").
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "core/checkpoint.h"
#include "core/classifier.h"
#include "core/datasets2d.h"
#include "core/device.h"
#include "core/point_quality.h"
#include "core/trainer.h"

namespace dlab {
namespace {

const std::string kModels = std::string(DLAB_ASSETS_DIR) + "/models";
constexpr std::int64_t kSamples = 5000;
// Allowed ratio of the samples' distance to the data over the floor. A model that has learnt the data
// set scores about 1-2; one that blurs or misses modes scores far more (RejectsAnUnderTrainedModel).
constexpr double kFactor = 3.0;

std::string model_path(const std::string& dataset) { return kModels + "/" + dataset + ".pt"; }

TEST(PretrainedModels, EveryShippedFileLoads) {
  int checkpoints = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kModels)) {
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    EXPECT_LT(entry.file_size(), 50'000'000u) << "keep shipped models small";
    if (entry.path().extension() == ".pt") {
      const LoadedDenoiser loaded = load_denoiser_for_sampling(path);
      EXPECT_FALSE(loaded.metadata.dataset.empty());
      EXPECT_GT(loaded.metadata.training_steps, 0);
      EXPECT_TRUE(std::isfinite(loaded.metadata.final_loss));
      ++checkpoints;
    } else if (entry.path().extension() == ".lenet") {
      const Classifier classifier = load_classifier(path);
      EXPECT_GT(classifier.test_accuracy, 0.5);
    } else {
      ADD_FAILURE() << "unexpected file in assets/models";
    }
  }
  EXPECT_GE(checkpoints, static_cast<int>(EnumNames<Dataset2D>::entries.size()));
}

class PretrainedQuality : public testing::TestWithParam<Dataset2D> {
 protected:
  void SetUp() override { configure_cpu_threads(0, CpuWork::MatrixProducts); }
};

TEST_P(PretrainedQuality, SamplesAreCloseToTheData) {
  const std::string name = to_name(GetParam());
  const LoadedDenoiser loaded = load_denoiser_for_sampling(model_path(name), torch::kCPU, ModelKind::Mlp);
  EXPECT_EQ(loaded.metadata.dataset, name);
  ASSERT_EQ(loaded.spec.data_shape, std::vector<std::int64_t>{2});
  torch::NoGradGuard no_grad;
  const PointQualityData reference = draw_point_quality_data(GetParam(), kSamples, 71);
  for (const PointQualityCheck& check : standard_point_quality_checks()) {
    const PointQuality q = measure_point_quality(loaded.net, torch::kCPU, loaded.spec.prediction, reference.data,
                                                 reference.fresh_draws, check, 9);
    SCOPED_TRACE(name + " " + check.name);
    EXPECT_LT(q.energy, kFactor * q.floor_energy) << "energy " << q.energy << ", floor " << q.floor_energy;
    EXPECT_LT(q.sliced, kFactor * q.floor_sliced) << "sliced W2 " << q.sliced << ", floor " << q.floor_sliced;
  }
}

// The check can fail: a model trained for a few dozen steps has not learnt the modes of gmm8.
TEST(PretrainedQualityCheck, RejectsAnUnderTrainedModel) {
  configure_cpu_threads(0, CpuWork::MatrixProducts);
  TrainerConfig config;
  config.device = DeviceKind::Cpu;
  config.seed = 3;
  Trainer trainer(config, ModelSpec{}, sample_dataset(Dataset2D::Gmm8, 20000, 3));
  ASSERT_EQ(trainer.train(40).status, TrainStatus::Completed);
  torch::NoGradGuard no_grad;
  const PointQualityData reference = draw_point_quality_data(Dataset2D::Gmm8, kSamples, 71);
  const PointQualityCheck ddim = standard_point_quality_checks().at(1);
  const PointQuality q = measure_point_quality(trainer.ema_net(), torch::kCPU, Prediction::Eps, reference.data,
                                               reference.fresh_draws, ddim, 9);
  EXPECT_GT(q.energy, kFactor * q.floor_energy) << "energy " << q.energy << ", floor " << q.floor_energy;
  EXPECT_GT(q.sliced, kFactor * q.floor_sliced) << "sliced W2 " << q.sliced << ", floor " << q.floor_sliced;
}

INSTANTIATE_TEST_SUITE_P(EveryDataSet, PretrainedQuality,
                         testing::Values(Dataset2D::Gmm8, Dataset2D::Gmm25, Dataset2D::Moons,
                                         Dataset2D::Checkerboard, Dataset2D::Swissroll, Dataset2D::Rings,
                                         Dataset2D::Pinwheel, Dataset2D::TwoSpirals, Dataset2D::Circle,
                                         Dataset2D::Line),
                         [](const testing::TestParamInfo<Dataset2D>& info) {
                           std::string name = to_name(info.param);
                           return name == "2spirals" ? std::string("twospirals") : name;
                         });

}  // namespace
}  // namespace dlab
