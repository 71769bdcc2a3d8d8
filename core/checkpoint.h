// Checkpoints: a trained denoiser with everything needed to sample from it or to resume training.
//
// File format (little-endian), independent of LibTorch's own serialisation so a file moves freely
// between LibTorch 1.13 and 2.x and between CPU and GPU machines:
//   8 bytes   magic "DLABCKPT"
//   4 bytes   uint32 length L of the header
//   L bytes   JSON header: format_version, model spec, training configuration, metadata, training
//             counters, and the table of tensors (name, dtype, shape, byte offset and size in the payload),
//             the payload size and its FNV-1a 64-bit checksum
//   payload   the raw tensor bytes, in table order
// Tensors are named "weights/<module path>", "ema/<module path>", "optimizer/exp_avg",
// "optimizer/exp_avg_sq", "rng_state" and "loss_history".
// Files are written atomically (temporary file, then rename: core/atomic_file.h).
#pragma once

#include <torch/types.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "core/checkpoint_file.h"
#include "core/denoiser_net.h"
#include "core/trainer.h"

namespace dlab {

struct CheckpointMetadata {
  int format_version = kCheckpointFormatVersion;
  std::string dataset;            // built-in data set name or CSV path it was trained on
  std::int64_t training_steps = 0;
  double final_loss = 0;          // mean loss of the last steps
  double training_seconds = 0;
  std::string created;            // UTC, ISO 8601 ("2024-05-01T12:00:00Z")
  std::string device;             // what it was trained on: "cpu (2 threads)"
  std::string libtorch_version;   // LibTorch it was trained with
  std::string program;            // "Diffusion Lab 0.1.0"
};

struct Checkpoint {
  ModelSpec spec;
  TrainerConfig config;
  CheckpointMetadata metadata;
  // weights, EMA weights, optimizer moments, RNG state and loss history. A weights-only checkpoint
  // (for shipping) holds the EMA weights in `weights` and nothing else.
  TrainingState state;
};

// A checkpoint of a trainer's current state. include_training_state = false keeps only the EMA weights
// (a quarter of the size), enough to sample; training can restart from them with fresh Adam moments.
Checkpoint make_checkpoint(const Trainer& trainer, const std::string& dataset, bool include_training_state = true,
                           double training_seconds = 0);

// Writes atomically; throws std::runtime_error naming the path when it cannot.
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);

// Reads and checks everything: magic, format version (a newer one is refused), header, sizes, checksum,
// the model spec, and that every tensor matches the network the spec builds (names and shapes).
// Throws CheckpointError naming the file.
Checkpoint load_checkpoint(const std::string& path);

// Continues training from a checkpoint: the trainer must have been built with checkpoint.spec.
void restore_trainer(Trainer& trainer, const Checkpoint& checkpoint);

struct LoadedDenoiser {
  DenoiserNet net;  // EMA weights, eval mode, on `device`
  ModelSpec spec;
  CheckpointMetadata metadata;
  torch::Device device = torch::kCPU;
};

// For the command line and the app. expected_kind: refuse a checkpoint of another model kind.
LoadedDenoiser load_denoiser_for_sampling(const std::string& path, const torch::Device& device = torch::kCPU,
                                          std::optional<ModelKind> expected_kind = std::nullopt);

}  // namespace dlab
