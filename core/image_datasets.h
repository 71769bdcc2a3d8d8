// Small image data sets: a built-in set of shapes generated in code (works with nothing installed),
// Fashion-MNIST from its gzipped IDX files (REFERENCE.md section 10), and a folder of the user's images.
// Every loader returns pixels scaled to [-1, 1] (Ho et al. 2020, section 4: "scaled linearly to [-1, 1]")
// as float32 [N, C, H, W].
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/names.h"

namespace dlab {

struct ImageDataset {
  std::string name;                      // "shapes", "fashion-mnist", or the folder
  torch::Tensor images;                  // [N, C, H, W] float32 in [-1, 1]
  torch::Tensor labels;                  // [N] int64 in 0..num_classes-1, or undefined when unlabelled
  std::vector<std::string> class_names;  // empty when unlabelled
  int num_classes() const { return static_cast<int>(class_names.size()); }
};

// ---- built-in shapes ---------------------------------------------------------------------------
enum class Shape { Disk, Ring, Square, Frame, Triangle, Diamond, Plus, Cross, Stripes, Dots };

template <>
struct EnumNames<Shape> {
  static constexpr std::array<EnumEntry<Shape>, 10> entries{{
      {Shape::Disk, "disk", "Disk"},
      {Shape::Ring, "ring", "Ring"},
      {Shape::Square, "square", "Square"},
      {Shape::Frame, "frame", "Square frame"},
      {Shape::Triangle, "triangle", "Triangle"},
      {Shape::Diamond, "diamond", "Diamond"},
      {Shape::Plus, "plus", "Plus"},
      {Shape::Cross, "cross", "Cross (x)"},
      {Shape::Stripes, "stripes", "Stripes"},
      {Shape::Dots, "dots", "Four dots"},
  }};
};

constexpr int kShapeClasses = static_cast<int>(enum_count<Shape>());
constexpr int kDefaultShapeSize = 28;

// `count` grayscale size x size images, one shape each (white, anti-aliased, on black) with a random
// centre, size, rotation and brightness; class-balanced (class i % 10 for image i) and deterministic
// for a seed. size in 16..128, count >= 1 (std::invalid_argument otherwise).
ImageDataset make_shapes_dataset(std::int64_t count, std::uint64_t seed, int size = kDefaultShapeSize);

// ---- Fashion-MNIST (IDX files, gzip) -----------------------------------------------------------
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
enum class ImageSplit { Train, Test };

template <>
struct EnumNames<ImageSplit> {
  static constexpr std::array<EnumEntry<ImageSplit>, 2> entries{{
      {ImageSplit::Train, "train", "Training set"},
      {ImageSplit::Test, "test", "Test set"},
  }};
};

const std::vector<std::string>& fashion_mnist_class_names();  // T-shirt/top, Trouser, ... Ankle boot

// An IDX file (LeCun's MNIST format): big-endian magic 0x000008DD (0x08 = unsigned byte, DD = number of
// dimensions), then DD big-endian uint32 sizes, then the bytes. Read through zlib, so both .gz and plain
// files work.
struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> data;
};
// Throws std::runtime_error naming the file when it is missing, is not an unsigned-byte IDX file with
// `expected_rank` dimensions, or is truncated (fewer bytes than its header promises, or a cut gzip stream).
// max_items > 0 reads only the first max_items entries of the first dimension.
IdxArray read_idx_file(const std::string& path, int expected_rank, std::int64_t max_items = 0);

// Images [N, 1, 28, 28] and labels [N] from `dir`/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz;
// limit > 0 keeps the first `limit`. A missing folder names the Debian package to install.
ImageDataset load_fashion_mnist(ImageSplit split, std::int64_t limit = 0,
                                const std::string& dir = kFashionMnistDir);
bool fashion_mnist_available(const std::string& dir = kFashionMnistDir);

// ---- a folder of the user's images -------------------------------------------------------------
// Reads every .png/.jpg/.jpeg/.bmp in `folder` (sorted by name), centre-crops each to a square and
// resizes it to size x size, grayscale (C = 1) or colour (C = 3). If the folder holds sub-folders
// instead, each sub-folder (sorted by name) is a class and its images carry that label.
// Throws std::runtime_error naming the file that cannot be decoded, or the folder when it has no images;
// std::invalid_argument for size outside 8..256.
ImageDataset load_image_folder(const std::string& folder, int size = kDefaultShapeSize, bool colour = false);

// ---- by name -----------------------------------------------------------------------------------
// "shapes" (count images; the training split draws them with `seed`, the test split with
// seed + kShapesTestSeedOffset, so the two never share images), "fashion-mnist" (the split; count > 0
// keeps the first count), or the path of a folder (size, colour; it has no test split).
// Throws std::invalid_argument for anything else.
struct ImageDatasetRequest {
  std::string name = "shapes";
  ImageSplit split = ImageSplit::Train;
  std::int64_t count = 0;  // 0: the whole set (shapes: 10,000)
  std::uint64_t seed = 0;
  int size = kDefaultShapeSize;
  bool colour = false;
};
constexpr std::int64_t kDefaultShapeCount = 10000;
constexpr std::uint64_t kShapesTestSeedOffset = 0x5EED7E57;
ImageDataset load_image_dataset(const ImageDatasetRequest& request);
bool is_image_dataset_name(const std::string& name);  // "shapes", "fashion-mnist" or an existing folder

// [N, C, H, W] in [-1, 1] -> uint8 [N, H, W, C] in 0..255 (round to nearest, clamped), for PNG files.
torch::Tensor images_to_bytes(const torch::Tensor& images);

}  // namespace dlab
