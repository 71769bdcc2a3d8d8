#include "core/device.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
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

namespace {
std::atomic<int> configured_threads{0};  // what describe_device reports; 0 before configure_cpu_threads
}  // namespace

int configure_cpu_threads(int threads, CpuWork work) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Debian's LibTorch calls OpenBLAS, whose own thread pool ignores torch::set_num_threads and would use
  // every core: give it the count asked for (looked up at run time, so other BLAS libraries work too).
  using SetThreads = void (*)(int);
  const auto set_blas_threads = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set_blas_threads) set_blas_threads(threads);
  // Without OpenBLAS the matrix products run on LibTorch's own pool, which then needs the threads.
  torch::set_num_threads(work == CpuWork::MatrixProducts && set_blas_threads ? 1 : threads);
  configured_threads.store(threads);
  return threads;
}

int configured_cpu_threads() { return configured_threads.load(); }

std::string describe_device(const torch::Device& device) {
  if (device.is_cuda()) {
    const auto count = torch::cuda::device_count();
    return device.str() + " (" + std::to_string(count) + (count == 1 ? " GPU" : " GPUs") + " visible)";
  }
  const int configured = configured_threads.load();
  const int threads = configured > 0 ? configured : torch::get_num_threads();
  return device.str() + " (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

std::string libtorch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

}  // namespace dlab
