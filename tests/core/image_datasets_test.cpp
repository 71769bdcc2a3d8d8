#include "core/image_datasets.h"

#include <gtest/gtest.h>
#include <stb_image_write.h>
#include <torch/torch.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace dlab {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("dlab_image_datasets_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::int64_t> to_vector(const torch::Tensor& t) {
  const auto c = t.to(torch::kLong).contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void write_gz(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  gzFile file = gzopen(path.string().c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(file);
}

std::vector<std::uint8_t> idx_labels(std::uint32_t declared, std::uint32_t actual) {
  std::vector<std::uint8_t> bytes{0,
                                  0,
                                  8,
                                  1,
                                  static_cast<std::uint8_t>(declared >> 24),
                                  static_cast<std::uint8_t>(declared >> 16),
                                  static_cast<std::uint8_t>(declared >> 8),
                                  static_cast<std::uint8_t>(declared)};
  for (std::uint32_t i = 0; i < actual; ++i) bytes.push_back(static_cast<std::uint8_t>(i % 10));
  return bytes;
}

// ---- shapes ------------------------------------------------------------------------------------

TEST(ShapesDataset, DeterministicForASeedAndInRange) {
  const auto a = make_shapes_dataset(50, 7);
  const auto b = make_shapes_dataset(50, 7);
  const auto c = make_shapes_dataset(50, 8);
  ASSERT_EQ(a.images.sizes(), (std::vector<std::int64_t>{50, 1, 28, 28}));
  EXPECT_TRUE(torch::equal(a.images, b.images));
  EXPECT_TRUE(torch::equal(a.labels, b.labels));
  EXPECT_FALSE(torch::equal(a.images, c.images));
  EXPECT_GE(a.images.min().item<float>(), -1.0f);
  EXPECT_LE(a.images.max().item<float>(), 1.0f);
  // Black background: the corner pixel is never covered by a shape.
  EXPECT_TRUE(torch::all(a.images.select(2, 0).select(2, 0) == -1.0f).item<bool>());
  EXPECT_EQ(a.num_classes(), 10);
  EXPECT_EQ(make_shapes_dataset(3, 0, 32).images.size(3), 32);
}

TEST(ShapesDataset, ClassBalancedAndClassesAreDistinct) {
  const auto train = make_shapes_dataset(500, 1);
  const auto counts = torch::bincount(train.labels, {}, kShapeClasses);
  EXPECT_TRUE(torch::all(counts == 50).item<bool>()) << counts;
  // Nearest class mean on fresh images: distinct shapes are told apart far above chance (10%); the
  // means are blurred by the random position, size and rotation, so this crude classifier reaches
  // 0.555 here; identical or empty classes would sit near 0.1.
  std::vector<torch::Tensor> means;
  for (int k = 0; k < kShapeClasses; ++k)
    means.push_back(train.images.index({train.labels == k}).mean(0).flatten());
  const auto centroids = torch::stack(means);  // [10, 784]
  const auto test = make_shapes_dataset(200, 2);
  const auto predicted = torch::cdist(test.images.flatten(1), centroids).argmin(1);
  const double accuracy = (predicted == test.labels).to(torch::kDouble).mean().item<double>();
  EXPECT_GT(accuracy, 0.4);
}

TEST(ShapesDataset, RejectsBadArguments) {
  EXPECT_THROW(make_shapes_dataset(0, 0), std::invalid_argument);
  EXPECT_THROW(make_shapes_dataset(10, 0, 8), std::invalid_argument);
}

// ---- Fashion-MNIST -----------------------------------------------------------------------------

TEST(FashionMnist, ReadsTheRealFiles) {
  if (!fashion_mnist_available()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const auto test = load_fashion_mnist(ImageSplit::Test);
  ASSERT_EQ(test.images.sizes(), (std::vector<std::int64_t>{10000, 1, 28, 28}));
  ASSERT_EQ(test.labels.size(0), 10000);
  EXPECT_TRUE(torch::all(torch::bincount(test.labels, {}, 10) == 1000).item<bool>());
  EXPECT_EQ(to_vector(test.labels.slice(0, 0, 5)), (std::vector<std::int64_t>{9, 2, 1, 1, 6}));
  // The first test image's bytes sum to 33456, so its pixels 2p/255 - 1 sum to 2*33456/255 - 784.
  EXPECT_NEAR(test.images[0].sum().item<double>(), 2.0 * 33456 / 255 - 784, 1e-3);
  EXPECT_EQ(test.images.min().item<float>(), -1.0f);
  EXPECT_EQ(test.images.max().item<float>(), 1.0f);
  EXPECT_EQ(test.class_names[9], "Ankle boot");

  const auto train = load_fashion_mnist(ImageSplit::Train);
  ASSERT_EQ(train.images.size(0), 60000);
  EXPECT_TRUE(torch::all(torch::bincount(train.labels, {}, 10) == 6000).item<bool>());
  EXPECT_EQ(to_vector(train.labels.slice(0, 0, 5)), (std::vector<std::int64_t>{9, 0, 0, 3, 0}));

  const auto first = load_fashion_mnist(ImageSplit::Test, 100);
  EXPECT_EQ(first.images.size(0), 100);
  EXPECT_TRUE(torch::equal(first.images, test.images.slice(0, 0, 100)));
}

TEST(FashionMnist, MissingFolderNamesThePackage) {
  const auto message = error_of([] { load_fashion_mnist(ImageSplit::Test, 0, "/nonexistent/fmnist"); });
  EXPECT_NE(message.find("dataset-fashion-mnist"), std::string::npos) << message;
  EXPECT_NE(message.find("t10k-images-idx3-ubyte.gz"), std::string::npos) << message;
}

TEST(IdxFile, RejectsWrongMagicTruncatedAndCutGzip) {
  const auto dir = fresh_dir("idx");
  const auto good = dir / "good-idx1.gz";
  write_gz(good, idx_labels(20, 20));
  const auto array = read_idx_file(good.string(), 1);
  EXPECT_EQ(array.dims, (std::vector<std::int64_t>{20}));
  EXPECT_EQ(array.data[13], 3);

  // An images file where a labels file is expected: the rank in the magic number differs.
  auto wrong_rank = idx_labels(20, 20);
  wrong_rank[3] = 3;
  write_gz(dir / "rank.gz", wrong_rank);
  auto message = error_of([&] { read_idx_file((dir / "rank.gz").string(), 1); });
  EXPECT_NE(message.find("magic number 0x00000803"), std::string::npos) << message;
  EXPECT_NE(message.find("rank.gz"), std::string::npos) << message;

  // The header promises 100 labels, the file holds 40.
  write_gz(dir / "short.gz", idx_labels(100, 40));
  message = error_of([&] { read_idx_file((dir / "short.gz").string(), 1); });
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("short.gz"), std::string::npos) << message;

  // More data than the header says.
  write_gz(dir / "long.gz", idx_labels(10, 20));
  message = error_of([&] { read_idx_file((dir / "long.gz").string(), 1); });
  EXPECT_NE(message.find("more data"), std::string::npos) << message;

  // A gzip stream cut in the middle (a partial download).
  std::vector<std::uint8_t> big = idx_labels(50000, 50000);
  for (std::size_t i = 8; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
  write_gz(dir / "full.gz", big);
  std::ifstream in(dir / "full.gz", std::ios::binary);
  std::vector<char> compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(compressed.size(), 1000u);
  std::ofstream((dir / "cut.gz").string(), std::ios::binary).write(compressed.data(), compressed.size() / 2);
  message = error_of([&] { read_idx_file((dir / "cut.gz").string(), 1); });
  EXPECT_NE(message.find("cut.gz"), std::string::npos) << message;
  EXPECT_TRUE(message.find("truncated") != std::string::npos) << message;

  EXPECT_NE(error_of([&] { read_idx_file((dir / "none.gz").string(), 1); }).find("not found"),
            std::string::npos);
  fs::remove_all(dir);
}

// ---- a folder of images ------------------------------------------------------------------------

void write_png(const fs::path& path, int width, int height, std::array<std::uint8_t, 3> rgb) {
  std::vector<std::uint8_t> pixels;
  for (int i = 0; i < width * height; ++i) pixels.insert(pixels.end(), rgb.begin(), rgb.end());
  ASSERT_NE(stbi_write_png(path.string().c_str(), width, height, 3, pixels.data(), width * 3), 0);
}

TEST(ImageFolder, ReadsResizesAndConvertsColour) {
  const auto dir = fresh_dir("folder");
  write_png(dir / "a.png", 40, 30, {255, 255, 255});
  write_png(dir / "b.png", 20, 50, {255, 0, 0});
  const auto gray = load_image_folder(dir.string(), 16, false);
  ASSERT_EQ(gray.images.sizes(), (std::vector<std::int64_t>{2, 1, 16, 16}));
  EXPECT_FALSE(gray.labels.defined());
  EXPECT_NEAR(gray.images[0].mean().item<double>(), 1.0, 1e-6);  // white
  // stb's luma of pure red is 77/256 * 255 -> byte 76 or 77.
  EXPECT_NEAR(gray.images[1].mean().item<double>(), 2.0 * 76.7 / 255 - 1, 0.01);
  const auto colour = load_image_folder(dir.string(), 16, true);
  ASSERT_EQ(colour.images.sizes(), (std::vector<std::int64_t>{2, 3, 16, 16}));
  EXPECT_NEAR(colour.images[1][0].mean().item<double>(), 1.0, 1e-6);   // red channel
  EXPECT_NEAR(colour.images[1][1].mean().item<double>(), -1.0, 1e-6);  // green channel

  std::ofstream(dir / "c.png") << "not a png";
  const auto message = error_of([&] { load_image_folder(dir.string(), 16, false); });
  EXPECT_NE(message.find("c.png"), std::string::npos) << message;
  fs::remove_all(dir);
}

// Found by tests/fuzz/image_fuzz: stb_image 2.27 writes past its Huffman table when a JPEG's DHT segment
// declares more than 256 codes (here 16 x 17 = 272).
TEST(ImageFolder, RefusesAJpegWhoseHuffmanTableHasTooManyCodes) {
  const auto dir = fresh_dir("dht");
  std::string jpeg = "\xFF\xD8\xFF\xC4\x01\x23";  // SOI, DHT of 2 + 17 + 272 bytes
  jpeg += '\0' + std::string(16, '\x11') + std::string(272, '\0') + "\xFF\xD9";
  std::ofstream(dir / "a.jpg", std::ios::binary) << jpeg;
  const auto message = error_of([&] { load_image_folder(dir.string(), 16, false); });
  EXPECT_NE(message.find("a.jpg: cannot read the image (corrupt JPEG: a Huffman table with over 256 codes)"),
            std::string::npos)
      << message;
  fs::remove_all(dir);
}

// A PNG's signature and IHDR (8-bit grayscale; stb does not check CRCs, so they are zero).
std::string png_start(std::uint32_t width, std::uint32_t height) {
  const auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(width) + be32(height) +
         std::string("\x08\x00\x00\x00\x00", 5) + be32(0);
}

// Found by tests/fuzz/image_fuzz: a 137-byte PNG made stb_image allocate 1.7 GB, the declared length of an
// IDAT chunk; and a small file may declare a huge image, which stb allocates before decoding.
TEST(ImageFolder, RefusesSizesThePngDeclaresButCannotHold) {
  const auto dir = fresh_dir("png_sizes");
  std::ofstream(dir / "a.png", std::ios::binary) << png_start(2, 2) + std::string("\x40\x00\x00\x00IDATx", 9);
  auto message = error_of([&] { load_image_folder(dir.string(), 8, false); });
  EXPECT_NE(message.find("a.png: cannot read the image (corrupt PNG: a chunk runs past the end of the file)"),
            std::string::npos)
      << message;
  fs::remove(dir / "a.png");
  std::ofstream(dir / "b.png", std::ios::binary)
      << png_start(8192, 8192) + std::string(4, '\0') + "IEND" + std::string(4, '\0');
  message = error_of([&] { load_image_folder(dir.string(), 8, false); });
  EXPECT_NE(
      message.find("b.png: cannot read the image (8192x8192 pixels is too large: at most 33554432 pixels)"),
      std::string::npos)
      << message;
  fs::remove_all(dir);
}

// Issue 15: a PNG cut after a chunk's length gave "cannot read the image ()": stb reads the missing type as
// zero bytes and names the chunk by it. Every cut or garbled chunk header now has a reason.
TEST(ImageFolder, CutOrGarbledPngChunksAreNamed) {
  const auto dir = fresh_dir("png_chunks");
  const std::string start = png_start(2, 2);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {start + std::string(4, '\0'), "corrupt PNG: the file ends inside a chunk header (truncated?)"},
      {start + std::string(2, '\0'), "corrupt PNG: the file ends inside a chunk header (truncated?)"},
      {start + std::string(4, '\0') + std::string("\x01\x1b\x00I", 4) + std::string(4, '\0'),
       "corrupt PNG: a chunk type is not four letters"},
      {start, "corrupt PNG: the file ends before its IEND chunk (truncated?)"},
  };
  for (const auto& [bytes, reason] : cases) {
    std::ofstream(dir / "a.png", std::ios::binary) << bytes;
    const auto message = error_of([&] { load_image_folder(dir.string(), 8, false); });
    EXPECT_NE(message.find("a.png: cannot read the image (" + reason + ")"), std::string::npos) << message;
    EXPECT_EQ(message.find("()"), std::string::npos) << message;
  }
  fs::remove_all(dir);
}

// Found by tests/fuzz/image_fuzz: stb decodes a BMP of height 0, and resizing its 0 x 0 crop divided 0 by 0.
TEST(ImageFolder, RefusesAnImageWithoutPixels) {
  const auto dir = fresh_dir("no_pixels");
  std::string bmp =
      "BM" + std::string(12, '\0') + std::string("\x28\0\0\0\x04\0\0\0\0\0\0\0\x01\0\x18\0", 16);
  bmp += std::string(24, '\0');
  bmp[10] = 54;  // pixel data offset
  std::ofstream(dir / "a.bmp", std::ios::binary) << bmp;
  const auto message = error_of([&] { load_image_folder(dir.string(), 8, false); });
  EXPECT_NE(message.find("a.bmp: cannot read the image (it has no pixels: 4x0)"), std::string::npos)
      << message;
  fs::remove_all(dir);
}

// Only PNG, JPEG and BMP content is decoded (stb_image would also run its PNM, GIF, PSD, PIC, HDR and TGA
// decoders on a file named .png).
TEST(ImageFolder, DecodesOnlyPngJpegAndBmpContent) {
  const auto dir = fresh_dir("formats");
  std::ofstream(dir / "a.png", std::ios::binary) << std::string("P5 1 1 255\n\x80", 12);
  const auto message = error_of([&] { load_image_folder(dir.string(), 8, false); });
  EXPECT_NE(message.find("a.png: cannot read the image (not a PNG, JPEG or BMP file)"), std::string::npos)
      << message;
  fs::remove_all(dir);
}

TEST(ImageFolder, SubFoldersAreClassesAndEmptyFolderIsAnError) {
  const auto dir = fresh_dir("classes");
  fs::create_directories(dir / "cats");
  fs::create_directories(dir / "dogs");
  write_png(dir / "cats" / "1.png", 8, 8, {0, 0, 0});
  write_png(dir / "dogs" / "1.png", 8, 8, {255, 255, 255});
  write_png(dir / "dogs" / "2.png", 8, 8, {255, 255, 255});
  const auto data = load_image_folder(dir.string(), 8, false);
  EXPECT_EQ(data.class_names, (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(to_vector(data.labels), (std::vector<std::int64_t>{0, 1, 1}));

  const auto empty = fresh_dir("empty");
  EXPECT_NE(error_of([&] { load_image_folder(empty.string()); }).find("no images"), std::string::npos);
  EXPECT_THROW(load_image_dataset({"no-such-dataset"}), std::invalid_argument);
  fs::remove_all(dir);
  fs::remove_all(empty);
}

TEST(ImageBytes, RoundTripsPixelBytes) {
  auto bytes = torch::arange(256, torch::kLong).to(torch::kUInt8).reshape({1, 1, 16, 16});
  const auto images = bytes.to(torch::kFloat).div(127.5).sub(1.0);
  EXPECT_TRUE(torch::equal(images_to_bytes(images).squeeze(3), bytes.squeeze(1)));
}

}  // namespace
}  // namespace dlab
