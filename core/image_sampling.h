// Sampling a batch of images from a trained image network: the starting noise from a seed, one class
// label per image (or none), classifier-free guidance (core/guidance.h), and any sampler of
// core/samplers.h. Shared by `dlab sample`, `dlab eval` and the app.
#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/denoiser_net.h"
#include "core/samplers.h"
#include "core/schedule.h"

namespace dlab {

struct ImageSampleRequest {
  std::int64_t count = 16;
  // Class-conditional models: -1 cycles through the classes (image i gets class i % num_classes, so a
  // grid shows each class in turn), num_classes means the null label (unconditional), otherwise one
  // class for every image. Must be -1 for an unconditional model.
  int label = -1;
  double guidance = 1.0;     // w in 0..10 (core/guidance.h); ignored for unconditional models
  SamplerConfig sampler;     // kind, steps, spacing, variance, eta, clip_x0; prediction comes from the model
  std::uint64_t seed = 0;    // x_T; the sampler's own noise uses seed + 1 + batch index
  std::int64_t batch = 256;  // images per sampler run
};

// The labels a request gives (an undefined tensor for an unconditional model). Throws std::invalid_argument.
torch::Tensor request_labels(const ModelSpec& spec, const ImageSampleRequest& request);

// x_T ~ N(0, I) of shape [count, C, H, W], drawn on the CPU from `seed` (the same pixels for a seed
// whatever the sampler, guidance or batch size).
torch::Tensor starting_noise(const ModelSpec& spec, std::int64_t count, std::uint64_t seed);

// (images done, images to do).
using ImageSampleProgress = std::function<void(std::int64_t, std::int64_t)>;

// Images [count, C, H, W] on the CPU, clamped to [-1, 1]. `observer` sees every step of every batch.
// Stops early (returning the images of the finished batches) when *cancel becomes true.
torch::Tensor sample_images(const DenoiserNet& net, const torch::Device& device,
                            const NoiseSchedule& schedule, const ImageSampleRequest& request,
                            const StepObserver& observer = {}, const std::atomic<bool>* cancel = nullptr,
                            const ImageSampleProgress& progress = {});

}  // namespace dlab
