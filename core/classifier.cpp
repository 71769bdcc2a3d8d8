#include "core/classifier.h"

#include <stdexcept>
#include <string>

#include "core/binary_file.h"
#include "core/rng.h"

namespace dlab {
namespace {

constexpr char kMagic[] = "DLABLENET1";  // the digit is the format version

}  // namespace

LeNetImpl::LeNetImpl(int in_channels, int num_classes)
    : in_channels_(in_channels), num_classes_(num_classes) {
  if (in_channels != 1 && in_channels != 3)
    throw std::invalid_argument("classifier: images must have 1 or 3 channels");
  if (num_classes < 2) throw std::invalid_argument("classifier: needs at least 2 classes");
  conv1_ =
      register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, 6, 5).padding(2)));
  conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)));
  fc1_ = register_module("fc1", torch::nn::Linear(16 * 5 * 5, 120));
  fc2_ = register_module("fc2", torch::nn::Linear(120, kClassifierFeatures));
  fc3_ = register_module("fc3", torch::nn::Linear(kClassifierFeatures, num_classes));
}

torch::Tensor LeNetImpl::features(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != in_channels_ || images.size(2) != kClassifierImageSize ||
      images.size(3) != kClassifierImageSize)
    throw std::invalid_argument("classifier: images must be [N, " + std::to_string(in_channels_) +
                                ", 28, 28]");
  auto h = torch::max_pool2d(torch::relu(conv1_->forward(images)), 2);  // LeCun et al. 1998, C1 + S2
  h = torch::max_pool2d(torch::relu(conv2_->forward(h)), 2);            // C3 + S4
  h = torch::relu(fc1_->forward(h.flatten(1)));                         // C5
  return torch::relu(fc2_->forward(h));                                 // F6: the features
}

torch::Tensor LeNetImpl::forward(const torch::Tensor& images) {
  return fc3_->forward(features(images));
}

Classifier train_classifier(const ImageDataset& train, const ClassifierTrainConfig& config,
                            const ClassifierProgress& progress) {
  if (!train.labels.defined() || train.num_classes() < 2)
    throw std::invalid_argument("classifier: the training set needs labels of at least 2 classes");
  if (config.epochs < 1 || config.batch_size < 1 || !(config.learning_rate > 0))
    throw std::invalid_argument("classifier: epochs >= 1, batch_size >= 1 and learning_rate > 0 required");
  torch::manual_seed(config.seed);  // the initial weights
  Classifier out;
  out.net = LeNet(static_cast<int>(train.images.size(1)), train.num_classes());
  out.class_names = train.class_names;
  out.dataset = train.name;
  out.net->train();
  torch::optim::Adam adam(out.net->parameters(), torch::optim::AdamOptions(config.learning_rate));
  Rng rng(config.seed + 1);
  const std::int64_t n = train.images.size(0);
  const int batches = static_cast<int>((n + config.batch_size - 1) / config.batch_size);
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    const auto order = torch::randperm(n, rng.generator(), torch::kLong);
    double running = 0;
    for (int b = 0; b < batches; ++b) {
      const auto index =
          order.narrow(0, b * std::int64_t{config.batch_size},
                       std::min<std::int64_t>(config.batch_size, n - b * std::int64_t{config.batch_size}));
      adam.zero_grad();
      const auto loss = torch::cross_entropy_loss(out.net->forward(train.images.index_select(0, index)),
                                                  train.labels.index_select(0, index));
      loss.backward();
      adam.step();
      running = b == 0 ? loss.item<double>() : 0.98 * running + 0.02 * loss.item<double>();
      if (progress) progress(epoch + 1, b + 1, batches, running);
    }
  }
  out.net->eval();
  return out;
}

torch::Tensor classifier_features(Classifier& classifier, const torch::Tensor& images, std::int64_t batch) {
  torch::NoGradGuard no_grad;
  classifier.net->eval();
  std::vector<torch::Tensor> parts;
  for (std::int64_t start = 0; start < images.size(0); start += batch)
    parts.push_back(classifier.net->features(
        images.narrow(0, start, std::min(batch, images.size(0) - start)).to(torch::kCPU, torch::kFloat)));
  return torch::cat(parts, 0);
}

double classifier_accuracy(Classifier& classifier, const ImageDataset& test) {
  if (!test.labels.defined()) throw std::invalid_argument("classifier accuracy: the test set has no labels");
  torch::NoGradGuard no_grad;
  classifier.net->eval();
  std::int64_t correct = 0;
  for (std::int64_t start = 0; start < test.images.size(0); start += 500) {
    const auto count = std::min<std::int64_t>(500, test.images.size(0) - start);
    const auto predicted = classifier.net->forward(test.images.narrow(0, start, count)).argmax(1);
    correct += (predicted == test.labels.narrow(0, start, count)).sum().item<std::int64_t>();
  }
  return static_cast<double>(correct) / static_cast<double>(test.images.size(0));
}

void save_classifier(const std::string& path, const Classifier& classifier) {
  std::string payload;
  put_value<std::int32_t>(payload, classifier.net->in_channels());
  put_value<std::int32_t>(payload, classifier.net->num_classes());
  put_value<double>(payload, classifier.test_accuracy);
  put_string(payload, classifier.dataset);
  for (const auto& name : classifier.class_names) put_string(payload, name);
  put_tensors(payload, classifier.net->named_parameters());
  write_checksummed_file(path, kMagic, payload);
}

Classifier load_classifier(const std::string& path) {
  const std::string payload = read_checksummed_file(path, kMagic, "classifier");
  PayloadReader reader(payload, path, "classifier");
  const auto in_channels = reader.get<std::int32_t>();
  const auto num_classes = reader.get<std::int32_t>();
  if ((in_channels != 1 && in_channels != 3) || num_classes < 2 || num_classes > 100000)
    reader.fail("bad channel or class count");
  Classifier out;
  out.test_accuracy = reader.get<double>();
  out.dataset = reader.get_string();
  for (int k = 0; k < num_classes; ++k) out.class_names.push_back(reader.get_string());
  out.net = LeNet(in_channels, num_classes);
  auto parameters = out.net->named_parameters();
  reader.read_tensors_into(parameters);
  if (!reader.done()) reader.fail("unexpected bytes after the tensors");
  out.net->eval();
  return out;
}

}  // namespace dlab
