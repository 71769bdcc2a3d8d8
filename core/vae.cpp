#include "core/vae.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/binary_file.h"
#include "core/rng.h"

namespace dlab {
namespace {

constexpr char kMagic[] = "DLABVAE2";  // the digit is the format version (2: the KL weight)
constexpr int kPixels = kVaeImageSize * kVaeImageSize;
constexpr int kMaxHidden = 1 << 14;

void check_images(const torch::Tensor& images, const char* what) {
  if (!images.defined() || images.dim() != 4 || images.size(1) != 1 || images.size(2) != kVaeImageSize ||
      images.size(3) != kVaeImageSize)
    throw std::invalid_argument(std::string(what) + ": the VAE takes grayscale 28x28 images [N, 1, 28, 28]");
}

void check_codes(const torch::Tensor& codes) {
  if (!codes.defined() || codes.dim() != 2 || codes.size(1) != kVaeLatentDim)
    throw std::invalid_argument("VAE decoder: codes must be [N, 2]");
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

// Kingma & Welling 2014, Appendix B: -KL(N(m, s^2) || N(0, 1)) = 1/2 sum(1 + log s^2 - m^2 - s^2), per image.
torch::Tensor kl_to_standard_normal(const VaePosterior& q) {
  return -0.5 * (1 + q.log_variance - q.mean.pow(2) - q.log_variance.exp()).sum(1);
}

VaeImpl::VaeImpl(int hidden) : hidden_(hidden) {
  if (hidden < 4 || hidden % 2 != 0 || hidden > kMaxHidden)
    throw std::invalid_argument("VAE: hidden must be an even number in 4.." + std::to_string(kMaxHidden) +
                                ", got " + std::to_string(hidden));
  const int half = hidden / 2;
  enc1_ = register_module("enc1", torch::nn::Linear(kPixels, hidden));
  enc2_ = register_module("enc2", torch::nn::Linear(hidden, half));
  enc_mean_ = register_module("enc_mean", torch::nn::Linear(half, kVaeLatentDim));
  enc_log_variance_ = register_module("enc_log_variance", torch::nn::Linear(half, kVaeLatentDim));
  dec1_ = register_module("dec1", torch::nn::Linear(kVaeLatentDim, half));
  dec2_ = register_module("dec2", torch::nn::Linear(half, hidden));
  dec3_ = register_module("dec3", torch::nn::Linear(hidden, kPixels));
}

VaePosterior VaeImpl::encode(const torch::Tensor& images) {
  check_images(images, "VAE encoder");
  auto h = torch::relu(enc1_->forward(images.flatten(1)));
  h = torch::relu(enc2_->forward(h));
  // The clamp keeps exp(log variance) finite for an image far from the training set.
  return {enc_mean_->forward(h), enc_log_variance_->forward(h).clamp(-20.0, 10.0)};
}

torch::Tensor VaeImpl::decode_logits(const torch::Tensor& codes) {
  check_codes(codes);
  auto h = torch::relu(dec1_->forward(codes));
  h = torch::relu(dec2_->forward(h));
  return dec3_->forward(h);
}

VaeLossTerms vae_loss(Vae& net, const torch::Tensor& images, at::Generator& generator, double kl_weight) {
  const VaePosterior q = net->encode(images);
  // Reparameterisation (Kingma & Welling 2014, Eq. (11)): z = m + s * e, e ~ N(0, I).
  const auto e = at::randn(q.mean.sizes(), generator, q.mean.options());
  const auto z = q.mean + (0.5 * q.log_variance).exp() * e;
  // -log p(x | z) of a Bernoulli decoder on the pixels scaled to [0, 1] (Appendix C.1): binary cross-entropy.
  const auto target = (images.flatten(1) + 1) * 0.5;
  const auto reconstruction =
      torch::binary_cross_entropy_with_logits(net->decode_logits(z), target, {}, {}, at::Reduction::None)
          .sum(1);
  const auto kl = kl_to_standard_normal(q);
  return {(reconstruction + kl_weight * kl).mean(), reconstruction.mean(), kl.mean()};
}

VaeModel train_vae(const ImageDataset& train, const VaeTrainConfig& config, const VaeProgress& progress) {
  check_images(train.images, "VAE training");
  if (config.epochs < 1 || config.batch_size < 1 || !(config.learning_rate > 0))
    throw std::invalid_argument("VAE: epochs >= 1, batch_size >= 1 and learning_rate > 0 required");
  if (!(config.kl_weight > 0) || !(config.kl_weight <= kVaeMaxKlWeight))
    throw std::invalid_argument("VAE: the KL weight must be above 0 and at most " + number(kVaeMaxKlWeight) +
                                ", got " + number(config.kl_weight));
  torch::manual_seed(config.seed);  // the initial weights
  VaeModel out;
  out.net = Vae(config.hidden);
  out.dataset = train.name;
  out.class_names = train.class_names;
  out.epochs = config.epochs;
  out.kl_weight = config.kl_weight;
  out.net->train();
  torch::optim::Adam adam(out.net->parameters(), torch::optim::AdamOptions(config.learning_rate));
  Rng order_rng(config.seed + 1), noise_rng(config.seed + 2);
  const std::int64_t n = train.images.size(0);
  const std::int64_t batch = config.batch_size;
  const int batches = static_cast<int>((n + batch - 1) / batch);
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    const auto order = torch::randperm(n, order_rng.generator(), torch::kLong);
    double running = 0;
    for (int b = 0; b < batches; ++b) {
      const auto index = order.narrow(0, b * batch, std::min(batch, n - b * batch));
      adam.zero_grad();
      const auto loss =
          vae_loss(out.net, train.images.index_select(0, index), noise_rng.generator(), config.kl_weight)
              .total;
      loss.backward();
      adam.step();
      const double value = loss.item<double>();
      if (!std::isfinite(value))
        throw std::runtime_error("VAE training diverged (loss " + std::to_string(value) + " at epoch " +
                                 std::to_string(epoch + 1) + "); try a smaller learning rate");
      running = b == 0 ? value : 0.98 * running + 0.02 * value;
      if (progress) progress(epoch + 1, b + 1, batches, running);
    }
  }
  out.net->eval();
  return out;
}

double vae_negative_elbo(VaeModel& vae, const ImageDataset& data, std::uint64_t seed) {
  check_images(data.images, "VAE ELBO");
  torch::NoGradGuard no_grad;
  if (vae.net->is_training()) vae.net->eval();  // a read otherwise: threads may share a loaded VAE
  Rng rng(seed);
  const std::int64_t n = data.images.size(0);
  double total = 0;
  for (std::int64_t start = 0; start < n; start += 1000) {
    const auto count = std::min<std::int64_t>(1000, n - start);
    const auto terms = vae_loss(vae.net, data.images.narrow(0, start, count), rng.generator(), 1.0);
    total += terms.total.item<double>() * static_cast<double>(count);
  }
  return total / static_cast<double>(n);
}

torch::Tensor vae_encode(VaeModel& vae, const torch::Tensor& images, std::int64_t batch) {
  check_images(images, "VAE encoder");
  torch::NoGradGuard no_grad;
  if (vae.net->is_training()) vae.net->eval();  // a read otherwise: threads may share a loaded VAE
  std::vector<torch::Tensor> parts;
  for (std::int64_t start = 0; start < images.size(0); start += batch)
    parts.push_back(vae.net
                        ->encode(images.narrow(0, start, std::min(batch, images.size(0) - start))
                                     .to(torch::kCPU, torch::kFloat))
                        .mean);
  if (parts.empty()) return torch::zeros({0, kVaeLatentDim});
  return torch::cat(parts, 0);
}

torch::Tensor vae_decode(VaeModel& vae, const torch::Tensor& codes, std::int64_t batch) {
  check_codes(codes);
  torch::NoGradGuard no_grad;
  if (vae.net->is_training()) vae.net->eval();  // a read otherwise: threads may share a loaded VAE
  std::vector<torch::Tensor> parts;
  for (std::int64_t start = 0; start < codes.size(0); start += batch) {
    const auto logits = vae.net->decode_logits(
        codes.narrow(0, start, std::min(batch, codes.size(0) - start)).to(torch::kCPU, torch::kFloat));
    parts.push_back(torch::sigmoid(logits) * 2 - 1);  // the Bernoulli means, back to [-1, 1]
  }
  if (parts.empty()) return torch::zeros({0, 1, kVaeImageSize, kVaeImageSize});
  return torch::cat(parts, 0).reshape({-1, 1, kVaeImageSize, kVaeImageSize});
}

void save_vae(const std::string& path, const VaeModel& vae) {
  if (!vae.net) throw std::invalid_argument("save_vae: no network");
  if (!(vae.kl_weight > 0) || !(vae.kl_weight <= kVaeMaxKlWeight))
    throw std::invalid_argument("save_vae: bad KL weight " + number(vae.kl_weight));
  std::string payload;
  put_value<std::int32_t>(payload, kVaeLatentDim);
  put_value<std::int32_t>(payload, kVaeImageSize);
  put_value<std::int32_t>(payload, vae.net->hidden());
  put_value<std::int32_t>(payload, vae.epochs);
  put_value<double>(payload, vae.kl_weight);
  put_value<double>(payload, vae.test_negative_elbo);
  put_string(payload, vae.dataset);
  put_value<std::uint32_t>(payload, static_cast<std::uint32_t>(vae.class_names.size()));
  for (const auto& name : vae.class_names) put_string(payload, name);
  put_tensors(payload, vae.net->named_parameters());
  write_checksummed_file(path, kMagic, payload);
}

VaeModel load_vae(const std::string& path) {
  const std::string payload = read_checksummed_file(path, kMagic, "VAE");
  PayloadReader reader(payload, path, "VAE");
  const auto latent = reader.get<std::int32_t>();
  const auto size = reader.get<std::int32_t>();
  if (latent != kVaeLatentDim || size != kVaeImageSize)
    reader.fail("latent dimension " + std::to_string(latent) + " and image size " + std::to_string(size) +
                " (this version reads 2 and 28)");
  const auto hidden = reader.get<std::int32_t>();
  if (hidden < 4 || hidden % 2 != 0 || hidden > kMaxHidden)
    reader.fail("bad hidden width " + std::to_string(hidden));
  VaeModel out;
  out.epochs = reader.get<std::int32_t>();
  out.kl_weight = reader.get<double>();
  if (!(out.kl_weight > 0) || !(out.kl_weight <= kVaeMaxKlWeight))
    reader.fail("bad KL weight " + number(out.kl_weight) + " (must be above 0 and at most " +
                number(kVaeMaxKlWeight) + ")");
  out.test_negative_elbo = reader.get<double>();
  if (out.epochs < 0 || !std::isfinite(out.test_negative_elbo)) reader.fail("bad epoch count or ELBO");
  out.dataset = reader.get_string();
  const auto classes = reader.get<std::uint32_t>();
  if (classes > 1000) reader.fail("bad class count " + std::to_string(classes));
  for (std::uint32_t k = 0; k < classes; ++k) out.class_names.push_back(reader.get_string());
  out.net = Vae(hidden);
  auto parameters = out.net->named_parameters();
  reader.read_tensors_into(parameters, /*require_finite=*/true);
  if (!reader.done()) reader.fail("unexpected bytes after the tensors");
  out.net->eval();
  return out;
}

}  // namespace dlab
