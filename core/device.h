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

// What the CPU mostly computes, which decides where the threads go.
enum class CpuWork {
  // Small MLPs (the 2D models): nearly all time is in matrix products. OpenBLAS gets the threads and
  // LibTorch's OpenMP pool gets one: its idle workers spin and steal the cores that OpenBLAS needs (2D
  // training on 2 cores: 120-190 steps/s with both pools at 2 threads, 460-550 with OpenMP at 1).
  MatrixProducts,
  // Convolutions and large element-wise work (the U-Net): both pools get the threads.
  Mixed,
};

// Sets OpenBLAS's thread count and LibTorch's intra-op count as `work` says (process-wide for OpenBLAS,
// the calling thread's OpenMP pool for LibTorch). threads <= 0 means every hardware thread. Returns the
// number of threads that now compute.
int configure_cpu_threads(int threads, CpuWork work = CpuWork::Mixed);

// The count last given to configure_cpu_threads (0 before the first call).
int configured_cpu_threads();

// "cpu (2 threads)" or "cuda:0 (1 GPU visible)": what the command line and the app print.
std::string describe_device(const torch::Device& device);

// "1.13.0": the LibTorch this program was compiled against.
std::string libtorch_version();

}  // namespace dlab
