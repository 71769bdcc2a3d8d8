// Checkpoints: round trip, resume equals continuing, atomic writes, and clear refusals of bad files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include <unistd.h>

#include "core/checkpoint.h"
#include "core/datasets2d.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("dlab_checkpoint_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static TrainerConfig config(std::uint64_t seed = 4) {
    TrainerConfig c;
    c.device = DeviceKind::Cpu;
    c.threads = 1;
    c.seed = seed;
    c.batch_size = 64;
    return c;
  }
  static torch::Tensor data() { return sample_dataset(Dataset2D::Moons, 2048, 3); }

  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const std::string& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // Splits a file into its header JSON and payload, edits the header and writes it back.
  static void edit_header(const std::string& file, const std::function<void(nlohmann::json&)>& edit) {
    const std::string bytes = read(file);
    const auto* length_bytes = reinterpret_cast<const unsigned char*>(bytes.data() + 8);
    const std::uint32_t length = length_bytes[0] | (length_bytes[1] << 8) | (length_bytes[2] << 16) |
                                 (static_cast<std::uint32_t>(length_bytes[3]) << 24);
    auto header = nlohmann::json::parse(bytes.substr(12, length));
    edit(header);
    const std::string text = header.dump();
    const std::uint32_t n = static_cast<std::uint32_t>(text.size());
    std::string out = bytes.substr(0, 8);
    out += std::string{static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                       static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
    out += text + bytes.substr(12 + length);
    write(file, out);
  }
  void expect_refused(const std::string& file, const std::string& because) {
    try {
      load_checkpoint(file);
      ADD_FAILURE() << "loaded " << file << " without complaint; expected: " << because;
    } catch (const CheckpointError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(file), std::string::npos) << message;
      EXPECT_NE(message.find(because), std::string::npos) << message;
    }
  }

  fs::path dir_;
};

std::vector<torch::Tensor> parameters_of(const DenoiserNet& net) {
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

bool all_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!torch::equal(a[i], b[i])) return false;
  return true;
}

TEST_F(CheckpointTest, RoundTripKeepsEverything) {
  auto c = config();
  c.optimizer = OptimizerKind::AdamW;
  c.learning_rate = 2e-3;
  ModelSpec spec;
  spec.prediction = Prediction::V;
  Trainer trainer(c, spec, data());
  trainer.train(30);
  const auto checkpoint = make_checkpoint(trainer, "moons", true, 1.5);
  save_checkpoint(path("a.pt"), checkpoint);
  const auto loaded = load_checkpoint(path("a.pt"));
  EXPECT_EQ(loaded.spec.prediction, Prediction::V);
  EXPECT_EQ(loaded.spec.hidden, spec.hidden);
  EXPECT_EQ(loaded.spec.data_shape, spec.data_shape);
  EXPECT_EQ(loaded.config.optimizer, OptimizerKind::AdamW);
  EXPECT_DOUBLE_EQ(loaded.config.learning_rate, 2e-3);
  EXPECT_EQ(loaded.config.noise_schedules.size(), 2u);
  EXPECT_EQ(loaded.config.noise_schedules[1].kind, ScheduleKind::Cosine);
  EXPECT_EQ(loaded.metadata.format_version, kCheckpointFormatVersion);
  EXPECT_EQ(loaded.metadata.dataset, "moons");
  EXPECT_EQ(loaded.metadata.training_steps, 30);
  EXPECT_DOUBLE_EQ(loaded.metadata.final_loss, trainer.last_loss());
  EXPECT_DOUBLE_EQ(loaded.metadata.training_seconds, 1.5);
  EXPECT_EQ(loaded.metadata.device, "cpu (1 thread)");
  EXPECT_EQ(loaded.metadata.libtorch_version, libtorch_version());
  EXPECT_EQ(loaded.metadata.created.size(), 20u);  // 2024-05-01T12:00:00Z
  EXPECT_EQ(loaded.state.step, 30);
  EXPECT_EQ(loaded.state.optimizer_step, 30);
  EXPECT_EQ(loaded.state.loss_history, trainer.loss_history());
  ASSERT_EQ(loaded.state.weights.size(), checkpoint.state.weights.size());
  for (std::size_t i = 0; i < loaded.state.weights.size(); ++i) {
    EXPECT_EQ(loaded.state.weights[i].name, checkpoint.state.weights[i].name);
    EXPECT_TRUE(torch::equal(loaded.state.weights[i].value, checkpoint.state.weights[i].value));
    EXPECT_TRUE(torch::equal(loaded.state.ema_weights[i].value, checkpoint.state.ema_weights[i].value));
  }
  EXPECT_TRUE(torch::equal(loaded.state.exp_avg, checkpoint.state.exp_avg));
  EXPECT_TRUE(torch::equal(loaded.state.exp_avg_sq, checkpoint.state.exp_avg_sq));
  EXPECT_TRUE(torch::equal(loaded.state.rng_state, checkpoint.state.rng_state));
}

TEST_F(CheckpointTest, ResumingFromAFileEqualsContinuing) {
  Trainer continuous(config(), ModelSpec{}, data());
  continuous.train(100);
  continuous.train(100);

  Trainer first_half(config(), ModelSpec{}, data());
  first_half.train(100);
  save_checkpoint(path("half.pt"), make_checkpoint(first_half, "moons"));
  const auto checkpoint = load_checkpoint(path("half.pt"));
  Trainer resumed(checkpoint.config, checkpoint.spec, data());
  restore_trainer(resumed, checkpoint);
  EXPECT_EQ(resumed.step(), 100);
  resumed.train(100);
  EXPECT_EQ(resumed.step(), 200);
  EXPECT_TRUE(all_equal(parameters_of(continuous.net()), parameters_of(resumed.net())));
  EXPECT_TRUE(all_equal(parameters_of(continuous.ema_net()), parameters_of(resumed.ema_net())));
  EXPECT_EQ(continuous.loss_history(), resumed.loss_history());
}

TEST_F(CheckpointTest, WeightsOnlyCheckpointIsSmallAndSamplesLikeTheEma) {
  Trainer trainer(config(), ModelSpec{}, data());
  trainer.train(20);
  save_checkpoint(path("full.pt"), make_checkpoint(trainer, "moons", true));
  save_checkpoint(path("weights.pt"), make_checkpoint(trainer, "moons", false));
  // 58,370 float32 parameters = 233 kB, plus the header; the full file adds raw weights and Adam's moments.
  EXPECT_LT(fs::file_size(path("weights.pt")), 250'000u);
  EXPECT_GT(fs::file_size(path("full.pt")), 3 * fs::file_size(path("weights.pt")));

  const auto loaded = load_denoiser_for_sampling(path("weights.pt"), torch::kCPU, ModelKind::Mlp);
  EXPECT_EQ(loaded.metadata.dataset, "moons");
  const auto ema = trainer.ema_net(torch::kCPU);
  const auto x = torch::randn({16, 2});
  const auto level = torch::linspace(-15, 9, 16);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(loaded.net->forward(x, level, {}), ema->forward(x, level, {})));
  // The full checkpoint samples from its EMA weights too.
  const auto from_full = load_denoiser_for_sampling(path("full.pt"));
  EXPECT_TRUE(torch::equal(from_full.net->forward(x, level, {}), ema->forward(x, level, {})));
  // A sampler's denoiser over it: eps for x_t at abar, the same as calling the network at log-SNR.
  const auto denoiser = make_network_denoiser(loaded.net, torch::kCPU, 5);  // batches of 5 rows
  const double abar = 0.3;
  const auto expected = ema->forward(x, torch::full({16}, static_cast<float>(std::log(abar / (1 - abar)))), {});
  EXPECT_LT((denoiser(x, 500, abar) - expected).abs().max().item<double>(), 1e-5);
}

TEST_F(CheckpointTest, WritesAtomicallyAndLeavesNoTemporaryFiles) {
  Trainer trainer(config(), ModelSpec{}, data());
  trainer.train(5);
  const auto good = make_checkpoint(trainer, "moons", false);
  save_checkpoint(path("model.pt"), good);
  const std::string before = read(path("model.pt"));
  // A save that fails half-way (an undefined tensor is found after the file was opened and its magic
  // written) leaves the old file untouched and no temporary file behind.
  auto broken = good;
  broken.state.exp_avg = torch::Tensor();
  broken.state.exp_avg_sq = torch::zeros({3}).to(torch::kDouble);  // unsupported dtype
  EXPECT_THROW(save_checkpoint(path("model.pt"), broken), std::runtime_error);
  EXPECT_EQ(read(path("model.pt")), before);
  // Overwriting with a larger checkpoint replaces the file entirely.
  save_checkpoint(path("model.pt"), make_checkpoint(trainer, "moons", true));
  EXPECT_GT(fs::file_size(path("model.pt")), before.size());
  EXPECT_EQ(load_checkpoint(path("model.pt")).state.step, 5);
  // A destination that cannot be replaced (a directory) fails with the path in the message.
  fs::create_directories(path("folder.pt"));
  try {
    save_checkpoint(path("folder.pt"), good);
    ADD_FAILURE() << "saved over a directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("folder.pt"), std::string::npos) << e.what();
  }
  EXPECT_THROW(save_checkpoint(path("missing/dir/model.pt"), good), std::runtime_error);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"folder.pt", "model.pt"}));
}

TEST_F(CheckpointTest, RefusesWhatIsNotACheckpoint) {
  expect_refused(path("absent.pt"), "no such file");
  fs::create_directories(path("dir.pt"));
  expect_refused(path("dir.pt"), "not a regular file");
  write(path("empty.pt"), "");
  expect_refused(path("empty.pt"), "not a Diffusion Lab checkpoint");
  std::mt19937 random(7);
  std::string noise(5000, '\0');
  for (auto& byte : noise) byte = static_cast<char>(random() & 0xff);
  write(path("noise.pt"), noise);
  expect_refused(path("noise.pt"), "not a Diffusion Lab checkpoint");
  write(path("magic_only.pt"), std::string("DLABCKPT") + std::string("\xff\xff\xff\x00", 4) + "{}");
  expect_refused(path("magic_only.pt"), "truncated or corrupt");
  write(path("bad_json.pt"), std::string("DLABCKPT") + std::string("\x05\x00\x00\x00", 4) + "{oops");
  expect_refused(path("bad_json.pt"), "corrupt header");
}

TEST_F(CheckpointTest, RefusesTruncatedAndAlteredFiles) {
  Trainer trainer(config(), ModelSpec{}, data());
  trainer.train(3);
  save_checkpoint(path("good.pt"), make_checkpoint(trainer, "moons"));
  const std::string bytes = read(path("good.pt"));
  write(path("cut.pt"), bytes.substr(0, bytes.size() - 100));
  expect_refused(path("cut.pt"), "truncated");
  write(path("cut_header.pt"), bytes.substr(0, 200));
  expect_refused(path("cut_header.pt"), "truncated or corrupt");
  std::string flipped = bytes;
  flipped[flipped.size() - 1000] ^= 0x40;
  write(path("flipped.pt"), flipped);
  expect_refused(path("flipped.pt"), "checksum");
  write(path("longer.pt"), bytes + "extra");
  expect_refused(path("longer.pt"), "unexpected bytes");
}

TEST_F(CheckpointTest, RefusesAFutureFormatAnotherModelAndMismatchedShapes) {
  Trainer trainer(config(), ModelSpec{}, data());
  save_checkpoint(path("good.pt"), make_checkpoint(trainer, "moons", false));

  fs::copy_file(path("good.pt"), path("future.pt"));
  edit_header(path("future.pt"), [](nlohmann::json& header) { header["format_version"] = 99; });
  expect_refused(path("future.pt"), "newer Diffusion Lab (checkpoint format 99; this build reads formats up to 1)");

  fs::copy_file(path("good.pt"), path("narrow.pt"));
  edit_header(path("narrow.pt"), [](nlohmann::json& header) { header["model"]["hidden"] = 64; });
  expect_refused(path("narrow.pt"), "has shape [128, 66] but the model spec needs [64, 66]");

  fs::copy_file(path("good.pt"), path("kind.pt"));
  edit_header(path("kind.pt"), [](nlohmann::json& header) { header["model"]["kind"] = "transformer"; });
  expect_refused(path("kind.pt"), "model.kind: unknown value 'transformer'");

  fs::copy_file(path("good.pt"), path("other.pt"));
  edit_header(path("other.pt"), [](nlohmann::json& header) { header["kind"] = "something-else"; });
  expect_refused(path("other.pt"), "not a Diffusion Lab checkpoint");

  fs::copy_file(path("good.pt"), path("no_model.pt"));
  edit_header(path("no_model.pt"), [](nlohmann::json& header) { header.erase("model"); });
  expect_refused(path("no_model.pt"), "corrupt header");

  try {
    load_denoiser_for_sampling(path("good.pt"), torch::kCPU, ModelKind::UNet);
    ADD_FAILURE() << "an MLP checkpoint was accepted where a U-Net is needed";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("holds a 'mlp' model, but a 'unet' model is needed"), std::string::npos)
        << e.what();
  }
}

// Found by tests/fuzz/checkpoint_fuzz: a float where an integer belongs went through nlohmann's get<int>(),
// undefined behaviour out of range; an integer beyond int was truncated (4294967297 read as format 1).
TEST_F(CheckpointTest, RefusesHeaderIntegersThatDoNotFit) {
  Trainer trainer(config(), ModelSpec{}, data());
  save_checkpoint(path("good.pt"), make_checkpoint(trainer, "moons", false));
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> edits = {
      {"version_float.pt", [](nlohmann::json& h) { h["format_version"] = 1e300; }},
      {"dimension_float.pt", [](nlohmann::json& h) { h["tensors"][0]["shape"][0] = 1e27; }},
      {"hidden_float.pt", [](nlohmann::json& h) { h["model"]["hidden"] = -1e300; }},
      {"batch_float.pt", [](nlohmann::json& h) { h["training"]["batch_size"] = 1e300; }},
      {"hidden_wide.pt", [](nlohmann::json& h) { h["model"]["hidden"] = 4294967424ll; }},
  };
  for (const auto& [name, edit] : edits) {
    fs::copy_file(path("good.pt"), path(name));
    edit_header(path(name), edit);
    expect_refused(path(name), "is not an integer in the range of its type");
  }
  fs::copy_file(path("good.pt"), path("version_wide.pt"));
  edit_header(path("version_wide.pt"), [](nlohmann::json& h) { h["format_version"] = 4294967297ll; });
  expect_refused(path("version_wide.pt"), "checkpoint format 4294967297;");
  // Issue 15: a format version of 2^40 was printed as "version 0" (the low 32 bits).
  fs::copy_file(path("good.pt"), path("version_2_40.pt"));
  edit_header(path("version_2_40.pt"), [](nlohmann::json& h) { h["format_version"] = 1ll << 40; });
  expect_refused(path("version_2_40.pt"),
                 "written by a newer Diffusion Lab (checkpoint format 1099511627776;");
}

// Found by review, checked by tests/fuzz/checkpoint_fuzz: the element count of a shape wrapped around 2^64,
// so [2^32, 2^32] matched "bytes": 0 and reached torch::empty.
TEST_F(CheckpointTest, RefusesAShapeWhoseSizeOverflows) {
  Trainer trainer(config(), ModelSpec{}, data());
  save_checkpoint(path("good.pt"), make_checkpoint(trainer, "moons", false));
  fs::copy_file(path("good.pt"), path("overflow.pt"));
  edit_header(path("overflow.pt"), [](nlohmann::json& header) {
    header["tensors"][0]["shape"] = {4294967296ll, 4294967296ll};
    header["tensors"][0]["bytes"] = 0;
  });
  expect_refused(path("overflow.pt"), "corrupt table entry for tensor 'weights/");
}

// Found by tests/fuzz/checkpoint_fuzz: messages quoted megabytes of the file (the JSON parser's last token,
// a tensor's name).
TEST_F(CheckpointTest, ErrorMessagesQuoteOnlyAShortPieceOfTheFile) {
  const std::string json = "{\"kind\": \"" + std::string(100000, 'k') + "\u0001";
  const auto n = static_cast<std::uint32_t>(json.size());
  write(path("long_token.pt"),
        std::string("DLABCKPT") +
            std::string{static_cast<char>(n & 0xff), static_cast<char>(n >> 8 & 0xff),
                        static_cast<char>(n >> 16 & 0xff), static_cast<char>(n >> 24)} +
            json);
  Trainer trainer(config(), ModelSpec{}, data());
  save_checkpoint(path("good.pt"), make_checkpoint(trainer, "moons", false));
  fs::copy_file(path("good.pt"), path("long_name.pt"));
  edit_header(path("long_name.pt"),
              [](nlohmann::json& h) { h["tensors"][0]["name"] = std::string(100000, 'n'); });
  fs::copy_file(path("good.pt"), path("long_kind.pt"));
  edit_header(path("long_kind.pt"), [](nlohmann::json& h) { h["model"]["kind"] = std::string(100000, 'm'); });
  for (const auto& [file, because] : {std::pair{"long_token.pt", "corrupt header"},
                                      std::pair{"long_name.pt", "unknown tensor 'nnnn"},
                                      std::pair{"long_kind.pt", "model.kind: unknown value"}}) {
    expect_refused(path(file), because);
    try {
      load_checkpoint(path(file));
    } catch (const CheckpointError& e) {
      EXPECT_LT(std::string(e.what()).size(), 600u) << file;
    }
  }
}

}  // namespace
}  // namespace dlab
