#include "core/device.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace dlab {

bool cuda_available() { return torch::cuda::is_available(); }

torch::Device resolve_device(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::Auto:
      return cuda_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    case DeviceKind::Cpu:
      return torch::Device(torch::kCPU);
    case DeviceKind::Cuda:
      if (!cuda_available())
        throw std::invalid_argument("device 'cuda': no CUDA GPU is available to this LibTorch (" +
                                    libtorch_version() + "); use 'cpu' or 'auto'");
      return torch::Device(torch::kCUDA, 0);
  }
  throw std::invalid_argument("device: unknown kind");
}

int configure_cpu_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  return torch::get_num_threads();
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cuda()) {
    const auto count = torch::cuda::device_count();
    return device.str() + " (" + std::to_string(count) + (count == 1 ? " GPU" : " GPUs") + " visible)";
  }
  const int threads = torch::get_num_threads();
  return device.str() + " (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

std::string libtorch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

}  // namespace dlab
