#include "core/datasets2d.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/image_datasets.h"

namespace dlab {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr std::int64_t kN = 4000;

// A file in gtest's temporary folder, removed at the end of the test.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : path_(::testing::TempDir() + "dlab_" + std::to_string(::getpid()) + "_" + name) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string error_of_loading(const std::string& content) {
  TempFile file("bad.csv", content);
  try {
    load_points_csv(file.path());
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

// Index of the nearest mixture centre for each row, and the distance to it.
std::pair<torch::Tensor, torch::Tensor> nearest_centre(const torch::Tensor& points,
                                                       const torch::Tensor& centres) {
  const auto distance = torch::cdist(points, centres);
  const auto [min_distance, index] = distance.min(1);
  return {index, min_distance};
}

void expect_mixture_statistics(Dataset2D dataset, double std_dev, std::int64_t centres) {
  const auto points = sample_dataset(dataset, kN, 11);
  const auto mixture = *dataset_mixture(dataset);
  ASSERT_EQ(mixture.means.size(0), centres);
  const auto [index, distance] = nearest_centre(points, mixture.means);
  // P(|noise| > 5 sd) = exp(-12.5) = 3.7e-6 per 2D point: with 4000 points, none expected.
  EXPECT_LT(distance.max().item<double>(), 5.0 * std_dev);
  // Counts ~ Binomial(n, 1/K): within 5 standard deviations of n/K.
  const auto counts = torch::bincount(index, {}, centres);
  const double p = 1.0 / static_cast<double>(centres);
  const double count_sd = std::sqrt(kN * p * (1.0 - p));
  EXPECT_LT((counts.to(torch::kDouble) - kN * p).abs().max().item<double>(), 5.0 * count_sd);
  // Spread: 2n residuals with sd s; the sample sd is within 5% (its relative sd is 1/sqrt(4n) = 0.8%).
  const auto residual = points - mixture.means.index_select(0, index);
  EXPECT_NEAR(residual.to(torch::kDouble).pow(2).mean().sqrt().item<double>(), std_dev, 0.05 * std_dev);
}

TEST(Datasets2D, Gmm8MatchesItsDefinition) {
  const auto mixture = *dataset_mixture(Dataset2D::Gmm8);
  for (int k = 0; k < 8; ++k) {  // centres (2 cos(k pi/4), 2 sin(k pi/4)), REFERENCE section 9
    EXPECT_NEAR(mixture.means[k][0].item<double>(), 2.0 * std::cos(k * kPi / 4), 1e-6);
    EXPECT_NEAR(mixture.means[k][1].item<double>(), 2.0 * std::sin(k * kPi / 4), 1e-6);
  }
  EXPECT_NEAR(mixture.weights.sum().item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(mixture.stds[3].item<double>(), 0.2, 1e-7);
  expect_mixture_statistics(Dataset2D::Gmm8, 0.2, 8);
}

TEST(Datasets2D, Gmm25MatchesItsDefinition) {
  const auto mixture = *dataset_mixture(Dataset2D::Gmm25);
  EXPECT_EQ(mixture.means.min().item<float>(), -2.0f);
  EXPECT_EQ(mixture.means.max().item<float>(), 2.0f);
  EXPECT_NEAR(mixture.stds[0].item<double>(), 0.1, 1e-7);
  expect_mixture_statistics(Dataset2D::Gmm25, 0.1, 25);
}

TEST(Datasets2D, OnlyTheGaussianMixturesHaveAnExactMixture) {
  EXPECT_FALSE(dataset_mixture(Dataset2D::Moons).has_value());
  EXPECT_FALSE(dataset_mixture(Dataset2D::Circle).has_value());
}

TEST(Datasets2D, MoonsLieOnTheTwoHalfCircles) {
  const auto points = sample_dataset(Dataset2D::Moons, kN, 3);
  // Undo the final (x - 0.5) * 2, (y - 0.25) * 2.
  const auto raw = points / 2.0 + torch::tensor({0.5f, 0.25f});
  const auto x = raw.select(1, 0), y = raw.select(1, 1);
  const auto outer_radius = torch::sqrt(x * x + y * y);  // circle around (0, 0)
  const auto inner_radius = torch::sqrt((x - 1.0) * (x - 1.0) + (y - 0.5) * (y - 0.5));  // around (1, 0.5)
  // Rows alternate outer (even) and inner (odd) moon; radial noise sd 0.05, so 5 sd = 0.25.
  const auto outer = torch::remainder(torch::arange(kN), 2) == 0;
  EXPECT_LT((outer_radius - 1.0).abs().masked_select(outer).max().item<double>(), 0.25);
  EXPECT_LT((inner_radius - 1.0).abs().masked_select(~outer).max().item<double>(), 0.25);
  // Outer moon: a ~ U(0, pi) above y = 0; inner moon: below y = 0.5 (up to the noise).
  EXPECT_GT(y.masked_select(outer).min().item<double>(), -0.25);
  EXPECT_LT(y.masked_select(~outer).max().item<double>(), 0.75);
  // The angle a is uniform on (0, pi): its mean over n/2 points is pi/2 within 5 (pi/sqrt 12)/sqrt(n/2) =
  // 0.11.
  const auto outer_angle = torch::atan2(y.masked_select(outer), x.masked_select(outer));
  EXPECT_NEAR(outer_angle.mean().item<double>(), kPi / 2, 0.11);
  EXPECT_GT(points.min().item<double>(), -3.5);
  EXPECT_LT(points.max().item<double>(), 3.5);
}

TEST(Datasets2D, CheckerboardPointsAreOnBlackSquares) {
  const auto points = sample_dataset(Dataset2D::Checkerboard, kN, 5);
  const auto cell = torch::floor(points / 2.0);  // undo the final "times 2"
  // FFJORD with Python's mod: floor(x1) + floor(x2) is even for every point.
  EXPECT_TRUE(torch::remainder(cell.sum(1), 2.0).eq(0).all().item<bool>());
  EXPECT_GE(points.min().item<double>(), -4.0);
  EXPECT_LT(points.max().item<double>(), 4.0);
  // 8 black squares, each with probability 1/8: within 5 binomial sd of n/8 = 500 (sd 20.9).
  const auto square = (cell.select(1, 0) + 2) * 4 + (cell.select(1, 1) + 2);
  const auto counts = torch::bincount(square.to(torch::kLong), {}, 16);
  EXPECT_EQ(counts.gt(0).sum().item<std::int64_t>(), 8);
  EXPECT_LT((counts.masked_select(counts.gt(0)).to(torch::kDouble) - 500.0).abs().max().item<double>(),
            105.0);
}

TEST(Datasets2D, CircleHasRadiusTwoAndNoiseTwoHundredths) {
  const auto points = sample_dataset(Dataset2D::Circle, kN, 7).to(torch::kDouble);
  const auto radius = points.norm(2, 1);
  // Radial noise ~ N(0, 0.02^2): the mean is within 5 sd/sqrt(n) = 0.0016, the sd within 5%.
  EXPECT_NEAR(radius.mean().item<double>(), 2.0, 0.0016);
  EXPECT_NEAR(radius.std().item<double>(), 0.02, 0.001);
}

TEST(Datasets2D, LineHasYEqualToXUniformOnMinusTwoTwo) {
  const auto points = sample_dataset(Dataset2D::Line, kN, 9);
  EXPECT_TRUE(points.select(1, 0).equal(points.select(1, 1)));
  EXPECT_GE(points.min().item<double>(), -2.0);
  EXPECT_LE(points.max().item<double>(), 2.0);
  // U(-2, 2) has sd 4/sqrt(12) = 1.155; its mean over n is within 5 * 1.155/sqrt(n) = 0.091.
  EXPECT_NEAR(points.select(1, 0).mean().item<double>(), 0.0, 0.091);
  EXPECT_NEAR(points.select(1, 0).to(torch::kDouble).std().item<double>(), 4.0 / std::sqrt(12.0), 0.05);
}

TEST(Datasets2D, RingsAreFourCirclesWithAQuarterOfThePointsEach) {
  const auto points = sample_dataset(Dataset2D::Rings, kN, 13).to(torch::kDouble);
  const auto radius = points.norm(2, 1);
  const auto radii = torch::tensor({0.75, 1.5, 2.25, 3.0}, torch::kDouble);
  // Rings are 0.75 apart and the radial noise has sd 0.08: misassignment needs a 4.7 sd deviation.
  const auto ring = (radius.unsqueeze(1) - radii.unsqueeze(0)).abs().argmin(1);
  const auto counts = torch::bincount(ring, {}, 4);
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(counts[r].item<std::int64_t>(), kN / 4) << "ring " << r;
    const auto on_ring = radius.masked_select(ring.eq(r));
    // mean radius = r + O(0.08^2/r); within 5 sd/sqrt(1000) = 0.013 plus that bias.
    EXPECT_NEAR(on_ring.mean().item<double>(), radii[r].item<double>(), 0.02) << "ring " << r;
  }
}

TEST(Datasets2D, SwissrollFollowsTheSpiral) {
  const auto points = sample_dataset(Dataset2D::Swissroll, kN, 17).to(torch::kDouble);
  const auto radius = points.norm(2, 1) * 5.0;  // |(s cos s, s sin s)| = s in [1.5 pi, 4.5 pi]
  // Noise 0.05 per coordinate becomes 0.25 after the factor 5: 5 sd = 1.25.
  EXPECT_GT(radius.min().item<double>(), 1.5 * kPi - 1.25);
  EXPECT_LT(radius.max().item<double>(), 4.5 * kPi + 1.25);
  // The angle of the point equals s (mod 2 pi) with s ~ |point| * 5, up to the noise.
  const auto angle = torch::atan2(points.select(1, 1), points.select(1, 0));
  auto diff = torch::remainder(angle - radius + kPi, 2 * kPi) - kPi;
  // A radial error of 0.25 moves s by 0.25 and the angle by about 0.25/s <= 0.05: |diff| < 1.5 for all.
  EXPECT_LT(diff.abs().max().item<double>(), 1.5);
  EXPECT_LT(diff.abs().mean().item<double>(), 0.3);
}

TEST(Datasets2D, PinwheelAndSpiralsAreCentredAndBounded) {
  const auto pinwheel = sample_dataset(Dataset2D::Pinwheel, kN, 19).to(torch::kDouble);
  // Radius 2 sqrt(r^2 + s^2) with r ~ N(1, 0.3^2), s ~ N(0, 0.1^2).
  EXPECT_NEAR(pinwheel.norm(2, 1).mean().item<double>(), 2.0 * 1.04, 0.1);
  EXPECT_LT(pinwheel.mean(0).abs().max().item<double>(), 0.1);
  const auto spirals = sample_dataset(Dataset2D::TwoSpirals, kN, 23).to(torch::kDouble);
  // |arm| <= (3 pi + 0.5 sqrt 2)/3 = 3.38, plus noise 0.1 (5 sd = 0.5).
  EXPECT_LT(spirals.norm(2, 1).max().item<double>(), 3.9);
  // The two arms are mirror images: the mean is the mean of the uniform shift, (0.5/3)(0.5 - 0.5) ~ 0.
  EXPECT_LT(spirals.mean(0).abs().max().item<double>(), 0.1);
}

TEST(Datasets2D, EveryDatasetIsDeterministicPerSeed) {
  for (const auto& entry : EnumNames<Dataset2D>::entries) {
    // The latent codes need Fashion-MNIST (and the shipped VAE: tests/core/latent_diffusion_test.cpp).
    if (entry.value == Dataset2D::FashionMnistLatent && !fashion_mnist_available()) continue;
    const auto a = sample_dataset(entry.value, 257, 42);
    const auto b = sample_dataset(entry.value, 257, 42);
    const auto c = sample_dataset(entry.value, 257, 43);
    EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{257, 2})) << entry.name;
    EXPECT_EQ(a.dtype(), torch::kFloat) << entry.name;
    EXPECT_TRUE(a.equal(b)) << entry.name;
    EXPECT_FALSE(a.equal(c)) << entry.name;
    EXPECT_TRUE(torch::isfinite(a).all().item<bool>()) << entry.name;
  }
}

TEST(Datasets2D, InvalidCountIsRejected) {
  EXPECT_THROW(sample_dataset(Dataset2D::Moons, 0, 1), std::invalid_argument);
}

TEST(Datasets2D, CsvRoundTripIsExact) {
  const auto points = sample_dataset(Dataset2D::Swissroll, 100, 1);
  TempFile file("roundtrip.csv", "");
  save_points_csv(file.path(), points);
  const auto loaded = load_points_csv(file.path());
  EXPECT_TRUE(loaded.equal(points));
  EXPECT_EQ(points_to_csv(points).rfind("x,y\n", 0), 0u);
}

TEST(Datasets2D, CsvWithoutHeaderWithBlankLinesAndCrlf) {
  TempFile file("plain.csv", "\n1.5, -2\r\n\r\n  3e-1 ,4\n\n");
  const auto loaded = load_points_csv(file.path());
  ASSERT_EQ(loaded.size(0), 2);
  EXPECT_FLOAT_EQ(loaded[0][0].item<float>(), 1.5f);
  EXPECT_FLOAT_EQ(loaded[0][1].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(loaded[1][0].item<float>(), 0.3f);
  EXPECT_FLOAT_EQ(loaded[1][1].item<float>(), 4.0f);
}

TEST(Datasets2D, MalformedCsvNamesTheFileAndLine) {
  const std::string not_a_number = error_of_loading("x,y\n1,2\n3,abc\n");
  EXPECT_NE(not_a_number.find("bad.csv:3:"), std::string::npos) << not_a_number;
  EXPECT_NE(not_a_number.find("'abc'"), std::string::npos) << not_a_number;
  const std::string one_column = error_of_loading("1,2\n\n5\n");
  EXPECT_NE(one_column.find("bad.csv:3:"), std::string::npos) << one_column;
  EXPECT_NE(one_column.find("found 1 column"), std::string::npos) << one_column;
  const std::string three_columns = error_of_loading("x,y\n1,2,3\n");
  EXPECT_NE(three_columns.find("bad.csv:2:"), std::string::npos) << three_columns;
  EXPECT_NE(three_columns.find("found 3 columns"), std::string::npos) << three_columns;
  const std::string a_second_header = error_of_loading("x,y\nx,y\n");
  EXPECT_NE(a_second_header.find("bad.csv:2:"), std::string::npos) << a_second_header;
  const std::string not_finite = error_of_loading("1,nan\n");
  EXPECT_NE(not_finite.find("bad.csv:1:"), std::string::npos) << not_finite;
  const std::string empty = error_of_loading("");
  EXPECT_NE(empty.find("bad.csv"), std::string::npos) << empty;
  EXPECT_NE(empty.find("empty"), std::string::npos) << empty;
  EXPECT_NE(error_of_loading("x,y\n\n").find("no data rows"), std::string::npos);
}

// Found by tests/fuzz/points_csv_fuzz: 6e44 is a finite double but became an infinite float32 point.
TEST(Datasets2D, CsvValueBeyondFloat32IsRefused) {
  const std::string too_large = error_of_loading("x,y\n1,2\n5,6e44\n");
  EXPECT_NE(too_large.find("bad.csv:3: y value '6e44' is outside the float32 range"), std::string::npos)
      << too_large;
  EXPECT_NE(error_of_loading("-4e38,0\n").find("bad.csv:1: x value"), std::string::npos);
}

// Found by tests/fuzz/points_csv_fuzz: the message quoted a whole field, however long.
TEST(Datasets2D, CsvErrorQuotesOnlyTheStartOfALongField) {
  const std::string message = error_of_loading("1," + std::string(100000, 'z') + "\n");
  EXPECT_LT(message.size(), 200u) << message.substr(0, 300);
  EXPECT_NE(message.find("y value 'zzzz"), std::string::npos) << message.substr(0, 300);
  EXPECT_NE(message.find("... (100000 bytes)' is not a finite number"), std::string::npos)
      << message.substr(0, 300);
}

TEST(Datasets2D, ResolvePointsByNameOrPath) {
  EXPECT_TRUE(resolve_points("moons", 50, 4).equal(sample_dataset(Dataset2D::Moons, 50, 4)));
  EXPECT_TRUE(is_builtin_dataset("2spirals"));
  EXPECT_FALSE(is_builtin_dataset("spirals"));
  EXPECT_THROW(resolve_points("spirals", 10, 1), std::invalid_argument);
  EXPECT_THROW(resolve_points("/nonexistent/points.csv", 10, 1), std::runtime_error);

  TempFile file("five.csv", "x,y\n0,0\n1,10\n2,20\n3,30\n4,40\n");
  EXPECT_EQ(resolve_points(file.path(), 0, 1).size(0), 5);  // n <= 0: all rows, in file order
  EXPECT_EQ(resolve_points(file.path(), 0, 1)[4][1].item<float>(), 40.0f);
  // n = rows: a permutation (without replacement).
  const auto all = resolve_points(file.path(), 5, 1);
  EXPECT_TRUE(std::get<0>(all.select(1, 0).sort()).equal(torch::arange(5, torch::kFloat)));
  // n > rows: with replacement, every row one of the file's.
  const auto many = resolve_points(file.path(), 50, 1);
  EXPECT_EQ(many.size(0), 50);
  EXPECT_TRUE(many.select(1, 1).equal(many.select(1, 0) * 10));
  EXPECT_TRUE(resolve_points(file.path(), 50, 1).equal(many));
}

}  // namespace
}  // namespace dlab
