#include "core/mlp_denoiser.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/noise_embedding.h"

namespace dlab {

namespace {

void validate_mlp_spec(const ModelSpec& spec) {
  if (spec.data_shape.empty())
    throw std::invalid_argument("mlp: data_shape must not be empty (use {2} for 2D points)");
  for (auto size : spec.data_shape)
    if (size <= 0) throw std::invalid_argument("mlp: every data_shape entry must be > 0");
  if (spec.hidden < 1 || spec.hidden > 65536)
    throw std::invalid_argument("mlp: hidden width must be in 1..65536, got " + std::to_string(spec.hidden));
  if (spec.depth < 0 || spec.depth > 64)
    throw std::invalid_argument("mlp: depth (residual blocks) must be in 0..64, got " + std::to_string(spec.depth));
  if (spec.embedding_dim < 2 || spec.embedding_dim > 65536 || spec.embedding_dim % 2 != 0)
    throw std::invalid_argument("mlp: embedding_dim must be even and in 2..65536, got " +
                                std::to_string(spec.embedding_dim));
  if (spec.num_classes != 0)
    throw std::invalid_argument("mlp: class conditioning is not supported (num_classes must be 0)");
}

}  // namespace

MlpDenoiserImpl::MlpDenoiserImpl(const ModelSpec& spec) : spec_(spec) {
  if (spec_.kind != ModelKind::Mlp) throw std::invalid_argument("mlp: ModelSpec::kind must be 'mlp'");
  validate_mlp_spec(spec_);
  data_dim_ = 1;
  for (auto size : spec_.data_shape) data_dim_ *= size;
  input_layer_ = register_module("input", torch::nn::Linear(data_dim_ + spec_.embedding_dim, spec_.hidden));
  for (int k = 0; k < spec_.depth; ++k)
    blocks_.push_back(register_module("block" + std::to_string(k), torch::nn::Linear(spec_.hidden, spec_.hidden)));
  output_layer_ = register_module("output", torch::nn::Linear(spec_.hidden, data_dim_));
  frequencies_ = register_buffer("frequencies", noise_level_frequencies(spec_.embedding_dim));
}

torch::Tensor MlpDenoiserImpl::forward(const torch::Tensor& x_t, const torch::Tensor& log_snr,
                                       const torch::Tensor& labels) {
  if (labels.defined() && labels.numel() > 0)
    throw std::invalid_argument("mlp: this model is unconditional; pass no labels");
  const auto batch = x_t.size(0);
  if (x_t.numel() != batch * data_dim_)
    throw std::invalid_argument("mlp: x_t has " + std::to_string(x_t.numel() / std::max<std::int64_t>(batch, 1)) +
                                " values per sample, the model expects " + std::to_string(data_dim_));
  if (log_snr.dim() != 1 || log_snr.size(0) != batch)
    throw std::invalid_argument("mlp: log_snr must have shape [N] with N = x_t.size(0)");
  const torch::Tensor flat = x_t.reshape({batch, data_dim_});
  torch::Tensor h = input_layer_->forward(torch::cat({flat, noise_level_embedding(log_snr, frequencies_)}, 1));
  for (auto& block : blocks_) h = h + block->forward(torch::silu(h));  // residual block
  const torch::Tensor v = output_layer_->forward(torch::silu(h)).view(x_t.sizes());
  return prediction_from_v_output(spec_.prediction, x_t, log_snr, v);
}

}  // namespace dlab
