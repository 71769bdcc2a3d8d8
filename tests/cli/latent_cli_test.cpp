// Latent diffusion on the command line (issue 12): dlab train-vae, dlab train --dataset fashion-mnist-latent,
// dlab sample --decoder (a PNG grid of decoded codes) and dlab eval --decoder (the Frechet distances).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/image_datasets.h"
#include "core/latent_diffusion.h"
#include "core/vae.h"
#include "tests/cli/dlab_runner.h"

namespace dlab {
namespace {

using cli_test::read_file;
using cli_test::Result;
using cli_test::write_file;

std::string temp_path(const std::string& name) {
  std::filesystem::create_directories(DLAB_TEST_TMP);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(DLAB_TEST_TMP) + "/latent_" + info->name() + "_" + name;
}

Result dlab(const std::string& args, const std::string& shell_prefix = "") {
  static int counter = 0;
  return cli_test::run_dlab(args, temp_path("run" + std::to_string(++counter)), shell_prefix);
}

void expect_error(const std::string& args, const std::vector<std::string>& fragments, int code,
                  const std::string& shell_prefix = "") {
  cli_test::expect_one_error_line(dlab(args, shell_prefix), args, fragments, code);
}

// Width and height from a PNG's IHDR chunk.
std::pair<int, int> png_size(const std::string& png) {
  EXPECT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  if (png.size() < 24) return {0, 0};
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  return {be32(16), be32(20)};
}

TEST(LatentCli, TrainVaeThenSampleAndEvaluateDecodedCodes) {
  if (!fashion_mnist_available()) GTEST_SKIP() << "needs dataset-fashion-mnist";
  const std::string vae = temp_path("tiny.vae"), model = temp_path("points.pt"), grid = temp_path("grid.png");
  const Result train = dlab(
      "train-vae --limit 256 --epochs 2 --hidden 16 --batch 64 --threads 1 --seed 3 --kl-weight 0.2 --out " +
      vae);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("256 Fashion-MNIST images for 2 epochs"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("KL weight beta 0.2"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("test -ELBO (beta 1)"), std::string::npos) << train.out;
  const VaeModel loaded = load_vae(vae);
  EXPECT_EQ(loaded.net->hidden(), 16);
  EXPECT_EQ(loaded.epochs, 2);
  EXPECT_EQ(loaded.kl_weight, 0.2);
  EXPECT_GT(loaded.test_negative_elbo, 0);

  // Any 2D model samples codes; the decoder turns them into a grid of 6 images: 3 columns, 2 rows, each
  // 28 x 28 at scale 2, 2 pixels of padding between and around.
  ASSERT_EQ(dlab("train --dataset gmm8 --steps 3 --n 256 --threads 1 --out " + model).exit_code, 0);
  const Result sample = dlab("sample --model " + model + " --decoder " + vae +
                             " --sampler ddim --steps 4 --schedule linear --n 6 --seed 1 --out " + grid);
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  EXPECT_NE(sample.out.find("decoded 6 sampled codes"), std::string::npos) << sample.out;
  EXPECT_EQ(png_size(read_file(grid)), std::make_pair(3 * 56 + 4 * 2, 2 * 56 + 3 * 2));

  // The Frechet distances of the three decoded sets.
  const Result eval = dlab("eval --model " + model + " --decoder " + vae + " --n 50 --steps 4 --threads 1");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  for (const char* line : {"VAE prior z ~ N(0, I)", "latent diffusion ", "reconstructions (the floor)"})
    EXPECT_NE(eval.out.find(line), std::string::npos) << eval.out;

  // Bad input: the file named with what is wrong; a grid that is not a PNG; flags that mean nothing here.
  const std::string bad = temp_path("bad.vae");
  write_file(bad, "not a VAE at all, just text");
  expect_error("sample --model " + model + " --decoder " + bad +
                   " --sampler ddim --steps 4 --schedule linear --n 6 --seed 1 --out " + grid,
               {bad, "bad magic"}, 1);
  expect_error("sample --model " + model + " --decoder " + temp_path("missing.vae") +
                   " --sampler ddim --steps 4 --schedule linear --n 6 --seed 1 --out " + grid,
               {"missing.vae", "cannot open"}, 1);
  expect_error("sample --model " + model + " --decoder " + vae +
                   " --sampler ddim --schedule linear --n 6 --seed 1 --out " + temp_path("x.csv"),
               {"--out", ".png"}, 2);
  expect_error("eval --model " + model + " --decoder " + bad + " --n 50", {bad, "bad magic"}, 1);
  expect_error("eval --model " + model + " --decoder " + vae + " --n 50 --guidance 2",
               {"--guidance", "--decoder"}, 2);
}

TEST(LatentCli, TrainVaeRefusesBadValuesNamingTheFlag) {
  const std::string out = temp_path("x.vae");
  expect_error("train-vae --hidden 7 --out " + out, {"--hidden", "even"}, 2);
  expect_error("train-vae --epochs 0 --out " + out, {"--epochs"}, 2);
  expect_error("train-vae --lr -1 --out " + out, {"--lr"}, 2);
  expect_error("train-vae --limit 70000 --out " + out, {"--limit", "60000"}, 2);
  expect_error("train-vae --kl-weight 0 --out " + out, {"--kl-weight", "above 0"}, 2);
  expect_error("train-vae --kl-weight -1 --out " + out, {"--kl-weight", "above 0"}, 2);
  expect_error("train-vae --kl-weight 1000 --out " + out, {"--kl-weight", "at most 100"}, 2);
  expect_error("train-vae --out /nonexistent/dir/x.vae", {"/nonexistent/dir"}, 1);
  const Result help = dlab("train-vae --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--epochs"), std::string::npos);
  EXPECT_NE(help.out.find("--kl-weight"), std::string::npos);
}

TEST(LatentCli, TheCodesAreATwoDimensionalDataSet) {
  if (!fashion_mnist_available() || !std::filesystem::exists(shipped_model_path(kShippedVaeFile)))
    GTEST_SKIP() << "needs dataset-fashion-mnist and the shipped VAE";
  const Result data = dlab("data --dataset fashion-mnist-latent --n 5 --seed 2");
  ASSERT_EQ(data.exit_code, 0) << data.err;
  EXPECT_EQ(cli_test::lines_of(data.out).size(), 6u);
  const Result train = dlab("train --dataset fashion-mnist-latent --steps 3 --n 500 --threads 1 --out " +
                            temp_path("latent.pt"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("on fashion-mnist-latent (500 points)"), std::string::npos) << train.out;
  // Without the VAE (DLAB_MODELS_DIR pointing at an empty folder): what to do, exit 1.
  const std::string empty = temp_path("no_models");
  std::filesystem::create_directories(empty);
  expect_error("train --dataset fashion-mnist-latent --steps 3 --out " + temp_path("never.pt"),
               {"vae-fashion-mnist.vae", "dlab train-vae"}, 1, "DLAB_MODELS_DIR=" + empty + " ");
}

}  // namespace
}  // namespace dlab
