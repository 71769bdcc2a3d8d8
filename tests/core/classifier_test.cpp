#include "core/classifier.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/frechet.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

TEST(Classifier, LearnsTheShapesAndRoundTripsThroughAFile) {
  torch::set_num_threads(1);
  const auto train = make_shapes_dataset(2000, 11);
  const auto test = make_shapes_dataset(500, 12);
  ClassifierTrainConfig config;
  config.epochs = 3;
  config.batch_size = 64;
  auto classifier = train_classifier(train, config);
  // Ten distinct shapes: far above chance (0.1) after ~100 Adam steps.
  const double accuracy = classifier_accuracy(classifier, test);
  EXPECT_GT(accuracy, 0.8);
  classifier.test_accuracy = accuracy;

  const fs::path dir = fs::temp_directory_path() / ("dlab_classifier_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "shapes.lenet").string();
  save_classifier(path, classifier);
  auto loaded = load_classifier(path);
  EXPECT_EQ(loaded.class_names, train.class_names);
  EXPECT_EQ(loaded.test_accuracy, accuracy);
  const auto a = classifier_features(classifier, test.images.slice(0, 0, 50));
  EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{50, kClassifierFeatures}));
  EXPECT_TRUE(torch::equal(a, classifier_features(loaded, test.images.slice(0, 0, 50))));

  // The features separate the data sets: the Frechet distance between two shape samples is far below
  // that between shapes and noise.
  const auto noise = torch::randn({500, 1, 28, 28}).clamp(-1, 1);
  const auto shapes_stats =
      gaussian_statistics(classifier_features(classifier, train.images.slice(0, 0, 500)));
  const double same =
      frechet_distance(shapes_stats, gaussian_statistics(classifier_features(classifier, test.images)));
  const double noisy =
      frechet_distance(shapes_stats, gaussian_statistics(classifier_features(classifier, noise)));
  EXPECT_LT(same * 10, noisy);

  // A damaged or cut file is refused with its name.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() / 2] ^= 0x55;
  std::ofstream((dir / "damaged.lenet").string(), std::ios::binary) << bytes;
  std::ofstream((dir / "cut.lenet").string(), std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  for (const char* name : {"damaged.lenet", "cut.lenet", "missing.lenet"}) {
    try {
      load_classifier((dir / name).string());
      ADD_FAILURE() << name << " loaded";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dlab
