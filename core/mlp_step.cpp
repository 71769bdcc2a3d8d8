#include "core/mlp_step.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/noise_embedding.h"

namespace dlab {

namespace {

torch::Tensor find_tensor(DenoiserNetImpl& net, const std::string& name) {
  for (const auto& item : net.named_parameters())
    if (item.key() == name) return item.value();
  for (const auto& item : net.named_buffers())
    if (item.key() == name) return item.value();
  throw std::invalid_argument("mlp step: the network has no tensor '" + name + "'");
}

// The parameter's gradient tensor, created (zeros) when the network has none yet.
torch::Tensor gradient_of(torch::Tensor& parameter) {
  if (!parameter.grad().defined()) parameter.mutable_grad() = torch::zeros_like(parameter);
  return parameter.grad();
}

// Column sums of a row-major [rows, cols] matrix into out[cols].
void column_sums(const float* m, std::int64_t rows, std::int64_t cols, float* out) {
  std::fill(out, out + cols, 0.0f);
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* row = m + i * cols;
    for (std::int64_t j = 0; j < cols; ++j) out[j] += row[j];
  }
}

constexpr std::int64_t kInferenceChunk = 2048;  // rows per forward pass at inference (buffers stay in cache)
constexpr std::int64_t kOneLevelChunk = 256;  // rows per pass of the one-level forward: 3 x 128 KB at H = 128

// exp(x) for float, branch-free so that the loops below vectorise: x = n ln 2 + r with |r| <= ln(2)/2, the
// degree-6 polynomial of Cephes' expf for e^r, 2^n from the exponent bits (x clamped to [-87, 88], where 2^n
// is a normal float). Relative error below 1e-7 (2 ulp) against exp in double. A NaN stays NaN: it takes the
// lower bound for the arithmetic (so that 2^n stays a valid exponent) and is passed through at the end.
inline float exp_approx(float input) {
  const float x = input > -87.0f ? (input < 88.0f ? input : 88.0f) : -87.0f;
  const float shifted = x * 1.44269504088896341f + 12582912.0f;  // adding 1.5 * 2^23 rounds to an integer
  const float n = shifted - 12582912.0f;
  float r = x - n * 0.693359375f;  // ln 2 in two parts (Cody and Waite)
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;  // n in -126..127
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return input == input ? y * scale : input;
}

// Each loop below is compiled for AVX-512, AVX2 + FMA and the baseline, picked at load time (GCC's function
// multi-versioning), since the build targets the baseline x86-64. Not with Clang (its target_clones takes
// other names) nor under ASan/TSan (the resolver runs before the sanitizer's runtime is set up).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define DLAB_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DLAB_VECTOR_CLONES
#endif

// a = SiLU(h) = h / (1 + e^-h) (Elfwing et al. 2018) and, with a bias, next = h + bias (the residual's
// h_{k-1} + b_k, to which the block's product is added), over [rows, H] in one pass.
DLAB_VECTOR_CLONES
void silu_and_residual(const float* h, const float* bias, float* a, float* next, std::int64_t rows,
                       std::int64_t H) {
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* __restrict hr = h + i * H;
    float* __restrict ar = a + i * H;
    if (bias) {
      float* __restrict nr = next + i * H;
      for (std::int64_t j = 0; j < H; ++j) {
        const float v = hr[j];
        ar[j] = v / (1.0f + exp_approx(-v));
        nr[j] = v + bias[j];
      }
    } else {
      for (std::int64_t j = 0; j < H; ++j) ar[j] = hr[j] / (1.0f + exp_approx(-hr[j]));
    }
  }
}

// s = sigmoid(h) = 1 / (1 + e^-h) and a = SiLU(h) = h s (Elfwing et al. 2018) over n values (the training
// keeps s for SiLU'(h) = s (1 + h (1 - s)) in the backward pass).
DLAB_VECTOR_CLONES
void sigmoid_and_silu(const float* __restrict h, float* __restrict s, float* __restrict a, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float sig = 1.0f / (1.0f + exp_approx(-h[i]));
    s[i] = sig;
    a[i] = h[i] * sig;
  }
}

// g = g SiLU'(h), or g += add SiLU'(h) with `add`, SiLU'(h) = s (1 + h (1 - s)).
DLAB_VECTOR_CLONES
void times_silu_derivative(float* __restrict g, const float* __restrict add, const float* __restrict h,
                           const float* __restrict s, std::int64_t n) {
  if (add) {
    for (std::int64_t i = 0; i < n; ++i) g[i] += add[i] * s[i] * (1.0f + h[i] * (1.0f - s[i]));
  } else {
    for (std::int64_t i = 0; i < n; ++i) g[i] *= s[i] * (1.0f + h[i] * (1.0f - s[i]));
  }
}

// h = constant + x W^T for x [rows, D] with D small: W's columns as [D][H] rows, a rank-D update per row.
DLAB_VECTOR_CLONES
void small_input_layer(const float* x, const float* constant, const float* columns, std::int64_t rows,
                       std::int64_t D, std::int64_t H, float* h) {
  for (std::int64_t i = 0; i < rows; ++i) {
    float* __restrict hr = h + i * H;
    for (std::int64_t j = 0; j < H; ++j) hr[j] = constant[j];
    for (std::int64_t d = 0; d < D; ++d) {
      const float xd = x[i * D + d];
      const float* __restrict w = columns + d * H;
      for (std::int64_t j = 0; j < H; ++j) hr[j] += xd * w[j];
    }
  }
}

}  // namespace

bool mlp_step_supports(const DenoiserNetImpl& net) {
  const ModelSpec& spec = net.spec();
  if (spec.kind != ModelKind::Mlp || spec.num_classes != 0) return false;
  for (const auto& p : net.parameters())
    if (!p.device().is_cpu() || p.scalar_type() != torch::kFloat || !p.is_contiguous()) return false;
  return true;
}

MlpStep::MlpStep(DenoiserNetImpl& net, bool gradients) : gradients_(gradients) {
  if (!mlp_step_supports(net))
    throw std::invalid_argument("mlp step: needs an unconditional MLP with float32 parameters on the CPU");
  const ModelSpec& spec = net.spec();
  prediction_ = spec.prediction;
  depth_ = spec.depth;
  hidden_ = spec.hidden;
  embedding_dim_ = spec.embedding_dim;
  data_dim_ = 1;
  for (auto size : spec.data_shape) data_dim_ *= size;
  // The names MlpDenoiserImpl registers (core/mlp_denoiser.cpp).
  w_in_ = find_tensor(net, "input.weight");
  b_in_ = find_tensor(net, "input.bias");
  for (int k = 0; k < depth_; ++k) {
    w_.push_back(find_tensor(net, "block" + std::to_string(k) + ".weight"));
    b_.push_back(find_tensor(net, "block" + std::to_string(k) + ".bias"));
  }
  w_out_ = find_tensor(net, "output.weight");
  b_out_ = find_tensor(net, "output.bias");
  frequencies_ = find_tensor(net, "frequencies").to(torch::kFloat).contiguous();
  if (!gradients_) return;
  gw_in_ = gradient_of(w_in_);
  gb_in_ = gradient_of(b_in_);
  for (int k = 0; k < depth_; ++k) {
    gw_.push_back(gradient_of(w_[k]));
    gb_.push_back(gradient_of(b_[k]));
  }
  gw_out_ = gradient_of(w_out_);
  gb_out_ = gradient_of(b_out_);
}

void MlpStep::resize(std::int64_t batch) {
  if (batch == batch_) return;
  batch_ = batch;
  const auto options = torch::TensorOptions().dtype(torch::kFloat);
  input_ = torch::empty({batch, data_dim_ + embedding_dim_}, options);
  h_.assign(depth_ + 1, {});
  a_.assign(depth_ + 1, {});
  sig_.assign(depth_ + 1, {});
  for (int k = 0; k <= depth_; ++k) {
    h_[k] = torch::empty({batch, hidden_}, options);
    a_[k] = torch::empty({batch, hidden_}, options);
    sig_[k] = torch::empty({batch, hidden_}, options);
  }
  v_ = torch::empty({batch, data_dim_}, options);
  dv_ = torch::empty({batch, data_dim_}, options);
  grad_h_ = torch::empty({batch, hidden_}, options);
  scratch_ = torch::empty({batch, std::max(hidden_, embedding_dim_)}, options);
  c_x_.resize(batch);
  c_v_.resize(batch);
}

void MlpStep::forward_pass(const float* x, const float* log_snr, std::int64_t batch) {
  const std::int64_t D = data_dim_, E = embedding_dim_, half = E / 2, width = D + E;
  // Input [x_t, sin(l w), cos(l w)] with l = clamp(log SNR) (core/noise_embedding.h); the phases go
  // through ATen's vectorised sin and cos.
  const float* freq = frequencies_.data_ptr<float>();
  float* in = input_.data_ptr<float>();
  const auto bound = static_cast<float>(kMaxAbsLogSnr);
  for (std::int64_t i = 0; i < batch; ++i) {
    const float level = std::clamp(log_snr[i], -bound, bound);
    float* row = in + i * width;
    for (std::int64_t d = 0; d < D; ++d) row[d] = x[i * D + d];
    for (std::int64_t k = 0; k < half; ++k) row[D + k] = level * freq[k];
    // out = c_x x + c_v v (prediction_from_v_output, denoiser_net.h): sqrt(abar) = sqrt(sigmoid(l)).
    const float s0 = std::sqrt(1.0f / (1.0f + std::exp(-log_snr[i]))),
                s1 = std::sqrt(1.0f / (1.0f + std::exp(log_snr[i])));
    switch (prediction_) {
      case Prediction::Eps:
        c_x_[i] = s1;
        c_v_[i] = s0;
        break;
      case Prediction::X0:
        c_x_[i] = s0;
        c_v_[i] = -s1;
        break;
      case Prediction::V:
        c_x_[i] = 0.0f;
        c_v_[i] = 1.0f;
        break;
    }
  }
  {
    torch::Tensor block = input_.narrow(0, 0, batch);
    torch::Tensor ph = block.narrow(1, D, half);
    torch::Tensor sines = scratch_.narrow(0, 0, batch).narrow(1, 0, half);
    torch::Tensor cosines = scratch_.narrow(0, 0, batch).narrow(1, half, half);
    at::sin_out(sines, ph);
    at::cos_out(cosines, ph);
    block.narrow(1, D, half).copy_(sines);
    block.narrow(1, D + half, half).copy_(cosines);
  }
  auto rows = [batch](const torch::Tensor& t) { return t.narrow(0, 0, batch); };
  // h_0 = W_in [x, emb] + b_in; h_k = h_{k-1} + W_k SiLU(h_{k-1}) + b_k; v = W_out SiLU(h_depth) + b_out.
  torch::Tensor h0 = rows(h_[0]);
  at::addmm_out(h0, b_in_, rows(input_), w_in_.t());
  const std::int64_t n = batch * hidden_, H = hidden_;
  for (int k = 0; k <= depth_; ++k) {
    torch::Tensor sig = rows(sig_[k]), a = rows(a_[k]), h = rows(h_[k]);
    sigmoid_and_silu(h.data_ptr<float>(), sig.data_ptr<float>(), a.data_ptr<float>(), batch * hidden_);
    if (k == depth_) break;
    const float* previous = h.data_ptr<float>();
    float* next = h_[k + 1].data_ptr<float>();
    const float* bias = b_[k].data_ptr<float>();
    for (std::int64_t i = 0; i < n; i += H)
      for (std::int64_t j = 0; j < H; ++j) next[i + j] = previous[i + j] + bias[j];
    torch::Tensor h_next = rows(h_[k + 1]);
    h_next.addmm_(a, w_[k].t());
  }
  torch::Tensor v = rows(v_);
  at::addmm_out(v, b_out_, rows(a_[depth_]), w_out_.t());
}

void MlpStep::forward(const torch::Tensor& x_t, const torch::Tensor& log_snr, torch::Tensor& out) {
  torch::NoGradGuard no_grad;  // the out= products refuse parameters that require grad otherwise
  const std::int64_t batch = x_t.size(0), D = data_dim_;
  if (x_t.numel() != batch * D || log_snr.numel() != batch)
    throw std::invalid_argument("mlp step: x_t must be [N, " + std::to_string(D) + "] and log_snr [N]");
  const torch::Tensor x = x_t.to(torch::kFloat).contiguous().view({batch, D});
  const torch::Tensor l = log_snr.to(torch::kFloat).contiguous();
  if (!out.defined() || out.sizes() != x_t.sizes() || out.scalar_type() != torch::kFloat)
    out = torch::empty(x_t.sizes(), x.options());
  resize(std::min(batch, kInferenceChunk));
  const float* xp = x.data_ptr<float>();
  const float* lp = l.data_ptr<float>();
  float* op = out.data_ptr<float>();
  for (std::int64_t start = 0; start < batch; start += kInferenceChunk) {
    const std::int64_t count = std::min(kInferenceChunk, batch - start);
    forward_pass(xp + start * D, lp + start, count);
    const float* v = v_.data_ptr<float>();
    for (std::int64_t i = 0; i < count; ++i)
      for (std::int64_t d = 0; d < D; ++d)
        op[(start + i) * D + d] = c_x_[i] * xp[(start + i) * D + d] + c_v_[i] * v[i * D + d];
  }
}

void MlpStep::forward(const torch::Tensor& x_t, float log_snr, torch::Tensor& out) {
  torch::NoGradGuard no_grad;
  const std::int64_t batch = x_t.size(0), D = data_dim_, E = embedding_dim_, H = hidden_, half = E / 2;
  if (x_t.numel() != batch * D)
    throw std::invalid_argument("mlp step: x_t must be [N, " + std::to_string(D) + "]");
  const torch::Tensor x = x_t.to(torch::kFloat).contiguous();
  if (!out.defined() || out.sizes() != x_t.sizes() || out.scalar_type() != torch::kFloat ||
      !out.is_contiguous())
    out = torch::empty(x_t.sizes(), x.options());
  if (!one_h_.defined()) {
    const auto options = torch::TensorOptions().dtype(torch::kFloat);
    one_h_ = torch::empty({kOneLevelChunk, H}, options);
    one_a_ = torch::empty({kOneLevelChunk, H}, options);
    one_next_ = torch::empty({kOneLevelChunk, H}, options);
    one_v_ = torch::empty({kOneLevelChunk, D}, options);
    level_bias_.resize(H);
    x_columns_.resize(D * H);
    embedding_.resize(E);
  }
  // The embedding of the one level (core/noise_embedding.h: [sin(l w), cos(l w)], l clamped; the phases in
  // float as the module computes them) and the input layer's constant b_in + W_in[:, D:] emb.
  const auto bound = static_cast<float>(kMaxAbsLogSnr);
  const float level = std::clamp(log_snr, -bound, bound);
  const float* freq = frequencies_.data_ptr<float>();
  float* embedding = embedding_.data();
  for (std::int64_t k = 0; k < half; ++k) {
    const float phase = level * freq[k];
    embedding[k] = std::sin(phase);
    embedding[half + k] = std::cos(phase);
  }
  const float* w_in = w_in_.data_ptr<float>();  // [H, D + E]
  const float* b_in = b_in_.data_ptr<float>();
  for (std::int64_t j = 0; j < H; ++j) {
    const float* row = w_in + j * (D + E);
    float sum = b_in[j];
    for (std::int64_t k = 0; k < E; ++k) sum += row[D + k] * embedding[k];
    level_bias_[j] = sum;
    for (std::int64_t d = 0; d < D; ++d) x_columns_[d * H + j] = row[d];
  }
  // out = c_x x + c_v v (prediction_from_v_output, denoiser_net.h), sqrt(abar) = sqrt(sigmoid(l)).
  const float s0 = std::sqrt(1.0f / (1.0f + std::exp(-log_snr))),
              s1 = std::sqrt(1.0f / (1.0f + std::exp(log_snr)));
  float c_x = 0.0f, c_v = 1.0f;
  if (prediction_ == Prediction::Eps) c_x = s1, c_v = s0;
  if (prediction_ == Prediction::X0) c_x = s0, c_v = -s1;
  const float* xp = x.data_ptr<float>();
  float* op = out.data_ptr<float>();
  for (std::int64_t start = 0; start < batch; start += kOneLevelChunk) {
    const std::int64_t count = std::min(kOneLevelChunk, batch - start);
    one_level_pass(xp + start * D, count, c_x, c_v, op + start * D);
  }
}

void MlpStep::one_level_pass(const float* x, std::int64_t rows, float c_x, float c_v, float* out) {
  const std::int64_t D = data_dim_, H = hidden_;
  auto first = [rows](const torch::Tensor& t) { return t.narrow(0, 0, rows); };
  float* h = one_h_.data_ptr<float>();
  if (D <= 8) {
    small_input_layer(x, level_bias_.data(), x_columns_.data(), rows, D, H, h);
  } else {  // h_0 = constant + x W_in[:, :D]^T
    for (std::int64_t i = 0; i < rows; ++i) std::copy(level_bias_.begin(), level_bias_.end(), h + i * H);
    torch::Tensor h0 = first(one_h_);
    const torch::Tensor xs = torch::from_blob(const_cast<float*>(x), {rows, D}, torch::kFloat);
    h0.addmm_(xs, w_in_.narrow(1, 0, D).t());
  }
  // h_k = h_{k-1} + W_k SiLU(h_{k-1}) + b_k: the pass writes SiLU and h_{k-1} + b_k, BLAS adds the product.
  for (int k = 0; k < depth_; ++k) {
    silu_and_residual(one_h_.data_ptr<float>(), b_[k].data_ptr<float>(), one_a_.data_ptr<float>(),
                      one_next_.data_ptr<float>(), rows, H);
    torch::Tensor next = first(one_next_);
    next.addmm_(first(one_a_), w_[k].t());
    std::swap(one_h_, one_next_);
  }
  silu_and_residual(one_h_.data_ptr<float>(), nullptr, one_a_.data_ptr<float>(), nullptr, rows, H);
  torch::Tensor v = first(one_v_);
  at::addmm_out(v, b_out_, first(one_a_), w_out_.t());
  const float* vp = one_v_.data_ptr<float>();
  for (std::int64_t i = 0; i < rows * D; ++i) out[i] = c_x * x[i] + c_v * vp[i];
}

double MlpStep::loss_and_gradients(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                                   const torch::Tensor& target, torch::Tensor& per_example) {
  const std::int64_t batch = x_t.size(0), D = data_dim_, H = hidden_;
  if (!gradients_) throw std::logic_error("mlp step: made without gradients");
  torch::NoGradGuard no_grad;
  if (x_t.numel() != batch * D || log_snr.numel() != batch || target.numel() != batch * D)
    throw std::invalid_argument("mlp step: x_t and target must be [N, " + std::to_string(D) +
                                "], log_snr [N]");
  const torch::Tensor x = x_t.to(torch::kFloat).contiguous();
  const torch::Tensor l = log_snr.to(torch::kFloat).contiguous();
  const torch::Tensor y = target.to(torch::kFloat).contiguous();
  resize(batch);
  forward_pass(x.data_ptr<float>(), l.data_ptr<float>(), batch);
  if (!per_example.defined() || per_example.numel() != batch)
    per_example = torch::empty({batch}, x.options());

  // L = mean_i |c_x x + c_v v - y|^2 / D (Ho et al. 2020, Eq. (14)); dL/dv = 2 (out - y) c_v / (B D).
  const float* xp = x.data_ptr<float>();
  const float* yp = y.data_ptr<float>();
  const float* v = v_.data_ptr<float>();
  float* dv = dv_.data_ptr<float>();
  float* pe = per_example.data_ptr<float>();
  double total = 0.0;
  const float scale = 2.0f / static_cast<float>(batch * D);
  for (std::int64_t i = 0; i < batch; ++i) {
    float sum = 0.0f;
    for (std::int64_t d = 0; d < D; ++d) {
      const std::int64_t j = i * D + d;
      const float diff = c_x_[i] * xp[j] + c_v_[i] * v[j] - yp[j];
      sum += diff * diff;
      dv[j] = scale * diff * c_v_[i];
    }
    pe[i] = sum / static_cast<float>(D);
    total += pe[i];
  }

  // Output layer: dW_out = dv^T SiLU(h_depth), db_out = sum_i dv, dh_depth = (dv W_out) SiLU'(h_depth).
  at::mm_out(gw_out_, dv_.t(), a_[depth_]);
  column_sums(dv, batch, D, gb_out_.data_ptr<float>());
  at::mm_out(grad_h_, dv_, w_out_);
  const std::int64_t n = batch * H;
  float* g = grad_h_.data_ptr<float>();
  times_silu_derivative(g, nullptr, h_[depth_].data_ptr<float>(), sig_[depth_].data_ptr<float>(), n);
  // Residual blocks, last first: h_k = h_{k-1} + W SiLU(h_{k-1}) + b, so dW = dh_k^T SiLU(h_{k-1}), db = sum
  // dh_k, dh_{k-1} = dh_k + (dh_k W) SiLU'(h_{k-1}).
  torch::Tensor product = scratch_.narrow(1, 0, H);
  if (!product.is_contiguous()) product = torch::empty({batch, H});
  for (int k = depth_; k >= 1; --k) {
    at::mm_out(gw_[k - 1], grad_h_.t(), a_[k - 1]);
    column_sums(g, batch, H, gb_[k - 1].data_ptr<float>());
    at::mm_out(product, grad_h_, w_[k - 1]);
    times_silu_derivative(g, product.data_ptr<float>(), h_[k - 1].data_ptr<float>(),
                          sig_[k - 1].data_ptr<float>(), n);
  }
  // Input layer: dW_in = dh_0^T [x, emb], db_in = sum dh_0.
  at::mm_out(gw_in_, grad_h_.t(), input_);
  column_sums(g, batch, H, gb_in_.data_ptr<float>());
  return total / static_cast<double>(batch);
}

namespace {

// The Adam update with the EMA of the weights, over n parameters in one pass (vectorised: this file is compiled
// with -fno-math-errno, so sqrt needs no errno check and GCC emits packed square roots).
DLAB_VECTOR_CLONES
void adam_and_ema(float* __restrict p, float* __restrict g, float* __restrict m, float* __restrict v,
                  float* __restrict e, std::int64_t n, float clip, float shrink, float l2, float w1, float b2,
                  float w2, float step, float inv_sqrt_bias2, float eps, float ema_weight) {
  for (std::int64_t i = 0; i < n; ++i) {
    g[i] *= clip;
    p[i] *= shrink;                       // AdamW: p -= lr wd p (Loshchilov & Hutter 2019, Alg. 2)
    const float grad = g[i] + l2 * p[i];  // Adam with L2: g + wd p
    m[i] += w1 * (grad - m[i]);           // m = b1 m + (1 - b1) g
    v[i] = b2 * v[i] + w2 * grad * grad;  // v = b2 v + (1 - b2) g^2
    p[i] += step * m[i] / (std::sqrt(v[i]) * inv_sqrt_bias2 + eps);  // Kingma & Ba 2015, Alg. 1
    e[i] += ema_weight * (p[i] - e[i]);                              // EMA of the weights
  }
}

// sum_i g_i^2 in double, over kLanes independent partial sums: one running sum is a chain of dependent
// additions (about 4 cycles each), the lanes let them overlap and vectorise.
DLAB_VECTOR_CLONES
double sum_of_squares(const float* __restrict g, std::int64_t n) {
  constexpr std::int64_t kLanes = 16;
  double lanes[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (std::int64_t j = 0; j < kLanes; ++j) lanes[j] += static_cast<double>(g[i + j]) * g[i + j];
  double sum = 0.0;
  for (; i < n; ++i) sum += static_cast<double>(g[i]) * g[i];
  for (double lane : lanes) sum += lane;
  return sum;
}

}  // namespace

void fused_adam_step(const FusedAdam& s, std::int64_t t, torch::Tensor& params, torch::Tensor& grads,
                     torch::Tensor& exp_avg, torch::Tensor& exp_avg_sq, torch::Tensor& ema) {
  const std::int64_t n = params.numel();
  float* p = params.data_ptr<float>();
  float* g = grads.data_ptr<float>();
  float* m = exp_avg.data_ptr<float>();
  float* v = exp_avg_sq.data_ptr<float>();
  float* e = ema.data_ptr<float>();
  float clip = 1.0f;
  if (s.grad_clip > 0) {
    // Global-norm clipping (Pascanu et al. 2013): g *= min(1, c/(|g| + 1e-6)).
    clip = static_cast<float>(std::min(1.0, s.grad_clip / (std::sqrt(sum_of_squares(g, n)) + 1e-6)));
  }
  const double bias1 = 1.0 - std::pow(s.beta1, static_cast<double>(t));
  const double bias2 = 1.0 - std::pow(s.beta2, static_cast<double>(t));
  const auto w1 = static_cast<float>(1.0 - s.beta1), b2 = static_cast<float>(s.beta2),
             w2 = static_cast<float>(1.0 - s.beta2);
  const auto inv_sqrt_bias2 = static_cast<float>(1.0 / std::sqrt(bias2)), eps = static_cast<float>(s.epsilon);
  const auto step = static_cast<float>(-s.learning_rate / bias1);
  const auto l2 = static_cast<float>(s.decoupled ? 0.0 : s.weight_decay);
  const auto shrink = static_cast<float>(s.decoupled ? 1.0 - s.learning_rate * s.weight_decay : 1.0);
  const auto ema_weight = static_cast<float>(1.0 - s.ema_decay);
  adam_and_ema(p, g, m, v, e, n, clip, shrink, l2, w1, b2, w2, step, inv_sqrt_bias2, eps, ema_weight);
}

}  // namespace dlab
