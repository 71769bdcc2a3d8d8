// Sinusoidal embedding of the continuous noise level log-SNR = log(abar/(1 - abar)), shared by the
// 2D MLP and the image U-Net.
//
// Transformer position encodings (Vaswani et al. 2017, section 3.5) as DDPM uses them for t (Ho et al.
// 2020, appendix B), applied to log-SNR instead of an integer t (Kingma et al. 2021, VDM, section 3):
//   emb(l) = [sin(w_1 l), ..., sin(w_h l), cos(w_1 l), ..., cos(w_h l)],  h = dim/2,
//   w_k geometric from kMinFrequency to kMaxFrequency.
// The slowest frequency has a half period of pi/kMinFrequency ~ 100 log-SNR units, wider than every
// level the schedules reach (about -20 .. +12), so the code is one-to-one over that range; the fastest
// resolves steps of ~0.1 in log-SNR.
#pragma once

#include <torch/types.h>

namespace dlab {

constexpr double kEmbeddingMinFrequency = 1.0 / 32.0;
constexpr double kEmbeddingMaxFrequency = 8.0;
// log-SNR is clamped to this range before embedding (abar = 2^-24 gives -16.6; the cosine schedule's
// abar_T = 2.4e-9 gives -19.8; abar_1 of the schedules reaches about +10). The clamp is only for the
// sinusoids: the output parameterisation uses the unclamped level.
constexpr double kMaxAbsLogSnr = 30.0;

// log_snr: [N] (any floating dtype, any device). Returns [N, dim] float32 on the same device.
// dim must be even and >= 2 (std::invalid_argument otherwise).
torch::Tensor noise_level_embedding(const torch::Tensor& log_snr, int dim);
// The dim/2 frequencies w_k (float32, on `device`), to compute once and reuse in a hot loop.
torch::Tensor noise_level_frequencies(int dim, const torch::Device& device = torch::kCPU);
// Same embedding with precomputed frequencies [dim/2] on log_snr's device.
torch::Tensor noise_level_embedding(const torch::Tensor& log_snr, const torch::Tensor& frequencies);

// log(abar/(1 - abar)) of a double abar clamped to [kMinEmbeddedAlphaBar, 1 - kAlphaBarGap], only so
// that abar = 0 and abar = 1 give finite levels. The floor is far below every abar a schedule reaches
// (cosine abar_T = 2.4e-9; zero terminal SNR is clamped to 2^-24 by the samplers and the trainer), so the
// level a network sees is the schedule's true one: the output parameterisation of core/denoiser_net.h
// divides by sqrt(abar) implicitly and must not see a distorted abar.
constexpr double kMinEmbeddedAlphaBar = 1e-20;
constexpr double kAlphaBarGap = 1e-12;
double log_snr_from_alpha_bar(double alpha_bar);
// Same per element, for a tensor of abar (computed in float64, returned in float32).
torch::Tensor log_snr_from_alpha_bar(const torch::Tensor& alpha_bar);

}  // namespace dlab
