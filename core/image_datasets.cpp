#include "core/image_datasets.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "core/image_decode.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

// ---- shapes: signed distance functions (negative inside), in pixels -------------------------------
struct Vec2 {
  double x, y;
};

double length(Vec2 p) {
  return std::hypot(p.x, p.y);
}

Vec2 rotate(Vec2 p, double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  return {c * p.x - s * p.y, s * p.x + c * p.y};
}

// Axis-aligned box with half sizes (bx, by) (Quilez, "2D distance functions").
double box(Vec2 p, double bx, double by) {
  const double qx = std::abs(p.x) - bx, qy = std::abs(p.y) - by;
  return std::hypot(std::max(qx, 0.0), std::max(qy, 0.0)) + std::min(std::max(qx, qy), 0.0);
}

// Equilateral triangle of circumradius-like size r pointing up in image coordinates (Quilez).
double triangle(Vec2 p, double r) {
  const double k = std::sqrt(3.0);
  p.y = -p.y;  // image rows grow downwards
  p.x = std::abs(p.x) - r;
  p.y = p.y + r / k;
  if (p.x + k * p.y > 0.0) p = {(p.x - k * p.y) / 2.0, (-k * p.x - p.y) / 2.0};
  p.x -= std::clamp(p.x, -2.0 * r, 0.0);
  return -length(p) * (p.y < 0 ? -1.0 : 1.0);
}

double shape_distance(Shape shape, Vec2 p, double r) {
  switch (shape) {
    case Shape::Disk:
      return length(p) - r;
    case Shape::Ring:
      return std::abs(length(p) - 0.75 * r) - 0.22 * r;
    case Shape::Square:
      return box(p, 0.8 * r, 0.8 * r);
    case Shape::Frame:
      return std::abs(box(p, 0.85 * r, 0.85 * r)) - 0.18 * r;
    case Shape::Triangle:
      return triangle({p.x, p.y - 0.15 * r}, 1.05 * r);
    case Shape::Diamond:
      return box(rotate(p, M_PI / 4), 0.72 * r, 0.72 * r);
    case Shape::Plus:
      return std::min(box(p, r, 0.25 * r), box(p, 0.25 * r, r));
    case Shape::Cross: {
      const Vec2 q = rotate(p, M_PI / 4);
      return std::min(box(q, 1.1 * r, 0.25 * r), box(q, 0.25 * r, 1.1 * r));
    }
    case Shape::Stripes: {
      double d = std::numeric_limits<double>::infinity();
      for (int k = -1; k <= 1; ++k) d = std::min(d, box({p.x, p.y - k * 0.66 * r}, 0.9 * r, 0.16 * r));
      return d;
    }
    case Shape::Dots: {
      double d = std::numeric_limits<double>::infinity();
      for (double sx : {-0.5, 0.5})
        for (double sy : {-0.5, 0.5}) d = std::min(d, length({p.x - sx * r, p.y - sy * r}) - 0.3 * r);
      return d;
    }
  }
  return 0.0;
}

// Uniform in [lo, hi) from 53 random bits: the same numbers on every standard library (the
// std::uniform_real_distribution algorithm is implementation-defined).
double uniform(std::mt19937_64& gen, double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(gen() >> 11) * (1.0 / 9007199254740992.0);
}

// ---- IDX ---------------------------------------------------------------------------------------
struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

std::string gz_error(gzFile file) {
  int code = 0;
  const char* message = gzerror(file, &code);
  return message && *message ? message : "read error";
}

// Reads exactly `size` bytes or throws naming the file.
void gz_read_exact(gzFile file, const std::string& path, std::uint8_t* out, std::size_t size,
                   const char* what) {
  std::size_t done = 0;
  while (done < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
    const int got = gzread(file, out + done, chunk);
    if (got < 0)
      throw std::runtime_error(path + ": corrupt or truncated file while reading the " + what + " (" +
                               gz_error(file) + ")");
    if (got == 0)
      throw std::runtime_error(path + ": truncated file: the " + std::string(what) + " needs " +
                               std::to_string(size) + " bytes but only " + std::to_string(done) +
                               " are there");
    done += static_cast<std::size_t>(got);
  }
}

std::string idx_path(const std::string& dir, ImageSplit split, const char* kind) {
  const char* prefix = split == ImageSplit::Train ? "train" : "t10k";
  const std::string rank = std::string(kind) == "images" ? "idx3" : "idx1";
  return (fs::path(dir) / (std::string(prefix) + "-" + kind + "-" + rank + "-ubyte.gz")).string();
}

torch::Tensor bytes_to_unit_range(const std::uint8_t* data, at::IntArrayRef shape) {
  // x = 2 p/255 - 1 maps pixel bytes 0..255 onto [-1, 1] (Ho et al. 2020, section 4).
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(data), shape, torch::kUInt8);
  return bytes.to(torch::kFloat).div(127.5).sub(1.0);
}

bool is_image_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

std::vector<fs::path> sorted_entries(const fs::path& folder, bool directories) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (directories ? entry.is_directory() : (entry.is_regular_file() && is_image_file(entry.path())))
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One image file -> size*size*channels bytes (core/image_decode.h).
std::vector<std::uint8_t> read_image_file(const fs::path& path, int size, int channels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read the image (can't fopen)");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read the image (read error)");
  return decode_image(bytes, size, channels, path.string());
}

}  // namespace

ImageDataset make_shapes_dataset(std::int64_t count, std::uint64_t seed, int size) {
  if (count < 1) throw std::invalid_argument("shapes: count must be >= 1, got " + std::to_string(count));
  if (size < 16 || size > 128)
    throw std::invalid_argument("shapes: size must be in 16..128 pixels, got " + std::to_string(size));
  std::mt19937_64 gen(seed);
  const double scale = size / 28.0;
  auto images = torch::empty({count, 1, size, size}, torch::kFloat);
  auto labels = torch::empty({count}, torch::kLong);
  float* pixels = images.data_ptr<float>();
  std::int64_t* label_data = labels.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < count; ++i) {
    const Shape shape = EnumNames<Shape>::entries[static_cast<std::size_t>(i % kShapeClasses)].value;
    const double radius = uniform(gen, 6.5, 10.0) * scale;
    const double max_shift = std::max(0.0, size / 2.0 - radius - 1.5 * scale);
    const double jitter = std::min(max_shift, 3.0 * scale);
    const double cx = size / 2.0 + uniform(gen, -jitter, jitter);
    const double cy = size / 2.0 + uniform(gen, -jitter, jitter);
    const double angle = uniform(gen, -0.25, 0.25);  // +-14 degrees: a square never becomes a diamond
    const double brightness = uniform(gen, 0.6, 1.0);
    float* image = pixels + i * size * size;
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const Vec2 p = rotate({x + 0.5 - cx, y + 0.5 - cy}, -angle);
        // Anti-aliasing: coverage of a pixel by the shape ~ clamp(0.5 - signed distance, 0, 1).
        const double coverage = std::clamp(0.5 - shape_distance(shape, p, radius), 0.0, 1.0);
        image[y * size + x] = static_cast<float>(2.0 * brightness * coverage - 1.0);
      }
    label_data[i] = static_cast<std::int64_t>(shape);
  }
  ImageDataset out;
  out.name = "shapes";
  out.images = images;
  out.labels = labels;
  for (const auto& entry : EnumNames<Shape>::entries) out.class_names.push_back(entry.label);
  return out;
}

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

IdxArray read_idx_file(const std::string& path, int expected_rank, std::int64_t max_items) {
  if (!fs::exists(path)) throw std::runtime_error(path + ": file not found");
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) throw std::runtime_error(path + ": cannot open the file");
  gzbuffer(file.get(), 1 << 17);
  std::array<std::uint8_t, 4> magic{};
  gz_read_exact(file.get(), path, magic.data(), magic.size(), "header");
  // Magic number: two zero bytes, the element type (0x08 = unsigned byte), the number of dimensions.
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] != expected_rank) {
    char found[16];
    std::snprintf(found, sizeof found, "0x%02X%02X%02X%02X", magic[0], magic[1], magic[2], magic[3]);
    throw std::runtime_error(path + ": not an unsigned-byte IDX file with " + std::to_string(expected_rank) +
                             " dimensions (magic number " + found + ", expected 0x000008" +
                             (expected_rank < 16 ? "0" : "") + std::to_string(expected_rank) + ")");
  }
  IdxArray out;
  std::int64_t total = 1;
  for (int d = 0; d < expected_rank; ++d) {
    std::array<std::uint8_t, 4> bytes{};
    gz_read_exact(file.get(), path, bytes.data(), bytes.size(), "header");
    const std::int64_t dim = (std::int64_t{bytes[0]} << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    if (dim <= 0 || dim > (std::int64_t{1} << 28))
      throw std::runtime_error(path + ": corrupt header: dimension " + std::to_string(d + 1) + " is " +
                               std::to_string(dim));
    out.dims.push_back(dim);
    total *= dim;
    if (total > (std::int64_t{1} << 32)) throw std::runtime_error(path + ": corrupt header: sizes too large");
  }
  const bool partial = max_items > 0 && max_items < out.dims[0];
  if (partial) {
    total = total / out.dims[0] * max_items;
    out.dims[0] = max_items;
  }
  out.data.resize(static_cast<std::size_t>(total));
  gz_read_exact(file.get(), path, out.data.data(), out.data.size(), "data");
  if (!partial) {
    std::uint8_t extra = 0;
    const int got = gzread(file.get(), &extra, 1);
    if (got < 0) throw std::runtime_error(path + ": corrupt file (" + gz_error(file.get()) + ")");
    if (got > 0)
      throw std::runtime_error(path + ": corrupt file: more data than the header's sizes say (" +
                               std::to_string(total) + " bytes)");
  }
  return out;
}

bool fashion_mnist_available(const std::string& dir) {
  for (ImageSplit split : {ImageSplit::Train, ImageSplit::Test})
    for (const char* kind : {"images", "labels"})
      if (!fs::exists(idx_path(dir, split, kind))) return false;
  return true;
}

ImageDataset load_fashion_mnist(ImageSplit split, std::int64_t limit, const std::string& dir) {
  const std::string images_path = idx_path(dir, split, "images");
  const std::string labels_path = idx_path(dir, split, "labels");
  for (const auto& path : {images_path, labels_path})
    if (!fs::exists(path))
      throw std::runtime_error(path +
                               ": Fashion-MNIST not found; install the Debian package "
                               "dataset-fashion-mnist (sudo apt install dataset-fashion-mnist) or use "
                               "--dataset shapes");
  const IdxArray images = read_idx_file(images_path, 3, limit);
  const IdxArray labels = read_idx_file(labels_path, 1, limit);
  if (images.dims[1] != 28 || images.dims[2] != 28)
    throw std::runtime_error(images_path + ": expected 28x28 images, found " +
                             std::to_string(images.dims[1]) + "x" + std::to_string(images.dims[2]));
  if (images.dims[0] != labels.dims[0])
    throw std::runtime_error(labels_path + ": " + std::to_string(labels.dims[0]) + " labels for " +
                             std::to_string(images.dims[0]) + " images in " + images_path);
  for (std::size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] >= 10)
      throw std::runtime_error(labels_path + ": label " + std::to_string(labels.data[i]) + " of item " +
                               std::to_string(i) + " is outside 0..9");
  const std::int64_t n = images.dims[0];
  ImageDataset out;
  out.name = "fashion-mnist";
  out.images = bytes_to_unit_range(images.data.data(), {n, 1, 28, 28});
  out.labels =
      torch::from_blob(const_cast<std::uint8_t*>(labels.data.data()), {n}, torch::kUInt8).to(torch::kLong);
  out.class_names = fashion_mnist_class_names();
  return out;
}

ImageDataset load_image_folder(const std::string& folder, int size, bool colour) {
  if (size < 8 || size > 256)
    throw std::invalid_argument("image folder: size must be in 8..256 pixels, got " + std::to_string(size));
  if (!fs::is_directory(folder)) throw std::runtime_error(folder + ": not a folder");
  const int channels = colour ? 3 : 1;
  std::vector<fs::path> files = sorted_entries(folder, false);
  std::vector<std::int64_t> file_labels;
  ImageDataset out;
  out.name = folder;
  if (files.empty()) {
    // Sub-folders as classes (the layout of torchvision's ImageFolder).
    for (const auto& sub : sorted_entries(folder, true)) {
      const auto sub_files = sorted_entries(sub, false);
      if (sub_files.empty()) continue;
      for (const auto& file : sub_files) {
        files.push_back(file);
        file_labels.push_back(out.num_classes());
      }
      out.class_names.push_back(sub.filename().string());
    }
  }
  if (files.empty())
    throw std::runtime_error(folder +
                             ": no images found (expected .png, .jpg or .bmp files, directly or in "
                             "one sub-folder per class)");
  const auto n = static_cast<std::int64_t>(files.size());
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(n) * size * size * channels);
  for (const auto& file : files) {
    const auto pixels = read_image_file(file, size, channels);
    bytes.insert(bytes.end(), pixels.begin(), pixels.end());
  }
  out.images =
      bytes_to_unit_range(bytes.data(), {n, size, size, channels}).permute({0, 3, 1, 2}).contiguous();
  if (!file_labels.empty()) out.labels = torch::tensor(file_labels, torch::kLong);
  return out;
}

bool is_image_dataset_name(const std::string& name) {
  return name == "shapes" || name == "fashion-mnist" || fs::is_directory(name);
}

ImageDataset load_image_dataset(const ImageDatasetRequest& request) {
  if (request.count < 0) throw std::invalid_argument("image data set: count must be >= 0");
  if (request.name == "shapes")
    return make_shapes_dataset(
        request.count > 0 ? request.count : kDefaultShapeCount,
        request.split == ImageSplit::Test ? request.seed + kShapesTestSeedOffset : request.seed,
        request.size);
  if (request.name == "fashion-mnist") return load_fashion_mnist(request.split, request.count);
  if (fs::is_directory(request.name)) {
    ImageDataset data = load_image_folder(request.name, request.size, request.colour);
    if (request.count > 0 && request.count < data.images.size(0)) {
      data.images = data.images.slice(0, 0, request.count).clone();
      if (data.labels.defined()) data.labels = data.labels.slice(0, 0, request.count).clone();
    }
    return data;
  }
  throw std::invalid_argument("image data set: unknown value '" + request.name +
                              "'; allowed: shapes, fashion-mnist, or the path of a folder of images");
}

torch::Tensor images_to_bytes(const torch::Tensor& images) {
  if (images.dim() != 4) throw std::invalid_argument("images_to_bytes: expected [N, C, H, W]");
  // p = round((x + 1) 127.5), the inverse of x = 2 p/255 - 1.
  return images.detach()
      .to(torch::kCPU, torch::kFloat)
      .add(1.0)
      .mul(127.5)
      .round()
      .clamp(0, 255)
      .to(torch::kUInt8)
      .permute({0, 2, 3, 1})
      .contiguous();
}

}  // namespace dlab
