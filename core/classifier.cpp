#include "core/classifier.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/atomic_file.h"
#include "core/rng.h"

namespace dlab {
namespace {

constexpr char kMagic[] = "DLABLENET1";  // 10 bytes, the digit is the format version
constexpr std::size_t kMagicSize = sizeof(kMagic) - 1;

// FNV-1a 64-bit hash of the payload, to detect a damaged file.
std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

void put_string(std::string& out, const std::string& text) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

class Reader {
 public:
  Reader(const std::string& bytes, const std::string& path) : bytes_(bytes), path_(path) {}
  template <class T>
  T get() {
    T value;
    need(sizeof(T));
    std::memcpy(&value, bytes_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return value;
  }
  std::string get_string(std::size_t max_size = 1 << 16) {
    const auto size = get<std::uint32_t>();
    if (size > max_size) fail("a name is too long");
    need(size);
    std::string out = bytes_.substr(position_, size);
    position_ += size;
    return out;
  }
  const char* take(std::size_t size) {
    need(size);
    const char* out = bytes_.data() + position_;
    position_ += size;
    return out;
  }
  bool done() const { return position_ == bytes_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(path_ + ": not a usable classifier file: " + what);
  }

 private:
  void need(std::size_t size) const {
    if (bytes_.size() - position_ < size) fail("truncated");
  }
  const std::string& bytes_;
  const std::string& path_;
  std::size_t position_ = 0;
};

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
  put<std::int32_t>(payload, classifier.net->in_channels());
  put<std::int32_t>(payload, classifier.net->num_classes());
  put<double>(payload, classifier.test_accuracy);
  put_string(payload, classifier.dataset);
  for (const auto& name : classifier.class_names) put_string(payload, name);
  const auto parameters = classifier.net->named_parameters();
  put<std::uint32_t>(payload, static_cast<std::uint32_t>(parameters.size()));
  for (const auto& item : parameters) {
    const auto value = item.value().detach().to(torch::kCPU, torch::kFloat).contiguous();
    put_string(payload, item.key());
    put<std::uint32_t>(payload, static_cast<std::uint32_t>(value.dim()));
    for (auto size : value.sizes()) put<std::int64_t>(payload, size);
    payload.append(reinterpret_cast<const char*>(value.data_ptr<float>()), value.numel() * sizeof(float));
  }
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(kMagic, kMagicSize);
    const std::uint64_t checksum = fnv1a(payload);
    const std::uint64_t size = payload.size();
    out.write(reinterpret_cast<const char*>(&size), sizeof size);
    out.write(reinterpret_cast<const char*>(&checksum), sizeof checksum);
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  });
}

Classifier load_classifier(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open the classifier file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() < kMagicSize + 16 || bytes.compare(0, kMagicSize, kMagic) != 0)
    throw std::runtime_error(path + ": not a Diffusion Lab classifier file (bad magic)");
  std::uint64_t size = 0, checksum = 0;
  std::memcpy(&size, bytes.data() + kMagicSize, 8);
  std::memcpy(&checksum, bytes.data() + kMagicSize + 8, 8);
  const std::string payload = bytes.substr(kMagicSize + 16);
  if (payload.size() != size)
    throw std::runtime_error(path + ": truncated classifier file (" + std::to_string(payload.size()) +
                             " of " + std::to_string(size) + " bytes)");
  if (fnv1a(payload) != checksum) throw std::runtime_error(path + ": classifier file is damaged (checksum)");
  Reader reader(payload, path);
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
  if (reader.get<std::uint32_t>() != parameters.size()) reader.fail("wrong number of tensors");
  torch::NoGradGuard no_grad;
  for (auto& item : parameters) {
    if (reader.get_string() != item.key())
      reader.fail("tensor names do not match (expected " + item.key() + ")");
    const auto dims = reader.get<std::uint32_t>();
    if (dims != static_cast<std::uint32_t>(item.value().dim())) reader.fail("wrong shape of " + item.key());
    for (std::uint32_t d = 0; d < dims; ++d)
      if (reader.get<std::int64_t>() != item.value().size(d)) reader.fail("wrong shape of " + item.key());
    const auto count = static_cast<std::size_t>(item.value().numel());
    const char* data = reader.take(count * sizeof(float));
    std::memcpy(item.value().data_ptr<float>(), data, count * sizeof(float));
  }
  if (!reader.done()) reader.fail("unexpected bytes after the tensors");
  out.net->eval();
  return out;
}

}  // namespace dlab
