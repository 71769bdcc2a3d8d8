// Hostile and careless input on the real dlab binary (issue 15): outputs that are devices, links or missing
// folders; schedules that would sample NaN; values beyond their types; options that would be ignored; input
// quoted in messages. The contract: exit 0 / 2 (usage) / 1 (runtime), one line "error: ...", nothing
// half-written, no output file left by a failed command.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/device.h"
#include "tests/cli/dlab_runner.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

using cli_test::read_file;
using cli_test::Result;
using cli_test::write_file;

// A fresh folder per test.
std::string folder() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string path = std::string(DLAB_TEST_TMP) + "/bad_input_" + info->name();
  static std::string made;
  if (made != path) {
    fs::remove_all(path);
    fs::create_directories(path);
    made = path;
  }
  return path;
}

std::string in_folder(const std::string& name) { return folder() + "/" + name; }

// Runs "dlab ARGS" (in the test's folder when `here`), stdout and stderr captured.
Result dlab(const std::string& args, bool here = false, const std::string& prefix = "") {
  static int counter = 0;
  return cli_test::run_dlab(args, in_folder("run" + std::to_string(++counter)),
                            prefix + (here ? "cd '" + folder() + "' && " : std::string()));
}

int count_lines(const std::string& text) { return cli_test::count_newlines(text); }

// Exit `code`, one line "error: ..." holding every fragment, nothing on stdout.
Result expect_error(const std::string& args, const std::vector<std::string>& fragments, int code = 2) {
  const Result r = dlab(args);
  cli_test::expect_one_error_line(r, args, fragments, code);
  return r;
}

const std::string kSample = "sample --model exact --dataset gmm8 --sampler ddim --steps 5 --schedule linear --seed 1";

// Runs "dlab ARGS" (stdout and stderr to files) and returns its exit code and its peak resident memory in
// kB (wait4's ru_maxrss of the process, which the shell replaces by exec).
std::pair<int, long> dlab_peak_memory(const std::string& args) {
  static int counter = 0;
  const std::string base = in_folder("measured" + std::to_string(++counter));
  const std::string command =
      std::string("exec ") + DLAB_BINARY + " " + args + " >" + base + ".out 2>" + base + ".err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid) return {-1, 0};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss};
}

// AddressSanitizer's shadow memory and quarantine (freed blocks kept for a while) make peak memory
// meaningless: the memory bounds are checked in the release build.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasuresMemory = false;
#else
constexpr bool kMeasuresMemory = true;
#endif

// A tiny class-conditional U-Net (4 channels, 1 level) for the image commands, trained once per test.
std::string tiny_image_model() {
  const std::string model = in_folder("tiny.pt");
  const Result r = dlab(
      "train --dataset shapes --n 16 --steps 1 --batch 4 --channels 4 --levels 1 --threads 1 --seed 1 "
      "--out " +
      model);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return model;
}

// ---- data loss ----------------------------------------------------------------------------------------

TEST(CliBadInput, OutputToADeviceIsWrittenThroughAndAFullDiskIsAnError) {
  const Result r = dlab("data --dataset moons --n 3 --seed 1 --out /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null became a regular file";
  if (::access("/dev/full", W_OK) == 0) {
    expect_error("data --dataset moons --n 3 --seed 1 --out /dev/full", {"/dev/full", "No space left on device"}, 1);
    expect_error(kSample + " --n 100 --trajectory /dev/full --out " + in_folder("x.csv"), {"/dev/full"}, 1);
    EXPECT_FALSE(fs::exists(in_folder("x.csv"))) << "x_0 written although the trajectory failed";
  }
}

TEST(CliBadInput, OutputThroughASymbolicLinkKeepsTheLinkAndTheMode) {
  const std::string real = in_folder("real.csv"), link = in_folder("link.csv");
  write_file(real, "old\n");
  ASSERT_EQ(::chmod(real.c_str(), 0600), 0);
  fs::create_symlink("real.csv", link);
  const Result r = dlab("data --dataset moons --n 3 --seed 1 --out " + link);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read_file(real).rfind("x,y\n", 0), 0u);
  struct stat st {};
  ASSERT_EQ(::stat(real.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

// ---- NaN schedules --------------------------------------------------------------------------------------

TEST(CliBadInput, SchedulesThatWouldSampleNanAreRefusedNamingTheFlag) {
  expect_error("schedule --schedule linear --beta-end 0.4", {"--beta-end: ", "abar_t fall below"});
  expect_error("schedule --schedule linear --beta-start 1e-17", {"--beta-start: ", "too small"});
  expect_error(kSample.substr(0, kSample.find("--steps")) +
                   "--steps 50 --schedule sigmoid --beta-end 0.9 --seed 1 --n 10",
               {"--beta-end: "});
  expect_error(kSample + " --beta-end 0.4 --n 10", {"--beta-end: "});
  // The largest beta-end allowed at T = 1000 samples finite numbers with every sampler.
  for (const char* sampler : {"ddpm", "ddim", "euler", "euler-a", "heun", "lms", "dpmpp-2m", "dpmpp-2m-sde"}) {
    const Result r = dlab("sample --model exact --dataset gmm8 --sampler " + std::string(sampler) +
                          " --steps 20 --schedule linear --beta-end 0.25 --seed 3 --n 50");
    ASSERT_EQ(r.exit_code, 0) << sampler << ": " << r.err;
    EXPECT_EQ(r.out.find("nan"), std::string::npos) << sampler;
    EXPECT_EQ(r.out.find("inf"), std::string::npos) << sampler;
  }
  const Result table = dlab("schedule --schedule linear --beta-end 0.25");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.find("nan"), std::string::npos);
}

// ---- CSV input ----------------------------------------------------------------------------------------

TEST(CliBadInput, CsvValuesBeyondFloatAreRefusedWithFileAndLine) {
  const std::string csv = in_folder("big.csv");
  write_file(csv, "x,y\n1,2\n1e39,0\n");
  expect_error("data --dataset " + csv + " --n 0 --seed 1", {"big.csv:3: x value '1e39' is outside the float32 range"}, 1);
  write_file(csv, "x,y\n0,1e308\n");
  expect_error("data --dataset " + csv + " --n 0 --seed 1", {"big.csv:2: y value '1e308' is outside the float32"}, 1);
}

TEST(CliBadInput, MessagesQuoteInputShortAndEscaped) {
  const std::string csv = in_folder("hostile.csv");
  write_file(csv, "x,y\n" + std::string(1 << 20, '7') + "z,1\n");
  Result r = expect_error("data --dataset " + csv + " --n 0 --seed 1", {"hostile.csv:2: x value '", "bytes)"}, 1);
  EXPECT_LT(r.err.size(), 300u);
  write_file(csv, "x,y\n1,2\x1b[31m\n");
  r = expect_error("data --dataset " + csv + " --n 0 --seed 1", {"\\x1B[31m"}, 1);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "an ANSI escape reached the terminal";
  write_file(csv, std::string("x,y\n1,2\n3,4\0z\n", 14));
  expect_error("data --dataset " + csv + " --n 0 --seed 1", {"hostile.csv:3: y value '4\\x00z'"}, 1);
  write_file(csv, "x,y\n1,\xEF\xBB\xBF" "2\n");
  expect_error("data --dataset " + csv + " --n 0 --seed 1", {"y value '\\uFEFF2'"}, 1);
  // A byte-order mark at the start of the file is the UTF-8 signature: read as such.
  write_file(csv, "\xEF\xBB\xBF" "1,2\n3,4\n");
  EXPECT_EQ(dlab("data --dataset " + csv + " --n 0 --seed 1").out, "x,y\n1,2\n3,4\n");
}

TEST(CliBadInput, CsvFolderAndWrongSeparatorAreNamed) {
  fs::create_directories(in_folder("dir.csv"));
  expect_error("data --dataset " + in_folder("dir.csv") + " --n 0 --seed 1", {"it is a folder, not a CSV file"}, 1);
  write_file(in_folder("tab.csv"), "1\t2\n");
  expect_error("data --dataset " + in_folder("tab.csv") + " --n 0 --seed 1", {"the separator must be a comma"}, 1);
  write_file(in_folder("semi.csv"), "x;y\n1;2\n3;4\n");
  expect_error("data --dataset " + in_folder("semi.csv") + " --n 0 --seed 1", {"the separator must be a comma"}, 1);
}

// ---- partial files --------------------------------------------------------------------------------------

TEST(CliBadInput, AFailedCommandLeavesNoneOfItsOutputs) {
  const std::string trajectory = in_folder("t.csv");
  expect_error(kSample + " --n 10 --trajectory " + trajectory + " --out " + in_folder("nodir/x.csv"),
               {"nodir' does not exist"}, 1);
  EXPECT_FALSE(fs::exists(trajectory));
  expect_error(kSample + " --n 10 --trajectory " + trajectory + " --out " + trajectory, {"--trajectory", "--out"});
  // train checks --out before it trains: no progress lines, nothing written.
  const Result r = dlab("train --dataset moons --steps 100000 --out " + in_folder("nodir/m.pt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nodir' does not exist"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("step "), std::string::npos) << r.out;
  for (const auto& entry : fs::directory_iterator(folder()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

// An image model's two PNGs (the grid and the trajectory) are written all or none, whichever fails.
TEST(CliBadInput, AFailedImageSampleLeavesNeitherPng) {
  const std::string model = tiny_image_model();
  const std::string sample =
      "sample --model " + model + " --n 4 --sampler ddim --steps 2 --schedule linear --seed 1";
  const std::string grid = in_folder("grid.png"), trajectory = in_folder("t.png");
  expect_error(sample + " --trajectory " + trajectory + " --out " + in_folder("nodir/grid.png"),
               {"nodir' does not exist"}, 1);
  EXPECT_FALSE(fs::exists(trajectory)) << "the trajectory was left although the grid failed";
  expect_error(sample + " --trajectory " + in_folder("nodir/t.png") + " --out " + grid,
               {"nodir' does not exist"}, 1);
  EXPECT_FALSE(fs::exists(grid)) << "the grid was left although the trajectory failed";
  if (::access("/dev/full", W_OK) == 0) {  // fails after sampling, when the trajectory is written
    fs::create_symlink("/dev/full", in_folder("full.png"));
    expect_error(sample + " --trajectory " + in_folder("full.png") + " --out " + grid,
                 {"full.png", "No space left on device"}, 1);
    EXPECT_FALSE(fs::exists(grid)) << "the grid was left although the trajectory failed";
  }
  for (const auto& entry : fs::directory_iterator(folder()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  const Result ok = dlab(sample + " --trajectory " + trajectory + " --out " + grid);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(fs::exists(grid) && fs::exists(trajectory));
}

// --trajectory goes to disk step by step: 2,100,000 rows (64 MB) cost the process almost no memory. Before,
// the whole CSV was held as one string before it was written.
TEST(CliBadInput, TheTrajectoryIsStreamedToDisk) {
  const std::string sample =
      "sample --model exact --dataset gmm8 --sampler ddim --steps 20 --schedule linear --seed 1 "
      "--n 100000 --out " +
      in_folder("x.csv");
  const std::string trajectory = in_folder("t.csv");
  const auto [plain_code, plain_kb] = dlab_peak_memory(sample);
  const auto [code, kb] = dlab_peak_memory(sample + " --trajectory " + trajectory);
  ASSERT_EQ(plain_code, 0);
  ASSERT_EQ(code, 0);
  // Every row: the header, then x_T and the 20 steps of all 100,000 points.
  std::ifstream in(trajectory);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "step,t,x,y");
  std::int64_t rows = 0, last_step = -1;
  while (std::getline(in, line)) {
    ++rows;
    last_step = std::stoll(line.substr(0, line.find(',')));
  }
  EXPECT_EQ(rows, 21 * 100000);
  EXPECT_EQ(last_step, 20);
  const auto bytes = static_cast<long>(fs::file_size(trajectory));
  if (kMeasuresMemory) {
    // Holding the CSV text would cost its whole size; streaming costs one step's text. The bound leaves room
    // for glibc's allocator, whose peak here moves by up to ~18 MB with nothing but the paths changed (its
    // dynamic mmap threshold), so it is half the file rather than a quarter.
    EXPECT_LT((kb - plain_kb) * 1024, bytes / 2) << "peak memory " << plain_kb << " kB without --trajectory, "
                                                 << kb << " kB with a file of " << bytes << " bytes";
  }
  fs::remove(trajectory);
}

// Image sampling runs 1000 images at a time: 3000 images need less than a batch more memory than 1000 (a
// batch of 1000 of the tiny U-Net takes about 200 MB, so one batch of 3000 would take two batches more); and
// a grid PNG beyond its limit is refused before any sampling.
TEST(CliBadInput, ImageSamplingRunsInBatchesAndRefusesAnOversizedGrid) {
  const std::string model = tiny_image_model();
  const std::string sample =
      "sample --model " + model + " --sampler ddim --steps 2 --schedule linear --seed 1";
  expect_error(sample + " --n 100000 --grid-scale 16 --out " + in_folder("huge.png"),
               {"--n: a grid of 100000 images at --grid-scale 16 has",
                "million pixels, more than the 268 million", "lower --n or --grid-scale"});
  EXPECT_FALSE(fs::exists(in_folder("huge.png")));
  if (!kMeasuresMemory) GTEST_SKIP() << "peak memory is not measured under AddressSanitizer";
  const auto [small_code, small_kb] = dlab_peak_memory(sample + " --n 10 --out " + in_folder("g10.png"));
  const auto [one_code, one_kb] = dlab_peak_memory(sample + " --n 1000 --out " + in_folder("g1000.png"));
  const auto [three_code, three_kb] = dlab_peak_memory(sample + " --n 3000 --out " + in_folder("g3000.png"));
  ASSERT_EQ(small_code, 0);
  ASSERT_EQ(one_code, 0);
  ASSERT_EQ(three_code, 0);
  const long batch_kb = one_kb - small_kb;  // what a batch of 990 more images costs
  ASSERT_GT(batch_kb, 50 * 1024) << "a batch of 1000 images should take tens of MB";
  EXPECT_LT(three_kb - one_kb, batch_kb) << "peak memory: " << small_kb << " kB (10 images), " << one_kb
                                         << " kB (1000), " << three_kb << " kB (3000)";
}

// ---- usage errors in the project's words ------------------------------------------------------------------

TEST(CliBadInput, ValuesBeyondTheirTypesAreUsageErrorsNamingTheFlag) {
  expect_error("data --dataset moons --n 3 --seed 18446744073709551616", {"--seed", "out of range", "2^64-1"});
  expect_error("data --dataset moons --n 3 --seed -1", {"--seed"});
  expect_error("data --dataset moons --n 3 --seed 0x10", {"--seed", "not a whole number"});
  EXPECT_EQ(dlab("data --dataset moons --n 1 --seed 18446744073709551615").exit_code, 0);
  expect_error("data --dataset moons --n 3 --n 4 --seed 1", {"--n: given 2 times; give it once"});
  expect_error("schedule --schedule linear --timesteps 99999999999", {"--timesteps: '99999999999' is not a whole number"});
  expect_error("train --dataset moons --steps 1 --lr 1e300 --out " + in_folder("m.pt"), {"--lr: ", "out of range"});
  expect_error("schedule --schedule linear --steps 0", {"--steps: K = 0"});
  expect_error("schedule --schedule linear --spacing leading", {"--spacing: has no effect without --steps"});
}

TEST(CliBadInput, OptionsWithoutEffectAreErrors) {
  const std::string model = in_folder("m.pt");
  ASSERT_EQ(dlab("train --dataset moons --n 200 --steps 2 --batch 16 --hidden 16 --depth 1 --threads 1 --out " + model)
                .exit_code,
            0);
  for (const std::string flag : {"--sampler foo", "--timesteps 4001", "--eta 2", "--steps 0"})
    expect_error("eval --model " + model + " --n 10 " + flag, {flag.substr(0, flag.find(' ')) + ": has no effect on a 2D model"});
  expect_error("eval --model " + model + " --n 10 --seed -1", {"--seed"});
  // A file that is no checkpoint: its error, not that of a flag checked for 2D models.
  write_file(in_folder("garbage.pt"), "not a checkpoint\n");
  expect_error("eval --model " + in_folder("garbage.pt") + " --schedule linear --n 0",
               {"cannot load model", "garbage.pt", "not a Diffusion Lab checkpoint"}, 1);
  for (const std::string flag : {"--hidden 32", "--prediction v"})
    expect_error("train --dataset moons --n 200 --steps 1 --resume " + model + " --out " + in_folder("r.pt") + " " + flag,
                 {flag.substr(0, flag.find(' ')) + ": has no effect with --resume"});
}

// The ranges stated are the real ones: image sampling takes 1..100000 images (it claimed 1..10000000), image
// eval names --eta, and --device cuda without a GPU names the flag and says so (train and bench named no
// flag, and train made its data set first; sample, which has no --device, named "cuda --device").
TEST(CliBadInput, ImageRangesAndTheDeviceAreNamedRight) {
  const std::string model = tiny_image_model();
  const std::string sample = "sample --model " + model +
                             " --sampler ddim --steps 1 --schedule linear --seed 1 --out " +
                             in_folder("g.png");
  expect_error(sample + " --n 0", {"--n: images must be in 1..100000"});
  expect_error(sample + " --n 100001", {"--n: images must be in 1..100000"});
  expect_error("eval --model " + model + " --schedule linear --eta 5",
               {"--eta: 5 is out of range; allowed: 0..1"});
  expect_error(sample + " --n 1 --device cuda", {"--device: not an option of dlab sample"});
  if (cuda_available()) GTEST_SKIP() << "CUDA is available: --device cuda is valid here";
  const std::string no_gpu = "no CUDA GPU is available";
  expect_error("eval --model " + model + " --schedule linear --device cuda", {"--device: ", no_gpu});
  expect_error("train --dataset shapes --steps 1 --device cuda --out " + in_folder("m.pt"),
               {"--device: ", no_gpu});
  expect_error("bench --seconds 0.1 --device cuda", {"--device: ", no_gpu});
  EXPECT_FALSE(fs::exists(in_folder("m.pt")));
}

TEST(CliBadInput, ABuiltInNameWinsOverAFolderOfThatName) {
  fs::create_directories(in_folder("moons"));
  write_file(in_folder("moons/readme.txt"), "not an image\n");
  const Result data = dlab("data --dataset moons --n 3 --seed 1", true);
  EXPECT_EQ(data.exit_code, 0) << data.err;
  const Result train = dlab("train --dataset moons --n 100 --steps 1 --batch 8 --hidden 8 --depth 1 --threads 1 --out m.pt", true);
  EXPECT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("on moons (100 points)"), std::string::npos) << train.out;
  // ./moons is the folder.
  const Result folder_train = dlab("train --dataset ./moons --steps 1 --out m2.pt", true);
  EXPECT_EQ(folder_train.exit_code, 1);
  EXPECT_EQ(folder_train.out.find("on moons (100 points)"), std::string::npos);
}

TEST(CliBadInput, MemoryBeyondTheMachineIsRefusedBeforeWork) {
  expect_error("train --dataset moons --steps 1 --hidden 4096 --depth 32 --batch 1000000 --out " + in_folder("m.pt"),
               {"--batch: ", "GB of memory", "lower --batch, --hidden or --depth"});
  EXPECT_FALSE(fs::exists(in_folder("m.pt")));
  // The U-Net too, from its channels, levels, image size and batch, before the data set is made: a batch of
  // 1,000,000 28x28 images needs terabytes; 10,000,000 shapes of 128x128 pixels 655 GB.
  expect_error("train --dataset shapes --steps 1 --batch 1000000 --out " + in_folder("m.pt"),
               {"--batch: training a U-Net (channels 32, levels 3) with --batch 1000000", "GB of memory",
                "lower --batch, --channels or --levels"});
  expect_error(
      "train --dataset shapes --steps 1 --n 10000000 --image-size 128 --batch 8 --out " + in_folder("m.pt"),
      {"--n: training a U-Net", "on 10000000 images of 1x128x128", "lower --n"});
  EXPECT_FALSE(fs::exists(in_folder("m.pt")));
}

// ---- checkpoints ----------------------------------------------------------------------------------------

// The checkpoint at `from` with its header's "embedding_dim" set to `value` (the header length fixed up).
void write_with_embedding_dim(const std::string& from, const std::string& to, const std::string& value) {
  const std::string bytes = read_file(from);
  ASSERT_GT(bytes.size(), 12u);
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + 8);
  const std::size_t length = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::size_t>(b[3]) << 24);
  std::string header = bytes.substr(12, length);
  const auto key = header.find("\"embedding_dim\":");
  ASSERT_NE(key, std::string::npos);
  const auto start = header.find_first_of("0123456789", key);
  const auto end = header.find_first_not_of("0123456789", start);
  header.replace(start, end - start, value);
  std::string out = bytes.substr(0, 8);
  for (int i = 0; i < 4; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  write_file(to, out + header + bytes.substr(12 + length));
}

TEST(CliBadInput, AbsurdOrOversizedCheckpointsAreRefusedInOneLine) {
  const std::string model = in_folder("m.pt"), absurd = in_folder("absurd.pt"), huge = in_folder("huge.pt");
  ASSERT_EQ(dlab("train --dataset moons --n 200 --steps 2 --batch 16 --hidden 16 --depth 1 --threads 1 --out " + model)
                .exit_code,
            0);
  const std::string sample = " --sampler ddim --steps 5 --schedule linear --seed 1 --n 5";
  // A network of 2^31 inputs: refused from the spec before anything is allocated (it was LibTorch's 4 KB
  // backtrace; under ASan the 128 GB allocation aborted the process).
  write_with_embedding_dim(model, absurd, "2147483646");
  const Result r = expect_error("sample --model " + absurd + sample,
                                {"absurd.pt", "invalid model spec", "embedding_dim must be even and in 2..65536"}, 1);
  EXPECT_LT(r.err.size(), 300u + 2 * absurd.size()) << r.err;  // the path twice, then one short reason
  EXPECT_EQ(r.err.find("frame #"), std::string::npos) << r.err;
  // A 3 GB file that starts as a checkpoint: refused from its header, before it is read (sparse: no disk used).
  fs::copy_file(model, huge);
  fs::resize_file(huge, 3ull << 30);
  // Under a 2 GB address-space limit: before, the file was read whole (twice) and the read failed with bad_alloc.
  // AddressSanitizer reserves terabytes of shadow memory at start, so under ASan the limit is left out (the
  // message is still checked; the release suite checks the limit).
#if defined(__SANITIZE_ADDRESS__)
  const char* const address_limit = "";
#else
  const char* const address_limit = "ulimit -v 2000000; ";
#endif
  const Result limited = dlab("sample --model " + huge + sample, false, address_limit);
  EXPECT_EQ(limited.exit_code, 1);
  const std::string extra = std::to_string((3ull << 30) - fs::file_size(model));
  EXPECT_NE(limited.err.find("huge.pt': corrupt: " + extra + " unexpected bytes after the tensor data"), std::string::npos)
      << limited.err;
  EXPECT_EQ(count_lines(limited.err), 1) << limited.err;
  fs::remove(huge);
}

}  // namespace
}  // namespace dlab
