// The Latent view's decoder and comparison (latent_lab.h) over core/latent_diffusion.h: the only file of the
// view that includes LibTorch.
#include "app/gui/views/latent/latent_lab.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

#include "app/gui/compute/async_value.h"
#include "core/latent_diffusion.h"
#include "core/point_statistics.h"

namespace dlab::gui {

double DecodedImages::mean() const {
  if (pixels.empty()) return 0;
  double total = 0;
  for (std::uint8_t p : pixels) total += p;
  return total / (255.0 * pixels.size());
}

std::uint64_t DecodedImages::hash() const {
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t p : pixels) {
    h ^= p;
    h *= 1099511628211ull;
  }
  return h;
}

namespace {

// Images [N, 1, 28, 28] in [-1, 1] as gray bytes.
std::shared_ptr<const DecodedImages> to_bytes(const torch::Tensor& images) {
  auto out = std::make_shared<DecodedImages>();
  const torch::Tensor bytes = ((images.detach().to(torch::kCPU, torch::kFloat) + 1) * 127.5)
                                  .round()
                                  .clamp(0, 255)
                                  .to(torch::kUInt8)
                                  .contiguous();
  out->count = static_cast<int>(bytes.size(0));
  out->size = static_cast<int>(bytes.size(-1));
  out->pixels.assign(bytes.data_ptr<std::uint8_t>(), bytes.data_ptr<std::uint8_t>() + bytes.numel());
  return out;
}

std::vector<float> to_floats(const torch::Tensor& xy) {
  const torch::Tensor cpu = xy.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
}

torch::Tensor from_floats(const std::vector<float>& xy) {
  return torch::from_blob(const_cast<float*>(xy.data()), {static_cast<std::int64_t>(xy.size() / 2), 2},
                          torch::kFloat)
      .clone();
}

}  // namespace

struct LatentLab::Impl {
  bool tried = false;
  std::shared_ptr<VaeModel> vae;
  std::string error;
  std::vector<std::string> class_names;

  AsyncValue<LatentComparison> worker;
  std::vector<float> asked_codes;
  std::uint64_t asked_seed = 0;
  bool asked = false;
  LatentComparison comparison;
};

LatentLab::LatentLab() : impl_(std::make_unique<Impl>()) {}
LatentLab::~LatentLab() = default;

bool LatentLab::ready() {
  Impl& m = *impl_;
  if (!m.tried) {
    m.tried = true;
    try {
      m.vae = shipped_vae();
      m.class_names = m.vae->class_names;
    } catch (const std::exception& e) {
      m.error = e.what();
    }
  }
  return m.vae != nullptr;
}

const std::string& LatentLab::error() const {
  return impl_->error;
}
const std::vector<std::string>& LatentLab::class_names() const {
  return impl_->class_names;
}

std::shared_ptr<const DecodedImages> LatentLab::decode(const std::vector<float>& xy) {
  if (!ready() || xy.size() < 2) return std::make_shared<const DecodedImages>();
  torch::NoGradGuard no_grad;
  return to_bytes(vae_decode(*impl_->vae, from_floats(xy)));
}

void LatentLab::compare(const std::vector<float>& diffusion_codes, const std::vector<float>& data_codes,
                        std::uint64_t seed) {
  Impl& m = *impl_;
  if (m.asked && diffusion_codes == m.asked_codes && seed == m.asked_seed) return;
  if (!ready()) {
    m.comparison = LatentComparison();
    m.comparison.state = ReadoutState::Failed;
    m.comparison.error = m.error;
    return;
  }
  m.asked = true;
  m.asked_codes = diffusion_codes;
  m.asked_seed = seed;
  m.comparison.state = ReadoutState::Computing;  // the older result stays shown meanwhile
  std::shared_ptr<VaeModel> vae = m.vae;
  m.worker.request([vae, diffusion_codes, data_codes, seed]() {
    const auto start = std::chrono::steady_clock::now();
    torch::NoGradGuard no_grad;
    const torch::Tensor codes = from_floats(diffusion_codes);
    VaeVersusDiffusion result =
        compare_vae_and_diffusion(*vae, codes, seed, shipped_model_path("classifier-fashion-mnist.lenet"));
    LatentComparison out;
    out.state = ReadoutState::Ready;
    out.prior_codes = to_floats(result.prior_codes);
    out.diffusion_codes = diffusion_codes;
    const std::int64_t shown = std::min<std::int64_t>(kComparisonGridImages, codes.size(0));
    out.prior_images = to_bytes(result.prior_images.slice(0, 0, shown));
    out.diffusion_images = to_bytes(result.diffusion_images.slice(0, 0, shown));
    out.prior_frechet = result.prior_frechet;
    out.diffusion_frechet = result.diffusion_frechet;
    out.reconstruction_frechet = result.reconstruction_frechet;
    out.prior_code_energy = result.prior_code_energy;
    out.diffusion_code_energy = result.diffusion_code_energy;
    out.prior_nearest_data = mean_nearest_distance(out.prior_codes, data_codes);
    out.diffusion_nearest_data = mean_nearest_distance(diffusion_codes, data_codes);
    out.samples = codes.size(0);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  });
}

const LatentComparison& LatentLab::comparison() {
  Impl& m = *impl_;
  if (auto result = m.worker.take()) {
    if (result->value) {
      m.comparison = *result->value;
    } else {
      m.comparison = LatentComparison();
      m.comparison.state = ReadoutState::Failed;
      m.comparison.error = result->error;
    }
  }
  return m.comparison;
}

bool LatentLab::comparison_pending() const {
  return impl_->comparison.state == ReadoutState::Computing || impl_->worker.busy();
}

}  // namespace dlab::gui
