#include "app/cli/image_commands.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "app/cli/options.h"
#include "core/atomic_file.h"
#include "core/checkpoint.h"
#include "core/datasets2d.h"
#include "core/guidance.h"
#include "core/image_datasets.h"
#include "core/image_grid.h"
#include "core/image_sampling.h"
#include "core/rng.h"

namespace dlab::cli {
namespace {

constexpr std::int64_t kDefaultShapesTrainingImages = 20000;
constexpr std::int64_t kSampleBatch = 1000;       // images per sampler run of `dlab sample`
constexpr double kMaxGridPixels = 256.0 * 1024 * 1024;  // a float32 grid of 1 GB per channel

bool ends_with_png(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png";
}

// What one training step of the U-Net (core/unet.h) holds in memory, roughly, in bytes (float32): the
// weights with their gradients, EMA and two Adam moments (5 copies), and per image the activations kept for
// the backward pass and their gradients. A residual block from c_in to c_out channels on s pixels keeps about
// (3 c_in + 6 c_out) s values (GroupNorm, SiLU, convolution, the embedding added, and the sum); the decoder's
// concatenated skips; self-attention its [s, s] weights (the scores, softmax and their gradients). Against
// the measured peak memory of `dlab train` on 28x28 images (channels 16..64, levels 1..3, with and without
// attention) the estimate is 0.9..1.2 times the real use.
double unet_training_bytes(const std::vector<std::int64_t>& shape, std::int64_t channels, int levels,
                           bool attention, std::int64_t batch) {
  const double image_channels = static_cast<double>(shape[0]);
  const auto level_channels = [&](int level) { return static_cast<double>(channels) * (level == 0 ? 1 : 2); };
  std::vector<double> pixels;  // s_l: the resolution halves (rounding up) at each level
  for (std::int64_t h = shape[1], w = shape[2]; static_cast<int>(pixels.size()) < levels;
       h = (h + 1) / 2, w = (w + 1) / 2)
    pixels.push_back(static_cast<double>(h) * static_cast<double>(w));
  const double embedding = 4.0 * channels;
  double weights = 9 * image_channels * level_channels(0) + 2 * embedding * embedding;
  double values = level_channels(0) * pixels[0];  // per image
  const auto block = [&](double in, double out, double s) {
    weights += 9 * in * out + 9 * out * out + embedding * out + (in != out ? in * out : 0.0);
    values += (3 * in + 6 * out) * s;
  };
  double in = level_channels(0);
  for (int level = 0; level < levels; ++level) {
    block(in, level_channels(level), pixels[level]);
    in = level_channels(level);
    if (level + 1 < levels) {
      weights += 9 * in * in;
      values += in * pixels[level + 1];
    }
  }
  const double bottom = pixels.back();
  block(in, in, bottom);
  block(in, in, bottom);
  if (attention) {
    weights += 4 * in * in;
    values += 6 * in * bottom + 4 * bottom * bottom;
  }
  for (int level = levels - 1; level >= 0; --level) {
    values += (in + level_channels(level)) * pixels[level];  // the skip concatenated
    block(in + level_channels(level), level_channels(level), pixels[level]);
    in = level_channels(level);
    if (level > 0) {
      weights += 9 * in * in;
      values += 2 * in * pixels[level - 1];  // upsampled, then convolved
    }
  }
  values += (2 * in + image_channels) * pixels[0];
  weights += 9 * in * image_channels;
  return 4.0 * (5.0 * weights + 1.25 * static_cast<double>(batch) * values);
}

// Refuses, before the data set is made or read, a U-Net training run whose images and step cannot fit in
// memory (issue 15: `--batch 1000000` was killed by the kernel instead). `images`: 0 when unknown (a folder).
void check_image_training_memory(const std::vector<std::int64_t>& shape, const ModelSpec& spec,
                                 std::int64_t batch, std::int64_t images, bool resuming) {
  const double have = physical_memory_bytes();
  if (have <= 0) return;
  const double step = unet_training_bytes(shape, spec.hidden, spec.depth, spec.attention, batch);
  const double data = 4.0 * static_cast<double>(images) * static_cast<double>(shape[0] * shape[1] * shape[2]);
  if (step + data <= kUsableMemoryFraction * have) return;
  char text[400];
  std::snprintf(
      text, sizeof text,
      "%s: training a U-Net (%schannels %d, levels %d%s) with --batch %lld on %lld images of %lldx%lldx%lld "
      "needs about %.1f GB of memory (%.1f GB a step, %.1f GB the images), more than this machine's %.1f GB; "
      "lower %s",
      step >= data ? "--batch" : "--n", resuming ? "the checkpoint's: " : "", spec.hidden, spec.depth,
      spec.attention ? ", attention" : "", static_cast<long long>(batch), static_cast<long long>(images),
      static_cast<long long>(shape[0]), static_cast<long long>(shape[1]), static_cast<long long>(shape[2]),
      (step + data) / 1e9, step / 1e9, data / 1e9, have / 1e9,
      step < data ? "--n (the images are held in memory)"
      : resuming  ? "--batch"
                  : "--batch, --channels or --levels");
  throw UsageError(text);
}

}  // namespace

void add_image_train_options(CLI::App& command, ImageTrainOptions& options) {
  command.add_option("--channels", options.channels, "Images: U-Net base channels")->capture_default_str();
  command.add_option("--levels", options.levels, "Images: U-Net resolution levels (28 -> 14 -> 7 is 3)")
      ->capture_default_str();
  command.add_flag("--attention", options.attention, "Images: self-attention at the lowest resolution");
  command.add_flag("--unconditional", options.unconditional,
                   "Images: ignore the class labels (no classifier-free guidance)");
  command
      .add_option("--label-dropout", options.label_dropout,
                  "Images: probability of training a label as the null label (classifier-free guidance)")
      ->capture_default_str();
  command.add_option("--image-size", options.image_size, "Images: side in pixels (shapes and folders)")
      ->capture_default_str();
  command.add_flag("--colour", options.colour,
                   "Images: keep the colours of a folder's images (else grayscale)");
}

// Built-in names first (2D and images), for train as for data: a folder named "moons" is "./moons".
bool is_image_dataset_flag(const std::string& dataset) {
  return !is_builtin_dataset(dataset) && is_image_dataset_name(dataset);
}

ImageTrainingData prepare_image_training(const std::string& dataset, std::optional<std::int64_t> n,
                                         std::uint64_t seed, const ImageTrainOptions& options,
                                         ModelSpec& spec, TrainerConfig& config) {
  if (n && (*n < 1 || *n > 10'000'000)) throw UsageError("--n: images to train on must be in 1..10000000");
  if (options.image_size < 8 || options.image_size > 256) throw UsageError("--image-size: must be in 8..256");
  if (!(options.label_dropout >= 0 && options.label_dropout < 1))
    throw UsageError("--label-dropout: must be in [0, 1)");
  {  // Memory first: the images' shape and count are known before the data set is made or read.
    const bool fashion = dataset == "fashion-mnist";
    const std::int64_t side = fashion ? 28 : options.image_size;
    const std::vector<std::int64_t> expected =
        spec.kind == ModelKind::UNet
            ? spec.data_shape
            : std::vector<std::int64_t>{dataset != "shapes" && !fashion && options.colour ? 3 : 1, side,
                                        side};
    ModelSpec planned = spec;
    if (spec.kind != ModelKind::UNet) {
      planned.hidden = options.channels;
      planned.depth = options.levels;
      planned.attention = options.attention;
    }
    std::int64_t images = n ? *n : (dataset == "shapes" ? kDefaultShapesTrainingImages : 0);
    if (fashion) images = std::min<std::int64_t>(images > 0 ? images : 60000, 60000);
    if (planned.depth >= 1 && planned.depth <= 5 && planned.hidden >= 4 && planned.hidden <= 512 &&
        expected.size() == 3)
      check_image_training_memory(expected, planned, config.batch_size, images, spec.kind == ModelKind::UNet);
  }
  ImageDatasetRequest request;
  request.name = dataset;
  request.split = ImageSplit::Train;
  request.count = n ? *n : (dataset == "shapes" ? kDefaultShapesTrainingImages : 0);
  request.seed = seed;
  request.size = options.image_size;
  request.colour = options.colour;
  ImageDataset data = load_image_dataset(request);
  const std::vector<std::int64_t> shape(data.images.sizes().begin() + 1, data.images.sizes().end());
  const int classes = options.unconditional ? 0 : data.num_classes();

  if (spec.kind == ModelKind::UNet) {  // resuming: the checkpoint decides the architecture
    if (spec.data_shape != shape)
      throw UsageError("--resume: the checkpoint's images have another shape than --dataset " + dataset);
    if (spec.num_classes != 0 && spec.num_classes != data.num_classes())
      throw UsageError("--resume: the checkpoint has " + std::to_string(spec.num_classes) +
                       " classes, --dataset " + dataset + " has " + std::to_string(data.num_classes()));
  } else {
    if (options.channels < 4 || options.channels > 512) throw UsageError("--channels: must be in 4..512");
    if (options.levels < 1 || options.levels > 5) throw UsageError("--levels: must be in 1..5");
    spec.kind = ModelKind::UNet;
    spec.data_shape = shape;
    spec.hidden = options.channels;
    spec.depth = options.levels;
    spec.embedding_dim = 64;
    spec.num_classes = classes;
    spec.attention = options.attention;
  }
  config.label_dropout = options.label_dropout;
  ImageTrainingData out;
  out.images = data.images;
  if (spec.num_classes > 0) out.labels = data.labels;
  char text[256];
  std::snprintf(text, sizeof text, "%s (%lld images %lldx%lldx%lld, %d classes%s)", dataset.c_str(),
                static_cast<long long>(data.images.size(0)), static_cast<long long>(shape[0]),
                static_cast<long long>(shape[1]), static_cast<long long>(shape[2]), data.num_classes(),
                spec.num_classes > 0 ? ", class-conditional" : ", labels unused");
  out.description = text;
  return out;
}

void add_image_sample_options(CLI::App& command, ImageSampleOptions& options) {
  command.add_option("--class", options.label,
                     "Images: the class of every image (default: each class in turn; the model's class count "
                     "is the null label, i.e. unconditional)");
  command
      .add_option("--guidance", options.guidance,
                  "Images: classifier-free guidance w in 0..10 (0 unconditional, 1 conditional, >1 stronger)")
      ->capture_default_str();
  command.add_option("--grid-scale", options.grid_scale, "Images: PNG pixels per image pixel")
      ->capture_default_str();
}

bool is_image_checkpoint(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  try {
    return load_checkpoint(path).spec.kind == ModelKind::UNet;
  } catch (const std::exception&) {
    return false;  // the 2D path reports why the file cannot be loaded
  }
}

void run_image_sample(const NoiseSchedule& schedule, const ImageSampleArgs& args) {
  if (args.out.empty() || !ends_with_png(args.out))
    throw UsageError("--out: an image model writes a PNG grid; give a file name ending in .png");
  if (!args.trajectory.empty() && !ends_with_png(args.trajectory))
    throw UsageError("--trajectory: for an image model, a file name ending in .png");
  if (args.n < 1 || args.n > 100000) throw UsageError("--n: images must be in 1..100000");
  if (args.image.grid_scale < 1 || args.image.grid_scale > 16)
    throw UsageError("--grid-scale: must be in 1..16");
  try {
    validate_guidance_scale(args.image.guidance);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--guidance: ") + e.what());
  }
  check_writable(args.out);  // every output before the work (issue 15)
  if (!args.trajectory.empty()) check_writable(args.trajectory);
  torch::NoGradGuard no_grad;
  const LoadedDenoiser loaded = load_denoiser_for_sampling(args.model, torch::kCPU, ModelKind::UNet);
  {  // The PNG grid is tiled in memory as float32: refuse one that cannot be held.
    const auto& shape = loaded.spec.data_shape;  // [C, H, W]
    const auto columns = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(args.n))));
    const std::int64_t rows = (args.n + columns - 1) / columns;
    const double pixels = static_cast<double>(rows * (shape[1] * args.image.grid_scale + 2) + 2) *
                          static_cast<double>(columns * (shape[2] * args.image.grid_scale + 2) + 2);
    if (pixels > kMaxGridPixels) {
      char text[256];
      std::snprintf(text, sizeof text,
                    "--n: a grid of %lld images at --grid-scale %d has %.0f million pixels, more than the %.0f "
                    "million a PNG grid may have; lower --n or --grid-scale",
                    static_cast<long long>(args.n), args.image.grid_scale, pixels / 1e6, kMaxGridPixels / 1e6);
      throw UsageError(text);
    }
  }
  ImageSampleRequest request;
  request.count = args.n;
  request.label = args.image.label;
  request.guidance = args.image.guidance;
  request.sampler = args.sampler;
  request.sampler.clip_x0 = true;
  request.seed = args.seed;
  request.batch = kSampleBatch;  // in chunks: memory stays bounded whatever --n
  try {
    request_labels(loaded.spec, request);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }

  // Trajectory: x_t of the first rows at 10 evenly spaced steps of the K steps, then x_0.
  const std::int64_t rows = std::min<std::int64_t>(args.n, 8);
  std::vector<torch::Tensor> frames;
  StepObserver observer;
  if (!args.trajectory.empty()) {
    bool first_batch_done = false;  // the trajectory shows rows of the first batch only
    observer = [&frames, rows, first_batch_done](const SamplerStep& s) mutable {
      if (first_batch_done) return;
      const int every = std::max(1, s.num_steps / 10);
      if ((s.step - 1) % every == 0) frames.push_back(s.x_t.narrow(0, 0, rows).to(torch::kCPU).clamp(-1, 1));
      if (s.step == s.num_steps) first_batch_done = true;
    };
  }
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor images = sample_images(loaded.net, torch::kCPU, schedule, request, observer);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  GridLayout layout;
  layout.scale = args.image.grid_scale;
  // Both PNGs are encoded and written to their temporary files before either replaces its destination.
  AtomicFile out(args.out);
  const std::string grid = encode_png(tile_images(images, layout));
  out.stream().write(grid.data(), static_cast<std::streamsize>(grid.size()));
  out.finish();
  std::optional<AtomicFile> trajectory;
  if (!args.trajectory.empty()) {
    frames.push_back(images.narrow(0, 0, rows));
    // [frames, rows, C, H, W] -> one row per image, time left to right.
    const auto strip = torch::stack(frames, 1).flatten(0, 1);
    layout.columns = static_cast<int>(frames.size());
    trajectory.emplace(args.trajectory);
    const std::string png = encode_png(tile_images(strip, layout));
    trajectory->stream().write(png.data(), static_cast<std::streamsize>(png.size()));
    trajectory->finish();
  }
  out.commit();
  if (trajectory) trajectory->commit();
  const int nfe =
      expected_nfe(schedule, request.sampler) *
      (loaded.spec.num_classes > 0 && args.image.guidance != 1.0 && args.image.guidance != 0.0 ? 2 : 1);
  std::fprintf(stderr,
               "%lld images in %.2f s (%.3f s per step, %d network evaluations per image); wrote %s\n",
               static_cast<long long>(args.n), seconds, seconds / std::max(1, args.sampler.steps), nfe,
               args.out.c_str());
}

}  // namespace dlab::cli
