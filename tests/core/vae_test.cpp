// The VAE of latent diffusion (core/vae.h): the loss and its closed-form KL, training, shapes, the file
// format.
#include "core/vae.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/binary_file.h"
#include "core/rng.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  const fs::path dir = fs::temp_directory_path() / ("dlab_vae_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The message of the runtime_error that loading `path` throws ("" when it loads).
std::string load_error(const std::string& path) {
  try {
    load_vae(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

VaeModel small_vae(int hidden = 16, std::uint64_t seed = 3) {
  torch::manual_seed(seed);
  VaeModel vae;
  vae.net = Vae(hidden);
  vae.net->eval();
  vae.dataset = "shapes";
  vae.class_names = {"a", "b"};
  vae.epochs = 2;
  vae.kl_weight = 0.25;
  vae.test_negative_elbo = 123.5;
  return vae;
}

TEST(Vae, KlIsTheClosedFormAndMatchesMonteCarlo) {
  // m = (1, 0), log s^2 = (0, log 4): 1/2 (1 + 1 - 1 - 0) + 1/2 (4 + 0 - 1 - log 4) = 1.30685...
  VaePosterior q{torch::tensor({{1.0, 0.0}, {0.0, 0.0}}, torch::kDouble),
                 torch::tensor({{0.0, std::log(4.0)}, {0.0, 0.0}}, torch::kDouble)};
  const auto kl = kl_to_standard_normal(q);
  EXPECT_NEAR(kl[0].item<double>(), 0.5 + 0.5 * (3.0 - std::log(4.0)), 1e-12);
  EXPECT_NEAR(kl[1].item<double>(), 0.0, 1e-12);  // q = p
  // E_q[log q(z) - log p(z)] by sampling z ~ q: the same number within Monte Carlo error.
  torch::manual_seed(5);
  const auto m = torch::tensor({0.5, -1.5}, torch::kDouble),
             log_var = torch::tensor({-1.0, 0.7}, torch::kDouble);
  const auto z = m + (0.5 * log_var).exp() * torch::randn({400000, 2}, torch::kDouble);
  const auto log_q = (-0.5 * (z - m).pow(2) / log_var.exp() - 0.5 * log_var).sum(1);
  const auto log_p = (-0.5 * z.pow(2)).sum(1);
  const double monte_carlo = (log_q - log_p).mean().item<double>();
  const double closed = kl_to_standard_normal({m.unsqueeze(0), log_var.unsqueeze(0)}).item<double>();
  EXPECT_NEAR(monte_carlo, closed, 0.01) << "closed form " << closed;
}

TEST(Vae, LossIsReconstructionPlusKlOfTheEncoder) {
  auto vae = small_vae();
  const auto images = make_shapes_dataset(8, 1).images;
  Rng rng(7);
  const VaeLossTerms terms = vae_loss(vae.net, images, rng.generator());
  EXPECT_NEAR(terms.total.item<double>(), terms.reconstruction.item<double>() + terms.kl.item<double>(),
              1e-3);
  EXPECT_NEAR(terms.kl.item<double>(), kl_to_standard_normal(vae.net->encode(images)).mean().item<double>(),
              1e-5);
  // Binary cross-entropy of 784 pixels: positive, and about 784 log 2 for an untrained decoder (logits ~ 0).
  EXPECT_GT(terms.reconstruction.item<double>(), 100.0);
  EXPECT_LT(terms.reconstruction.item<double>(), 2000.0);
}

TEST(Vae, TheKlWeightScalesOnlyTheKlTerm) {
  auto vae = small_vae();
  const auto images = make_shapes_dataset(8, 1).images;
  Rng plain_rng(7), weighted_rng(7);  // the same z for both
  const VaeLossTerms plain = vae_loss(vae.net, images, plain_rng.generator());
  const VaeLossTerms weighted = vae_loss(vae.net, images, weighted_rng.generator(), 0.01);
  EXPECT_NEAR(weighted.reconstruction.item<double>(), plain.reconstruction.item<double>(), 1e-4);
  EXPECT_NEAR(weighted.kl.item<double>(), plain.kl.item<double>(), 1e-6);
  EXPECT_GT(plain.kl.item<double>(), 1e-3);  // else the weight would not show
  // -ELBO_beta = reconstruction + beta KL.
  EXPECT_NEAR(weighted.total.item<double>(),
              weighted.reconstruction.item<double>() + 0.01 * weighted.kl.item<double>(), 1e-3);
  EXPECT_NEAR(plain.total.item<double>() - weighted.total.item<double>(), 0.99 * plain.kl.item<double>(),
              1e-3);
}

TEST(Vae, TrainingWithASmallKlWeightReportsTheTrueElbo) {
  torch::set_num_threads(1);
  const auto train = make_shapes_dataset(256, 11);
  VaeTrainConfig config;
  config.hidden = 32;
  config.epochs = 2;
  config.batch_size = 64;
  config.kl_weight = 0.05;
  VaeModel vae = train_vae(train, config);
  EXPECT_EQ(vae.kl_weight, 0.05);
  // vae_negative_elbo is the beta = 1 ELBO: reconstruction + KL of the same z, whatever beta trained it.
  ImageDataset first = train;
  first.images = train.images.narrow(0, 0, 200);  // one batch of vae_negative_elbo's 1000
  Rng same(0);
  const VaeLossTerms expected = [&] {
    torch::NoGradGuard no_grad;
    return vae_loss(vae.net, first.images, same.generator(), 1.0);
  }();
  EXPECT_NEAR(vae_negative_elbo(vae, first, 0),
              expected.reconstruction.item<double>() + expected.kl.item<double>(), 1e-2);
  config.kl_weight = 0;
  EXPECT_THROW(train_vae(train, config), std::invalid_argument);
  config.kl_weight = std::nan("");
  EXPECT_THROW(train_vae(train, config), std::invalid_argument);
  config.kl_weight = 1000;
  EXPECT_THROW(train_vae(train, config), std::invalid_argument);
}

TEST(Vae, TrainingLowersTheNegativeElbo) {
  torch::set_num_threads(1);
  const auto train = make_shapes_dataset(512, 11);
  const auto test = make_shapes_dataset(256, 12);
  VaeTrainConfig config;
  config.hidden = 64;
  config.epochs = 6;
  config.batch_size = 64;
  config.seed = 2;
  VaeModel untrained = small_vae(config.hidden, config.seed);
  const double before = vae_negative_elbo(untrained, test);
  int calls = 0;
  double last = 0;
  VaeModel vae = train_vae(train, config, [&](int epoch, int batch, int batches, double loss) {
    ++calls;
    EXPECT_EQ(batches, 8);
    EXPECT_LE(batch, batches);
    EXPECT_LE(epoch, config.epochs);
    last = loss;
  });
  EXPECT_EQ(calls, 6 * 8);
  EXPECT_EQ(vae.epochs, 6);
  EXPECT_EQ(vae.dataset, "shapes");
  EXPECT_EQ(vae.class_names.size(), 10u);
  const double after = vae_negative_elbo(vae, test);
  EXPECT_LT(after, 0.7 * before) << "before " << before << ", after " << after << ", last running loss "
                                 << last;
  EXPECT_GT(after, 0.0);
  // The same seed, the same model.
  VaeModel again = train_vae(train, config);
  EXPECT_TRUE(torch::equal(vae_encode(vae, test.images), vae_encode(again, test.images)));
}

TEST(Vae, ShapesRangesAndBadInput) {
  auto vae = small_vae();
  const auto images = make_shapes_dataset(5, 2).images;
  const auto codes = vae_encode(vae, images, 2);  // in batches of 2
  EXPECT_EQ(codes.sizes(), (std::vector<std::int64_t>{5, 2}));
  EXPECT_TRUE(torch::isfinite(codes).all().item<bool>());
  EXPECT_TRUE(torch::allclose(codes, vae.net->encode(images).mean.detach(), 1e-5, 1e-6));
  const auto decoded = vae_decode(vae, torch::randn({7, 2}) * 5, 3);
  EXPECT_EQ(decoded.sizes(), (std::vector<std::int64_t>{7, 1, 28, 28}));
  EXPECT_GE(decoded.min().item<double>(), -1.0);
  EXPECT_LE(decoded.max().item<double>(), 1.0);
  EXPECT_EQ(vae_encode(vae, images.narrow(0, 0, 0)).sizes(), (std::vector<std::int64_t>{0, 2}));
  EXPECT_THROW(vae_encode(vae, torch::zeros({2, 3, 28, 28})), std::invalid_argument);
  EXPECT_THROW(vae_encode(vae, torch::zeros({2, 1, 32, 32})), std::invalid_argument);
  EXPECT_THROW(vae_decode(vae, torch::zeros({2, 3})), std::invalid_argument);
  EXPECT_THROW(Vae(7), std::invalid_argument);
  EXPECT_THROW(Vae(2), std::invalid_argument);
  EXPECT_THROW(train_vae(make_shapes_dataset(4, 1, 32)), std::invalid_argument);
}

TEST(Vae, FileRoundTripGivesIdenticalOutputs) {
  auto vae = small_vae(24);
  const std::string path = (temp_dir() / "round.vae").string();
  save_vae(path, vae);
  VaeModel loaded = load_vae(path);
  EXPECT_EQ(loaded.net->hidden(), 24);
  EXPECT_EQ(loaded.dataset, "shapes");
  EXPECT_EQ(loaded.class_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(loaded.epochs, 2);
  EXPECT_EQ(loaded.kl_weight, 0.25);
  EXPECT_EQ(loaded.test_negative_elbo, 123.5);
  const auto images = make_shapes_dataset(6, 4).images;
  const auto codes = torch::randn({6, 2});
  EXPECT_TRUE(torch::equal(vae_encode(vae, images), vae_encode(loaded, images)));
  EXPECT_TRUE(torch::equal(vae_decode(vae, codes), vae_decode(loaded, codes)));
  EXPECT_FALSE(loaded.net->is_training());
}

TEST(Vae, DamagedOrForeignFilesAreRefusedWithTheirNameAndTheReason) {
  const fs::path dir = temp_dir();
  const std::string good = (dir / "good.vae").string();
  save_vae(good, small_vae());
  const std::string bytes = read_bytes(good);
  const auto expect_refused = [&](const std::string& name, const std::string& content,
                                  const std::string& reason) {
    const std::string path = (dir / name).string();
    write_bytes(path, content);
    const std::string message = load_error(path);
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(reason), std::string::npos) << message;
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x55;
  expect_refused("damaged.vae", flipped, "damaged (checksum)");
  expect_refused("cut.vae", bytes.substr(0, bytes.size() / 3), "truncated");
  expect_refused("empty.vae", "", "bad magic");
  expect_refused("foreign.vae", "DLABLENET1" + bytes.substr(8), "bad magic");
  EXPECT_NE(load_error((dir / "missing.vae").string()).find("cannot open"), std::string::npos);

  // A well-formed file (right checksum) whose content does not fit: the header's sizes or the tensors.
  constexpr std::size_t kHeader = 8 + 16;  // magic, size, checksum
  const auto with_payload = [&](std::string payload) {
    std::string out = bytes.substr(0, 8);
    const std::uint64_t size = payload.size(), checksum = fnv1a(payload);
    out.append(reinterpret_cast<const char*>(&size), 8);
    out.append(reinterpret_cast<const char*>(&checksum), 8);
    return out + payload;
  };
  const std::string payload = bytes.substr(kHeader);
  const auto with_int = [&](std::size_t offset, std::int32_t value) {
    std::string p = payload;
    std::memcpy(&p[offset], &value, 4);
    return with_payload(p);
  };
  expect_refused("latent3.vae", with_int(0, 3), "latent dimension 3");
  expect_refused("hidden_odd.vae", with_int(8, 15), "bad hidden width 15");
  expect_refused("hidden_other.vae", with_int(8, 32), "wrong shape of enc1.weight");
  const auto with_double = [&](std::size_t offset, double value) {
    std::string p = payload;
    std::memcpy(&p[offset], &value, 8);
    return with_payload(p);
  };
  // The KL weight follows latent, size, hidden and epochs (4 int32 each).
  expect_refused("beta_zero.vae", with_double(16, 0.0), "bad KL weight 0");
  expect_refused("beta_negative.vae", with_double(16, -0.5), "bad KL weight -0.5");
  expect_refused("beta_nan.vae", with_double(16, std::nan("")), "bad KL weight");
  expect_refused("beta_huge.vae", with_double(16, 1e9), "bad KL weight 1e+09");
  expect_refused("version1.vae", "DLABVAE1" + bytes.substr(8), "bad magic");
  expect_refused("extra.vae", with_payload(payload + "x"), "unexpected bytes");
  std::string nan_payload = payload;
  const float nan = std::nanf("");
  std::memcpy(&nan_payload[nan_payload.size() - 4], &nan, 4);  // the last value of the last tensor
  expect_refused("nan.vae", with_payload(nan_payload), "NaN or infinite");
}

}  // namespace
}  // namespace dlab
