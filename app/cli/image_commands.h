// The image side of `dlab train` and `dlab sample` (the 2D commands call into here when --dataset names
// an image set or --model an image checkpoint), so the image flags and checks live in one place.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "core/denoiser_net.h"
#include "core/trainer.h"

namespace dlab::cli {

// ---- dlab train --dataset shapes|fashion-mnist|FOLDER ------------------------------------------
struct ImageTrainOptions {
  int channels = 32;           // U-Net base channels
  int levels = 3;              // U-Net resolution levels (28 -> 14 -> 7)
  bool attention = false;      // self-attention at the lowest resolution
  bool unconditional = false;  // ignore the labels
  double label_dropout = 0.1;  // CFG: probability that a label is replaced by the null label
  int image_size = 28;         // shapes and folders
  bool colour = false;         // folders: keep RGB
};

void add_image_train_options(CLI::App& command, ImageTrainOptions& options);

// True for "shapes", "fashion-mnist" and an existing folder.
bool is_image_dataset_flag(const std::string& dataset);

struct ImageTrainingData {
  torch::Tensor images;     // [N, C, H, W] in [-1, 1]
  torch::Tensor labels;     // [N] or undefined
  std::string description;  // "fashion-mnist (60000 images 1x28x28, 10 classes)"
};

// Loads the training images (n: how many; default every image, shapes 20000) and turns `spec` into the
// U-Net for them, unless `spec` already is one (resuming: then the data must fit it). Sets the label
// dropout in `config`. Throws UsageError naming the flag.
ImageTrainingData prepare_image_training(const std::string& dataset, std::optional<std::int64_t> n,
                                         std::uint64_t seed, const ImageTrainOptions& options,
                                         ModelSpec& spec, TrainerConfig& config);

// ---- dlab sample --model IMAGE_CHECKPOINT --out grid.png ---------------------------------------
struct ImageSampleOptions {
  int label = -1;         // --class: -1 each class in turn
  double guidance = 1.0;  // --guidance w
  int grid_scale = 2;     // pixels per image pixel in the PNG
};

void add_image_sample_options(CLI::App& command, ImageSampleOptions& options);

// True when `path` is a checkpoint of an image model (a U-Net); false for anything else (including
// files that are not checkpoints, which the 2D path then reports).
bool is_image_checkpoint(const std::string& path);

struct ImageSampleArgs {
  std::string model, out, trajectory;
  SamplerConfig sampler;  // kind, steps, spacing, variance, eta
  std::int64_t n = 16;
  std::uint64_t seed = 0;
  ImageSampleOptions image;
};

// Samples n images and writes them as a PNG grid to `out` (required, *.png); with `trajectory`, a PNG of
// x_t of the first (up to 8) images at 10 steps of the reverse process, one row per image.
void run_image_sample(const NoiseSchedule& schedule, const ImageSampleArgs& args);

}  // namespace dlab::cli
