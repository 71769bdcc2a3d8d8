// Where tensors live and how many CPU threads LibTorch uses. CUDA is used when the LibTorch the
// program runs on has a GPU ("auto"); on the CPU the thread count is explicit and reported.
#pragma once

#include <torch/types.h>

#include <string>

#include "core/names.h"

namespace dlab {

enum class DeviceKind { Auto, Cpu, Cuda };

template <>
struct EnumNames<DeviceKind> {
  static constexpr std::array<EnumEntry<DeviceKind>, 3> entries{{
      {DeviceKind::Auto, "auto", "Auto (GPU if available)"},
      {DeviceKind::Cpu, "cpu", "CPU"},
      {DeviceKind::Cuda, "cuda", "CUDA GPU"},
  }};
};

bool cuda_available();  // torch::cuda::is_available()

// auto: cuda:0 when available, else cpu. cuda without a GPU throws std::invalid_argument saying so.
torch::Device resolve_device(DeviceKind kind);

// Sets LibTorch's intra-op thread count (process-wide): threads <= 0 means every hardware thread.
// Returns the count now in use.
int configure_cpu_threads(int threads);

// "cpu (2 threads)" or "cuda:0 (1 GPU visible)": what the command line and the app print.
std::string describe_device(const torch::Device& device);

// "1.13.0": the LibTorch this program was compiled against.
std::string libtorch_version();

}  // namespace dlab
