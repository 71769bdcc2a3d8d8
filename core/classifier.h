// A small LeNet-5-style classifier (LeCun et al. 1998) trained by the project on 28x28 images; its
// penultimate layer gives the features of the Frechet distance (core/frechet.h; REFERENCE.md section 10,
// since Inception features do not fit 28x28 grayscale images).
//
//   conv 5x5 (1 -> 6, padding 2), ReLU, max-pool 2  -> 6 x 14 x 14
//   conv 5x5 (6 -> 16), ReLU, max-pool 2            -> 16 x 5 x 5
//   linear 400 -> 120, ReLU; linear 120 -> 84, ReLU  (the 84 features)
//   linear 84 -> classes                             (logits)
//
// ReLU and max-pooling instead of the original's scaled tanh and subsampling, as in modern LeNet-5 code.
// Saved in its own small format (magic "DLABLENET", the class names, the tensors, an FNV-1a checksum),
// written atomically, independent of LibTorch's serialisation.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <string>
#include <vector>

#include "core/image_datasets.h"

namespace dlab {

constexpr int kClassifierFeatures = 84;
constexpr int kClassifierImageSize = 28;

class LeNetImpl : public torch::nn::Module {
 public:
  // in_channels 1 or 3; num_classes >= 2. Throws std::invalid_argument.
  LeNetImpl(int in_channels, int num_classes);
  torch::Tensor forward(const torch::Tensor& images);   // [N, C, 28, 28] in [-1, 1] -> logits [N, classes]
  torch::Tensor features(const torch::Tensor& images);  // [N, 84]
  int in_channels() const { return in_channels_; }
  int num_classes() const { return num_classes_; }

 private:
  int in_channels_, num_classes_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr}, fc3_{nullptr};
};
TORCH_MODULE(LeNet);

struct ClassifierTrainConfig {
  int epochs = 3;
  int batch_size = 128;
  double learning_rate = 2e-3;  // Adam
  std::uint64_t seed = 0;
};

struct Classifier {
  LeNet net{nullptr};
  std::vector<std::string> class_names;
  std::string dataset;        // what it was trained on
  double test_accuracy = -1;  // measured after training, if a test set was given
};

// (epoch, batch, batches per epoch, running loss).
using ClassifierProgress = std::function<void(int, int, int, double)>;

// Trains on labelled 28x28 images with cross-entropy and Adam (Kingma & Ba 2015). Throws
// std::invalid_argument for unlabelled data or another image size.
Classifier train_classifier(const ImageDataset& train, const ClassifierTrainConfig& config = {},
                            const ClassifierProgress& progress = {});

// Fraction of correctly classified images; in eval mode without autograd, in batches.
double classifier_accuracy(Classifier& classifier, const ImageDataset& test);

// Features [N, 84] (float32, CPU) of images [N, C, 28, 28], in batches; no autograd.
torch::Tensor classifier_features(Classifier& classifier, const torch::Tensor& images,
                                  std::int64_t batch = 500);

void save_classifier(const std::string& path,
                     const Classifier& classifier);   // atomic; runtime_error naming path
Classifier load_classifier(const std::string& path);  // runtime_error naming the path and what is wrong

}  // namespace dlab
