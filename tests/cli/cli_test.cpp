// Runs the real dlab binary and checks the command-line contract of issue 2: CSV formats, values
// against core, determinism, exit codes and one-line error messages naming the flag.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/datasets2d.h"
#include "core/schedule.h"
#include "tests/cli/dlab_runner.h"

namespace dlab {
namespace {

using cli_test::lines_of;
using cli_test::read_file;
using cli_test::Result;
using cli_test::write_file;

std::string temp_path(const std::string& name) {
  std::filesystem::create_directories(DLAB_TEST_TMP);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(DLAB_TEST_TMP) + "/" + info->name() + "_" + name;
}

// Runs "dlab ARGS" with stdout and stderr captured in files.
Result dlab(const std::string& args) {
  static int counter = 0;
  return cli_test::run_dlab(args, temp_path("run" + std::to_string(++counter)));
}

std::vector<double> fields_of(const std::string& line) {
  std::vector<double> values;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');)
    values.push_back(std::strtod(field.c_str(), nullptr));
  return values;
}

// The rows of a CSV text after its header, as numbers.
std::vector<std::vector<double>> rows_of(const std::string& csv) {
  const auto lines = lines_of(csv);
  std::vector<std::vector<double>> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) rows.push_back(fields_of(lines[i]));
  return rows;
}

// x,y CSV as an [n, 2] double tensor.
torch::Tensor points_of(const std::string& csv) {
  const auto lines = lines_of(csv);
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return torch::zeros({0, 2}, torch::kDouble);
  EXPECT_EQ(lines[0], "x,y");
  std::vector<double> values;
  for (const auto& row : rows_of(csv)) {
    EXPECT_EQ(row.size(), 2u);
    values.insert(values.end(), row.begin(), row.end());
  }
  return torch::tensor(values, torch::kDouble).reshape({-1, 2});
}

// Exit code 2 and one line "error: ..." on stderr that contains every expected fragment; nothing on stdout.
void expect_usage_error(const std::string& args, const std::vector<std::string>& fragments, int code = 2) {
  cli_test::expect_one_error_line(dlab(args), args, fragments, code);
}

const char* const kScheduleHeader =
    "t,beta,alpha,alpha_bar,alpha_bar_prev,beta_tilde,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr,"
    "posterior_mean_coef1,posterior_mean_coef2";

TEST(Cli, ScheduleCsvMatchesCoreExactly) {
  const Result r = dlab("schedule --schedule linear");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1001u);  // header + t = 1..1000
  EXPECT_EQ(lines[0], kScheduleHeader);
  const NoiseSchedule s;  // linear, T = 1000, 1e-4..0.02: the documented defaults
  const auto rows = rows_of(r.out);
  for (int t : {1, 2, 500, 1000}) {
    const auto& row = rows[t - 1];
    ASSERT_EQ(row.size(), 12u);
    EXPECT_EQ(row[0], t);
    // %.17g round-trips doubles: the printed table equals core's numbers bit for bit.
    EXPECT_EQ(row[1], s.beta(t));
    EXPECT_EQ(row[3], s.alpha_bar(t));
    EXPECT_EQ(row[4], s.alpha_bar_prev(t));
    EXPECT_EQ(row[5], s.beta_tilde(t));
    EXPECT_EQ(row[8], s.snr(t));
    EXPECT_EQ(row[10], s.posterior_mean_coef1(t));
    EXPECT_EQ(row[11], s.posterior_mean_coef2(t));
  }
  EXPECT_EQ(rows[0][1], 1e-4);                    // beta_1
  EXPECT_EQ(rows[0][4], 1.0);                     // abar_0 = 1
  EXPECT_EQ(rows[0][5], 0.0);                     // beta_tilde_1 = 0
  EXPECT_NEAR(rows[999][3], 4.035e-5, 0.001e-5);  // abar_T of the linear schedule
}

TEST(Cli, CosineScheduleGoldenNumbers) {
  const Result r = dlab("schedule --schedule cosine --timesteps 1000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = rows_of(r.out);
  ASSERT_EQ(rows.size(), 1000u);
  EXPECT_NEAR(rows[0][1], 4.128e-5, 1e-8);  // REFERENCE section 2
  EXPECT_NEAR(rows[499][1], 3.146e-3, 1e-6);
  EXPECT_NEAR(rows[998][1], 0.74999, 1e-5);
  EXPECT_EQ(rows[999][1], 0.999);
  EXPECT_NEAR(rows[999][3], 2.43e-9, 0.01e-9);
}

TEST(Cli, ScheduleOptionsAndRespacing) {
  const Result small =
      dlab("schedule --schedule scaled-linear --timesteps 50 --beta-start 0.001 --beta-end 0.05");
  ASSERT_EQ(small.exit_code, 0) << small.err;
  const auto rows = rows_of(small.out);
  ASSERT_EQ(rows.size(), 50u);
  EXPECT_DOUBLE_EQ(rows[0][1], 0.001);
  EXPECT_DOUBLE_EQ(rows[49][1], 0.05);

  const Result zero = dlab("schedule --schedule linear --zero-terminal-snr");
  ASSERT_EQ(zero.exit_code, 0) << zero.err;
  EXPECT_EQ(rows_of(zero.out).back()[3], 0.0);  // abar_T = 0 (Lin et al. 2023)

  // Respaced to 10 steps (linspace): t = round(linspace(1, 1000, 10)), abar equal to the base schedule's.
  const Result respaced = dlab("schedule --schedule linear --steps 10");
  ASSERT_EQ(respaced.exit_code, 0) << respaced.err;
  const auto lines = lines_of(respaced.out);
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0], kScheduleHeader);
  const NoiseSchedule s;
  const auto respaced_rows = rows_of(respaced.out);
  const int expected_t[] = {1, 112, 223, 334, 445, 556, 667, 778, 889, 1000};
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(respaced_rows[i][0], expected_t[i]);
    EXPECT_DOUBLE_EQ(respaced_rows[i][3], s.alpha_bar(expected_t[i]));
  }
  EXPECT_DOUBLE_EQ(respaced_rows[1][1], 1.0 - s.alpha_bar(112) / s.alpha_bar(1));  // effective beta'
}

TEST(Cli, InvalidScheduleValuesExitTwoNamingTheFlag) {
  expect_usage_error("schedule --schedule foo",
                     {"--schedule", "'foo'", "allowed: linear, scaled-linear, sigmoid, cosine"});
  expect_usage_error("schedule --schedule custom", {"--schedule", "allowed:"});
  expect_usage_error("schedule --schedule linear --timesteps 1", {"--timesteps", "2..4000"});
  expect_usage_error("schedule --schedule linear --timesteps 5000", {"--timesteps", "2..4000"});
  expect_usage_error("schedule --schedule linear --beta-start 0.03 --beta-end 0.02",
                     {"--beta-start", "--beta-end"});
  expect_usage_error("schedule --schedule linear --beta-end 1.5", {"--beta-end", "between 0 and 1"});
  expect_usage_error("schedule --schedule linear --timesteps ten", {"--timesteps"});
  expect_usage_error("schedule --schedule linear --steps 10 --spacing middle",
                     {"--spacing", "linspace, leading"});
  expect_usage_error("schedule", {"--schedule"});  // required
  expect_usage_error("", {"subcommand"});
  expect_usage_error("frobnicate --n 3", {"unknown command 'frobnicate'", "schedule, data, forward, sample"});
}

TEST(Cli, InvalidDataAndForwardValuesExitTwoNamingTheFlag) {
  expect_usage_error("data --dataset spirals --n 10 --seed 1",
                     {"--dataset", "'spirals'", "gmm8", "2spirals"});
  expect_usage_error("data --dataset moons --n -5 --seed 1", {"--n"});
  expect_usage_error("data --dataset moons --n 10", {"--seed"});
  expect_usage_error("data --dataset moons --n 10 --seed -1", {"--seed", "0..2^64-1"});
  expect_usage_error("forward --dataset moons --n 10 --t 1001 --schedule linear --seed 1",
                     {"--t", "0..T = 1000"});
  expect_usage_error("forward --dataset moons --n 10 --t 5 --schedule linear --mode jump --seed 1",
                     {"--mode", "closed, chain"});
}

TEST(Cli, InvalidSampleValuesExitTwoNamingTheFlag) {
  const std::string sample = "sample --model exact --dataset gmm8 --n 10 --seed 1 --schedule linear ";
  expect_usage_error(sample + "--sampler plms --steps 10",
                     {"--sampler", "'plms'", "ddpm, ddim, euler, heun"});
  expect_usage_error(sample + "--sampler ddim --steps 1001", {"--steps", "1..T = 1000"});
  expect_usage_error(sample + "--sampler ddim --steps 0", {"--steps"});
  expect_usage_error(sample + "--sampler ddpm --steps 10 --variance big",
                     {"--variance", "beta-tilde, beta, zero"});
  expect_usage_error(sample + "--sampler ddim --steps 10 --eta 2", {"--eta", "0..1"});
  expect_usage_error(sample + "--sampler ddim --steps 10 --prediction score", {"--prediction", "eps, x0, v"});
  expect_usage_error(
      "sample --model exact --dataset moons --n 10 --seed 1 --schedule linear --sampler ddim --steps 10",
      {"--model", "gmm8", "gmm25", "moons"});
  expect_usage_error("sample --model empirical --n 10 --seed 1 --schedule linear --sampler ddim --steps 10",
                     {"--dataset", "required"});
}

TEST(Cli, RuntimeFailuresExitOneNamingTheFileAndLine) {
  const std::string missing = temp_path("missing.csv");
  expect_usage_error("data --dataset " + missing + " --n 10 --seed 1", {missing}, 1);
  const std::string bad = temp_path("bad.csv");
  write_file(bad, "x,y\n1,2\n3,oops\n");
  expect_usage_error("data --dataset " + bad + " --n 10 --seed 1", {bad + ":3:", "'oops'"}, 1);
  expect_usage_error("sample --model " + temp_path("nothing.ckpt") +
                         " --dataset gmm8 --sampler ddim --steps 10 --schedule linear --n 5 --seed 1",
                     {"cannot load model", "nothing.ckpt"}, 1);
  expect_usage_error("data --dataset moons --n 10 --seed 1 --out " + temp_path("no/such/dir/out.csv"),
                     {"no/such/dir/out.csv"}, 1);
}

TEST(Cli, HelpOnEveryCommandExitsZero) {
  for (const char* command : {"", "schedule", "data", "forward", "sample", "train", "bench", "eval"}) {
    const Result r = dlab(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << command;
    EXPECT_TRUE(r.err.empty()) << command << "\n" << r.err;
  }
  EXPECT_NE(dlab("sample --help").out.find("variance-as-std"), std::string::npos);
}

TEST(Cli, DataIsDeterministicPerSeedAndMatchesCore) {
  const Result a = dlab("data --dataset moons --n 100 --seed 7");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(a.err.empty());
  EXPECT_EQ(dlab("data --dataset moons --n 100 --seed 7").out, a.out);
  EXPECT_NE(dlab("data --dataset moons --n 100 --seed 8").out, a.out);
  EXPECT_EQ(a.out, points_to_csv(sample_dataset(Dataset2D::Moons, 100, 7)));
  EXPECT_EQ(lines_of(a.out).size(), 101u);

  const std::string out = temp_path("moons.csv");
  const Result to_file = dlab("data --dataset moons --n 100 --seed 7 --out " + out);
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_TRUE(to_file.out.empty());
  EXPECT_EQ(read_file(out), a.out);

  // A CSV file as the data set: --n 0 reads every row back unchanged.
  const Result all = dlab("data --dataset " + out + " --n 0 --seed 1");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, a.out);
}

TEST(Cli, ForwardProcessAtTIsGaussianAndDeterministic) {
  const std::string args = "forward --dataset gmm8 --n 4000 --t 1000 --schedule linear --seed 3";
  const Result closed = dlab(args);
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_EQ(dlab(args).out, closed.out);
  EXPECT_NE(dlab("forward --dataset gmm8 --n 4000 --t 1000 --schedule linear --seed 4").out, closed.out);
  // At t = T, x_T = sqrt(abar_T) x_0 + sqrt(1 - abar_T) eps with abar_T = 4e-5: N(0, I) up to 0.6%.
  // Mean within 5/sqrt(n) = 0.08 of 0; variance within 5 sqrt(2/n) = 0.11 of 1.
  for (const auto* result : {&closed}) {
    const auto x = points_of(result->out);
    ASSERT_EQ(x.size(0), 4000);
    EXPECT_LT(x.mean(0).abs().max().item<double>(), 0.08);
    EXPECT_NEAR(x.var(0)[0].item<double>(), 1.0, 0.11);
    EXPECT_NEAR(x.var(0)[1].item<double>(), 1.0, 0.11);
  }
  const Result chain = dlab(args + " --mode chain");
  ASSERT_EQ(chain.exit_code, 0) << chain.err;
  const auto y = points_of(chain.out);
  EXPECT_LT(y.mean(0).abs().max().item<double>(), 0.08);
  EXPECT_NEAR(y.var(0)[0].item<double>(), 1.0, 0.11);

  // t = 0 is the clean data, the same points `dlab data` prints for the seed.
  const Result clean = dlab("forward --dataset gmm8 --n 50 --t 0 --schedule cosine --seed 3");
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.out, dlab("data --dataset gmm8 --n 50 --seed 3").out);
}

TEST(Cli, ExactOracleWithDdimLandsOnTheGmm8Centres) {
  const std::string trajectory = temp_path("trajectory.csv");
  const Result r = dlab(
      "sample --model exact --dataset gmm8 --sampler ddim --steps 50 --schedule linear --n 400 --seed 5 "
      "--trajectory " +
      trajectory);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto x0 = points_of(r.out).to(torch::kFloat);
  ASSERT_EQ(x0.size(0), 400);
  const auto centres = dataset_mixture(Dataset2D::Gmm8)->means;
  const auto [distance, index] = torch::cdist(x0, centres).min(1);
  // The mixture has std 0.2: 98.9% of its points lie within 3 sd = 0.6 of their centre (radius of a 2D
  // Gaussian); 50 ODE steps blur this a little (about 1.2% outside here), so at least 95% must be inside.
  EXPECT_GT(distance.lt(0.6).to(torch::kDouble).mean().item<double>(), 0.95);
  EXPECT_LT(distance.max().item<double>(), 1.5);
  // The spread per coordinate is 0.2 (measured 0.19 with 50 steps).
  EXPECT_NEAR(distance.pow(2).mean().sqrt().item<double>() / std::sqrt(2.0), 0.2, 0.03);
  // Each centre gets ~ Binomial(400, 1/8): 50 +- 6.6; within 5 sd.
  const auto counts = torch::bincount(index, {}, 8).to(torch::kDouble);
  EXPECT_LT((counts - 50.0).abs().max().item<double>(), 33.0);

  // --trajectory: (K + 1) * n rows step,t,x,y; step 0 is x_T at t = T, the last step is x_0 at t = 0.
  const auto lines = lines_of(read_file(trajectory));
  ASSERT_EQ(lines.size(), 1u + 51u * 400u);
  EXPECT_EQ(lines[0], "step,t,x,y");
  const auto first = fields_of(lines[1]);
  EXPECT_EQ(first[0], 0);
  EXPECT_EQ(first[1], 1000);
  const auto last = fields_of(lines.back());
  EXPECT_EQ(last[0], 50);
  EXPECT_EQ(last[1], 0);
  EXPECT_FLOAT_EQ(static_cast<float>(last[2]), x0[399][0].item<float>());
  EXPECT_FLOAT_EQ(static_cast<float>(last[3]), x0[399][1].item<float>());

  EXPECT_EQ(
      dlab("sample --model exact --dataset gmm8 --sampler ddim --steps 50 --schedule linear --n 400 --seed 5")
          .out,
      r.out);
}

TEST(Cli, EmpiricalOracleReproducesItsTrainingPoints) {
  // 25 well-separated training points (spacing 1) from a CSV file; --n 25 takes all of them.
  const std::string grid = temp_path("grid.csv");
  std::string csv = "x,y\n";
  for (int i = -2; i <= 2; ++i)
    for (int j = -2; j <= 2; ++j) csv += std::to_string(i) + "," + std::to_string(j) + "\n";
  write_file(grid, csv);
  const Result r = dlab("sample --model empirical --dataset " + grid +
                        " --sampler ddpm --steps 100 --schedule linear --n 25 --seed 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto samples = points_of(r.out);
  ASSERT_EQ(samples.size(0), 25);
  // The optimal denoiser of a finite set memorises it: every sample is one of the grid points.
  EXPECT_LT((samples - samples.round()).abs().max().item<double>(), 1e-3);
  EXPECT_LE(samples.abs().max().item<double>(), 2.0 + 1e-3);
}

TEST(Cli, EverySamplerRunsAndPredictionsAreInterchangeable) {
  const std::string common =
      "sample --model exact --dataset gmm25 --steps 20 --schedule linear --n 200 --seed 1 ";
  const char* const runs[][2] = {{"ddpm", "eps"}, {"ddim", "x0"},    {"euler", "v"},
                                 {"heun", "eps"}, {"euler-a", "x0"}, {"dpmpp-2m", "v"}};
  for (const auto& [sampler, prediction] : runs) {
    const Result r = dlab(common + "--sampler " + sampler + " --prediction " + prediction);
    ASSERT_EQ(r.exit_code, 0) << sampler << " " << prediction << "\n" << r.err;
    const auto x0 = points_of(r.out);
    EXPECT_EQ(x0.size(0), 200);
    EXPECT_TRUE(torch::isfinite(x0).all().item<bool>()) << sampler;
    // gmm25 lives in [-2, 2]^2 with std 0.1: the samples stay within a few sd of the grid's box.
    EXPECT_LT(x0.abs().max().item<double>(), 3.0) << sampler << " " << prediction;
  }
  // The exact model's eps re-expressed as v or x0 drives DDIM to the same samples, up to float32 rounding.
  const auto eps = points_of(dlab(common + "--sampler ddim --prediction eps").out);
  const auto v = points_of(dlab(common + "--sampler ddim --prediction v").out);
  ASSERT_EQ(eps.sizes(), v.sizes());
  EXPECT_LT((eps - v).abs().max().item<double>(), 1e-3);
}

// ---- train, sample --model PATH, eval, bench (issue 3) --------------------------------------------------

TEST(Cli, TrainSavesACheckpointThatSampleAndEvalLoad) {
  const std::string model = temp_path("gmm8.pt");
  const Result train = dlab("train --dataset gmm8 --steps 300 --batch 128 --threads 1 --seed 3 --lr-decay cosine "
                            "--out " + model);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  // Progress lines, the device, and the final summary.
  EXPECT_NE(train.out.find("device cpu (1 thread)"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("(cosine decay)"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("step 300/300  loss "), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("done: 300 steps in "), std::string::npos) << train.out;
  ASSERT_TRUE(std::filesystem::exists(model));

  const std::string sample = "sample --model " + model + " --dataset gmm8 --n 400 --sampler ddim --steps 20 "
                             "--schedule cosine --seed 5";
  const Result a = dlab(sample);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto x0 = points_of(a.out);
  ASSERT_EQ(x0.size(0), 400);
  EXPECT_TRUE(torch::isfinite(x0).all().item<bool>());
  // 300 steps already move the points from N(0, I) towards the ring of radius 2 of gmm8.
  const double mean_radius = x0.norm(2, 1).mean().item<double>();
  EXPECT_GT(mean_radius, 1.4) << "samples of N(0, I) have mean radius 1.25";
  EXPECT_LT(mean_radius, 2.6);
  EXPECT_EQ(dlab(sample).out, a.out) << "sampling from a checkpoint is deterministic per seed";

  const Result eval = dlab("eval --model " + model + " --n 300 --threads 1");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.out.find("ddpm-linear-1000: energy "), std::string::npos) << eval.out;
  EXPECT_NE(eval.out.find("ddim50-cosine-1000: energy "), std::string::npos) << eval.out;
  EXPECT_NE(eval.out.find("nfe 50"), std::string::npos) << eval.out;
}

TEST(Cli, TrainResumesFromItsCheckpoint) {
  const std::string first = temp_path("first.pt"), second = temp_path("second.pt");
  ASSERT_EQ(dlab("train --dataset moons --steps 100 --threads 1 --seed 2 --out " + first).exit_code, 0);
  const Result resumed = dlab("train --dataset moons --steps 50 --threads 1 --seed 2 --resume " + first +
                              " --out " + second);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("from step 100 of"), std::string::npos) << resumed.out;
  // A weights-only checkpoint is enough to sample but holds no optimizer state to resume exactly.
  const std::string light = temp_path("light.pt");
  ASSERT_EQ(dlab("train --dataset moons --steps 20 --threads 1 --weights-only --out " + light).exit_code, 0);
  EXPECT_LT(std::filesystem::file_size(light), std::filesystem::file_size(first) / 2);
}

TEST(Cli, TrainSaveEveryWritesOnTheWayAndTrainsTheSameWeights) {
  const std::string whole = temp_path("whole_run.pt"), pieces = temp_path("pieces_run.pt");
  const std::string train = "train --dataset moons --steps 100 --threads 1 --seed 4 --lr-decay cosine --out ";
  ASSERT_EQ(dlab(train + whole).exit_code, 0);
  const Result r = dlab(train + pieces + " --save-every 30");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* step : {" at step 30\n", " at step 60\n", " at step 90\n"})
    EXPECT_NE(r.out.find("saved " + pieces + step), std::string::npos) << step << "\n" << r.out;
  EXPECT_EQ(r.out.find(" at step 100\n"), std::string::npos) << "the end is the final save, not a piece";
  EXPECT_NE(r.out.find("step 100/100  loss "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done: 100 steps in "), std::string::npos) << r.out;
  // Training in pieces draws the same batches and follows the same learning-rate schedule: the same samples.
  const std::string sample = " --dataset moons --n 50 --sampler ddim --steps 10 --schedule linear --seed 1";
  const Result a = dlab("sample --model " + whole + sample), b = dlab("sample --model " + pieces + sample);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  expect_usage_error(train + pieces + " --save-every -1", {"--save-every"});
}

TEST(Cli, InvalidTrainValuesExitTwoNamingTheFlag) {
  const std::string out = " --out " + temp_path("never.pt");
  expect_usage_error("train --dataset gmm8 --steps 0" + out, {"--steps"});
  expect_usage_error("train --dataset gmm8 --steps 10 --lr -1" + out, {"--lr"});
  expect_usage_error("train --dataset gmm8 --steps 10 --batch 0" + out, {"--batch"});
  expect_usage_error("train --dataset gmm8 --steps 10 --lr-decay linear" + out, {"--lr-decay", "none, cosine"});
  expect_usage_error("train --dataset gmm8 --steps 10 --device tpu" + out, {"--device", "auto, cpu, cuda"});
  expect_usage_error("train --dataset nosuchset --steps 10" + out, {"--dataset", "nosuchset"});
  EXPECT_FALSE(std::filesystem::exists(temp_path("never.pt")));
}

TEST(Cli, CorruptOrMismatchedCheckpointsExitOneNamingTheFile) {
  const std::string garbage = temp_path("garbage.pt");
  write_file(garbage, "this is not a checkpoint");
  const std::string sample = " --dataset gmm8 --n 5 --sampler ddim --steps 5 --schedule linear --seed 1";
  expect_usage_error("sample --model " + garbage + sample, {"cannot load model", garbage}, 1);
  expect_usage_error("eval --model " + garbage, {garbage}, 1);
  expect_usage_error("train --dataset gmm8 --steps 5 --resume " + garbage + " --out " + temp_path("x.pt"),
                     {garbage}, 1);
  // A truncated checkpoint: the checksum or the length check names it.
  const std::string model = temp_path("whole.pt"), cut = temp_path("cut.pt");
  ASSERT_EQ(dlab("train --dataset gmm8 --steps 5 --threads 1 --out " + model).exit_code, 0);
  const std::string bytes = read_file(model);
  write_file(cut, bytes.substr(0, bytes.size() / 2));
  expect_usage_error("sample --model " + cut + sample, {"cannot load model", cut}, 1);
}

TEST(Cli, BenchPrintsNameValueUnitLines) {
  const Result r = dlab("bench --threads 1 --seconds 0.2 --points 500");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"train_steps_per_s: ", "train_samples_per_s: ", "sample_point_steps_per_s: ",
                           "sample_step_ms: "}) {
    const auto at = r.out.find(std::string("\n") + name);
    ASSERT_NE(at, std::string::npos) << name << "\n" << r.out;
    const double value = std::strtod(r.out.c_str() + at + 1 + std::string(name).size(), nullptr);
    EXPECT_GT(value, 0) << name;
  }
}

// ---- images (issue 5): the same train and sample commands with a U-Net -----------------------------------

TEST(Cli, ImageModelTrainsAndSamplesAPngGrid) {
  const std::string model = temp_path("shapes.pt"), grid = temp_path("grid.png");
  const Result train = dlab("train --dataset shapes --n 64 --steps 3 --batch 8 --channels 8 --levels 2 --threads 1 "
                            "--seed 1 --out " + model);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("unet"), std::string::npos) << train.out;
  const Result sample = dlab("sample --model " + model + " --n 4 --sampler ddim --steps 3 --schedule cosine "
                             "--seed 2 --class 1 --guidance 3 --out " + grid);
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  // A PNG: its signature, and the IHDR width and height of a 2 x 2 grid of 28 x 28 images (scaled).
  const std::string png = read_file(grid);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  EXPECT_GE(be32(16), 2 * 28);
  EXPECT_EQ(be32(16), be32(20)) << "a square grid";
  expect_usage_error("sample --model " + model + " --n 4 --sampler ddim --steps 3 --schedule cosine --seed 2 "
                     "--guidance 11 --out " + grid, {"--guidance"});
  expect_usage_error("sample --model " + model + " --n 4 --sampler ddim --steps 3 --schedule cosine --seed 2 "
                     "--out " + temp_path("grid.csv"), {"--out", ".png"});
}

}  // namespace
}  // namespace dlab
