// Latent diffusion in the plane (core/latent_diffusion.h): the draw of the codes, the shipped files and
// what is said when they are missing. The shipped models' quality: tests/pretrained.
#include "core/latent_diffusion.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "core/datasets2d.h"
#include "core/image_datasets.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

// Sets DLAB_MODELS_DIR for one test and restores it.
class ModelsDir {
 public:
  explicit ModelsDir(const std::string& dir) {
    if (const char* old = std::getenv("DLAB_MODELS_DIR")) old_ = old;
    ::setenv("DLAB_MODELS_DIR", dir.c_str(), 1);
  }
  ~ModelsDir() {
    if (old_)
      ::setenv("DLAB_MODELS_DIR", old_->c_str(), 1);
    else
      ::unsetenv("DLAB_MODELS_DIR");
  }

 private:
  std::optional<std::string> old_;
};

bool shipped_codes_available() {
  return fashion_mnist_available() && fs::exists(shipped_model_path(kShippedVaeFile));
}

TEST(LatentDiffusion, DrawIsDeterministicAndWithoutReplacementWhenItCanBe) {
  const auto a = latent_draw_indices(1000, 300, 4);
  EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{300}));
  EXPECT_EQ(a.dtype(), torch::kLong);
  EXPECT_TRUE(torch::equal(a, latent_draw_indices(1000, 300, 4)));
  EXPECT_FALSE(torch::equal(a, latent_draw_indices(1000, 300, 5)));
  EXPECT_EQ(std::get<0>(torch::_unique(a)).numel(), 300);  // distinct
  EXPECT_GE(a.min().item<std::int64_t>(), 0);
  EXPECT_LT(a.max().item<std::int64_t>(), 1000);
  const auto all = latent_draw_indices(50, 50, 1);
  EXPECT_TRUE(torch::equal(std::get<0>(all.sort()), torch::arange(50)));  // a permutation of every code
  const auto more = latent_draw_indices(10, 500, 2);                      // with replacement
  EXPECT_EQ(more.numel(), 500);
  EXPECT_GE(more.min().item<std::int64_t>(), 0);
  EXPECT_LT(more.max().item<std::int64_t>(), 10);
  EXPECT_THROW(latent_draw_indices(0, 5, 1), std::invalid_argument);
  EXPECT_THROW(latent_draw_indices(5, 0, 1), std::invalid_argument);
}

TEST(LatentDiffusion, ShippedFilesFollowDlabModelsDir) {
  {
    ModelsDir dir("/somewhere/models");
    EXPECT_EQ(shipped_model_path("x.vae"), "/somewhere/models/x.vae");
  }
  {
    ModelsDir empty("");  // set but empty: the source tree's
    EXPECT_EQ(shipped_model_path("x.vae"), std::string(DLAB_ASSETS_DIR) + "/models/x.vae");
  }
}

TEST(LatentDiffusion, AMissingVaeSaysWhatToDo) {
  const fs::path dir = fs::temp_directory_path() / ("dlab_no_models_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ModelsDir models(dir.string());
  const std::string path = (dir / kShippedVaeFile).string();
  for (int attempt = 0; attempt < 2; ++attempt) {  // the failure is not cached: the same message again
    try {
      sample_dataset(Dataset2D::FashionMnistLatent, 10, 1);
      ADD_FAILURE() << "no error without the VAE";
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path), std::string::npos) << message;
      EXPECT_NE(message.find("dlab train-vae"), std::string::npos) << message;
      EXPECT_NE(message.find("DLAB_MODELS_DIR"), std::string::npos) << message;
    }
  }
  EXPECT_THROW(shipped_vae(), std::runtime_error);
  EXPECT_THROW(dataset_labels(Dataset2D::FashionMnistLatent, 10, 1), std::runtime_error);
  // The toy sets need nothing.
  EXPECT_EQ(sample_dataset(Dataset2D::Moons, 10, 1).size(0), 10);
  EXPECT_FALSE(dataset_labels(Dataset2D::Moons, 10, 1).defined());
  fs::remove_all(dir);
}

TEST(LatentDiffusion, CodesAndLabelsComeFromTheSameDraw) {
  if (!shipped_codes_available()) GTEST_SKIP() << "needs dataset-fashion-mnist and the shipped VAE";
  const auto latent = shipped_latent_codes();
  EXPECT_EQ(latent, shipped_latent_codes());  // loaded once
  ASSERT_EQ(latent->codes.sizes(), (std::vector<std::int64_t>{60000, 2}));
  ASSERT_EQ(latent->labels.sizes(), (std::vector<std::int64_t>{60000}));
  EXPECT_EQ(latent->class_names, fashion_mnist_class_names());
  EXPECT_TRUE(torch::isfinite(latent->codes).all().item<bool>());
  const auto index = latent_draw_indices(60000, 300, 9);
  const auto points = sample_dataset(Dataset2D::FashionMnistLatent, 300, 9);
  EXPECT_TRUE(torch::equal(points, latent->codes.index_select(0, index)));
  const auto labels = dataset_labels(Dataset2D::FashionMnistLatent, 300, 9);
  EXPECT_TRUE(torch::equal(labels, latent->labels.index_select(0, index)));
  EXPECT_TRUE(dataset_has_labels(Dataset2D::FashionMnistLatent));
  EXPECT_FALSE(dataset_has_labels(Dataset2D::Gmm8));
  // The codes of the training images under the shipped VAE.
  VaeModel& vae = *shipped_vae();
  const auto images = load_fashion_mnist(ImageSplit::Train, 20).images;
  EXPECT_TRUE(torch::allclose(vae_encode(vae, images), latent->codes.narrow(0, 0, 20), 1e-5, 1e-5));
}

TEST(LatentDiffusion, ComparisonRefusesBadCodesAndAMissingClassifier) {
  torch::manual_seed(1);
  VaeModel vae;
  vae.net = Vae(8);
  EXPECT_THROW(compare_vae_and_diffusion(vae, torch::zeros({1, 2}), 0, "x.lenet"), std::invalid_argument);
  EXPECT_THROW(compare_vae_and_diffusion(vae, torch::zeros({5, 3}), 0, "x.lenet"), std::invalid_argument);
  try {
    compare_vae_and_diffusion(vae, torch::zeros({5, 2}), 0, "/nonexistent/classifier.lenet");
    ADD_FAILURE() << "no error without a classifier";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/classifier.lenet"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--train-classifier"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dlab
