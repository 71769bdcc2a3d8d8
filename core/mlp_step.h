// The residual MLP of core/mlp_denoiser.h computed by hand on the CPU: forward, the backward pass of the
// simple loss (Ho et al. 2020, Eq. (14)) and Adam, over buffers allocated once per batch size. No autograd
// graph is built; the matrix products go to BLAS (at::mm_out / addmm_out into the preallocated buffers),
// the element-wise work (SiLU and its derivative, the embedding, the loss, the bias gradients) is plain
// loops. Numerically the same model and the same gradients as autograd's (tests/core/mlp_step_test.cpp),
// so checkpoints and quality tests are unchanged; it only removes the per-step overhead of op dispatch and
// graph bookkeeping (issue 13).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "core/denoiser_net.h"

namespace dlab {

// True when MlpStep can run this network: an unconditional MLP on the CPU in float32.
bool mlp_step_supports(const DenoiserNetImpl& net);

class MlpStep {
 public:
  // Holds the network's parameter tensors (and, with `gradients`, their .grad(), created when undefined):
  // it sees every later change of their values. Throws std::invalid_argument when mlp_step_supports is false.
  explicit MlpStep(DenoiserNetImpl& net, bool gradients = true);

  // out = the network's prediction for x_t [B, D] at log_snr [B], or at one level for every row
  // (inference: intermediates reused, in chunks of 2,048 rows; out is reallocated only when its shape
  // differs).
  void forward(const torch::Tensor& x_t, const torch::Tensor& log_snr, torch::Tensor& out);
  // The one-level forward of a sampler step: the embedding's share of the input layer is one vector for all
  // rows (b_in + W_in[:, D:] emb(l)), so only x_t's columns are multiplied per row; SiLU and the residual's
  // bias are one fused pass, and the rows go in chunks of kOneLevelChunk that stay in the L2 cache.
  void forward(const torch::Tensor& x_t, float log_snr, torch::Tensor& out);

  // Per-example loss l_i = |f(x_t, log SNR)_i - target_i|^2 / D into per_example [B] (resized if needed);
  // returns the batch mean L = mean_i l_i and writes dL/dtheta into each parameter's .grad() (overwriting).
  double loss_and_gradients(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                            const torch::Tensor& target, torch::Tensor& per_example);

 private:
  void resize(std::int64_t batch);
  void forward_pass(const float* x, const float* log_snr, std::int64_t batch);
  void one_level_pass(const float* x, std::int64_t rows, float c_x, float c_v, float* out);

  Prediction prediction_;
  std::int64_t data_dim_ = 0, embedding_dim_ = 0, hidden_ = 0;
  int depth_ = 0;
  torch::Tensor w_in_, b_in_, w_out_, b_out_, frequencies_;
  std::vector<torch::Tensor> w_, b_;  // residual blocks
  torch::Tensor gw_in_, gb_in_, gw_out_, gb_out_;
  std::vector<torch::Tensor> gw_, gb_;
  std::int64_t batch_ = -1;
  torch::Tensor input_;                      // [B, D + E]: x_t and the embedding
  std::vector<torch::Tensor> h_;             // h_0..h_depth, [B, H] each
  std::vector<torch::Tensor> a_;             // SiLU(h_0..h_depth)
  std::vector<torch::Tensor> sig_;           // sigmoid(h_0..h_depth)
  torch::Tensor v_, dv_, grad_h_, scratch_;  // [B, D], [B, D], [B, H], [B, H]
  std::vector<float> c_x_, c_v_;             // per row: out = c_x x_t + c_v v (denoiser_net.h)
  // The one-level forward's buffers (allocated once): [chunk, H] each, the input layer's constant and x_t's
  // columns of W_in ([D][H]).
  torch::Tensor one_h_, one_a_, one_next_, one_v_;
  std::vector<float> level_bias_, x_columns_, embedding_;
  bool gradients_ = true;
};

// Adam (Kingma & Ba 2015, Alg. 1) or AdamW (Loshchilov & Hutter 2019, Alg. 2) with global-norm clipping
// (Pascanu et al. 2013) and the EMA of the weights, fused into two passes over the flat float32 buffers
// (the trainer's flat_params / flat_grads / moments / EMA). `t` is Adam's step count (1 on the first step).
struct FusedAdam {
  double learning_rate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weight_decay = 0.0;
  bool decoupled = false;  // AdamW
  double grad_clip = 1.0;  // <= 0: no clipping
  double ema_decay = 0.0;  // this step's EMA decay
};
void fused_adam_step(const FusedAdam& settings, std::int64_t t, torch::Tensor& params, torch::Tensor& grads,
                     torch::Tensor& exp_avg, torch::Tensor& exp_avg_sq, torch::Tensor& ema);

}  // namespace dlab
