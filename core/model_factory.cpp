// make_denoiser_net: the one place that maps a ModelSpec to a network; make_network_denoiser: a
// network used as a sampler's denoiser.
#include "core/denoiser_net.h"
#include "core/mlp_denoiser.h"
#include "core/mlp_step.h"
#include "core/noise_embedding.h"
#include "core/unet.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace dlab {

DenoiserNet make_denoiser_net(const ModelSpec& spec) {
  switch (spec.kind) {
    case ModelKind::Mlp:
      return std::make_shared<MlpDenoiserImpl>(spec);
    case ModelKind::UNet:
      return std::make_shared<UNetDenoiserImpl>(spec);
  }
  throw std::invalid_argument(std::string("model kind '") + to_name(spec.kind) + "' is not available in this build");
}

}  // namespace dlab

namespace dlab {

DenoiserNet make_denoiser_net(const ModelSpec& spec, std::uint64_t init_seed) {
  at::Generator global = at::detail::getDefaultCPUGenerator();
  torch::Tensor saved;
  {
    std::lock_guard<std::mutex> lock(global.mutex());
    saved = global.get_state();
    global.set_current_seed(init_seed);
  }
  DenoiserNet net;
  try {
    net = make_denoiser_net(spec);
  } catch (...) {
    std::lock_guard<std::mutex> lock(global.mutex());
    global.set_state(saved);
    throw;
  }
  std::lock_guard<std::mutex> lock(global.mutex());
  global.set_state(saved);
  return net;
}

torch::Tensor prediction_from_v_output(Prediction prediction, const torch::Tensor& x_t, const torch::Tensor& log_snr,
                                       const torch::Tensor& v) {
  if (prediction == Prediction::V) return v;
  std::vector<std::int64_t> column_shape(x_t.dim(), 1);
  column_shape[0] = x_t.size(0);
  const torch::Tensor level = log_snr.to(v.scalar_type()).reshape(column_shape);
  // abar = sigmoid(log SNR), 1 - abar = sigmoid(-log SNR) (Kingma et al. 2021, section 3): exact at both ends.
  const torch::Tensor sqrt_abar = torch::sigmoid(level).sqrt();
  const torch::Tensor sqrt_one_minus_abar = torch::sigmoid(-level).sqrt();
  if (prediction == Prediction::Eps) return torch::addcmul(x_t * sqrt_one_minus_abar, v, sqrt_abar);
  return x_t * sqrt_abar - v * sqrt_one_minus_abar;  // x0
}

Denoiser make_network_denoiser(DenoiserNet net, const torch::Device& device, std::int64_t max_batch) {
  if (!net) throw std::invalid_argument("network denoiser: no network");
  if (max_batch < 1) throw std::invalid_argument("network denoiser: max_batch must be >= 1");
  const int num_classes = net->spec().num_classes;
  net->eval();
  if (device.is_cpu() && mlp_step_supports(*net)) {
    // The 2D MLP on the CPU: the hand-written forward over buffers allocated once (core/mlp_step.h); only the
    // returned tensor is new at each call. A second thread calling while one computes takes the module path.
    struct Fast {
      MlpStep step;
      std::mutex mutex;
      explicit Fast(DenoiserNetImpl& n) : step(n, /*gradients=*/false) {}
    };
    auto fast = std::make_shared<Fast>(*net);
    return [net, fast](const torch::Tensor& x_t, int /*t*/, double alpha_bar) -> torch::Tensor {
      torch::NoGradGuard no_grad;
      const float log_snr = static_cast<float>(log_snr_from_alpha_bar(alpha_bar));
      std::unique_lock<std::mutex> lock(fast->mutex, std::try_to_lock);
      if (!lock.owns_lock() || !x_t.device().is_cpu()) {
        const torch::Tensor input = x_t.to(torch::kCPU, torch::kFloat);
        return net->forward(input, torch::full({input.size(0)}, log_snr, input.options()), {}).to(x_t.device());
      }
      torch::Tensor out;
      fast->step.forward(x_t, log_snr, out);
      return out;
    };
  }
  return [net, device, max_batch, num_classes](const torch::Tensor& x_t, int /*t*/, double alpha_bar) -> torch::Tensor {
    torch::NoGradGuard no_grad;
    const std::int64_t rows = x_t.size(0);
    const float log_snr = static_cast<float>(log_snr_from_alpha_bar(alpha_bar));
    const torch::Tensor input = x_t.to(device, torch::kFloat);
    std::vector<torch::Tensor> outputs;
    for (std::int64_t start = 0; start < rows; start += max_batch) {
      const std::int64_t count = std::min(max_batch, rows - start);
      const torch::Tensor x = input.narrow(0, start, count);
      const torch::Tensor level = torch::full({count}, log_snr, x.options());
      torch::Tensor labels;  // unconditional; a conditional model gets its null label num_classes
      if (num_classes > 0)
        labels = torch::full({count}, num_classes, torch::TensorOptions().dtype(torch::kLong).device(device));
      outputs.push_back(net->forward(x, level, labels));
    }
    const torch::Tensor out = outputs.size() == 1 ? outputs.front() : torch::cat(outputs, 0);
    return out.to(x_t.device());
  };
}

}  // namespace dlab
