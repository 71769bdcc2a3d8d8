// Classifier-free guidance (Ho & Salimans 2022): one class-conditional network, trained with its label
// dropped to a null label some of the time, predicts both eps(x_t, c) and eps(x_t, null); sampling uses
//
//   out = out(x_t, null) + w (out(x_t, c) - out(x_t, null))
//
// w = 0: unconditional; w = 1: conditional; w > 1: pushed further toward the class (sharper, less
// diverse). This w is Ho & Salimans' 1 + w (their Eq. (6)), the "guidance scale" of diffusers and
// Stable Diffusion. The combination is linear in the network output, so it holds for an eps, x0 or v
// network alike (each is an affine function of eps given x_t and abar).
#pragma once

#include <torch/types.h>

#include <functional>

#include "core/denoiser_net.h"
#include "core/samplers.h"

namespace dlab {

constexpr double kMinGuidanceScale = 0.0;
constexpr double kMaxGuidanceScale = 10.0;

// Throws std::invalid_argument unless 0 <= w <= 10.
void validate_guidance_scale(double scale);

// out_uncond + w (out_cond - out_uncond).
torch::Tensor apply_guidance(const torch::Tensor& unconditional, const torch::Tensor& conditional,
                             double scale);

// A model that takes labels: (x_t, t, abar, labels [N] int64, label = null_label for unconditional).
using ConditionalDenoiser = std::function<torch::Tensor(const torch::Tensor& x_t, int t, double alpha_bar,
                                                        const torch::Tensor& labels)>;

// A class-conditional network as a ConditionalDenoiser (eval mode, no autograd, on `device`).
ConditionalDenoiser make_conditional_denoiser(DenoiserNet net, const torch::Device& device = torch::kCPU);

// The guided sampler denoiser for one label per row (labels [N], values 0..null_label-1). w = 1 costs one
// network call; any other w evaluates the conditional and unconditional halves in one batch of 2N.
// Throws std::invalid_argument for a scale outside 0..10 or a label outside 0..null_label-1.
Denoiser make_guided_denoiser(ConditionalDenoiser model, torch::Tensor labels, std::int64_t null_label,
                              double scale);
// Same over a network: null_label = spec().num_classes (which must be > 0).
Denoiser make_guided_denoiser(DenoiserNet net, torch::Tensor labels, double scale,
                              const torch::Device& device = torch::kCPU);

}  // namespace dlab
