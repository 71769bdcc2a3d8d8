// Flags and helpers shared by the dlab subcommands: the schedule flags, enum values, seeds, output.
// Every check throws UsageError with a message that starts with the flag ("--steps: ...") and, for
// enums, lists the allowed values.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "core/device.h"
#include "core/names.h"
#include "core/schedule.h"
#include "core/seed_streams.h"

namespace dlab::cli {

// --schedule, --timesteps, --beta-start, --beta-end, --zero-terminal-snr.
struct ScheduleOptions {
  std::string name;
  int timesteps = 1000;
  double beta_start = 1e-4;
  double beta_end = 0.02;
  bool zero_terminal_snr = false;
};

void add_schedule_options(CLI::App& command, ScheduleOptions& options);
// Checks every flag (naming it in the error) and builds the schedule.
NoiseSchedule make_schedule(const ScheduleOptions& options);
// The schedule kinds the command line offers ("custom" needs control points, so it is left out).
std::string allowed_schedule_names();

// An enum flag's value, or UsageError "--flag: unknown value 'x'; allowed: a, b, c".
template <class E>
E parse_enum_flag(const std::string& value, const char* flag) {
  try {
    return parse_name<E>(value, flag);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

// --device: auto, cpu or cuda. cuda where this LibTorch sees no GPU is a usage error naming the flag and
// saying that CUDA is not available ("--device: device 'cuda': no CUDA GPU is available ...").
DeviceKind parse_device_flag(const std::string& value);

// --seed as an unsigned 64-bit integer; a negative value is a usage error (not wrapped around).
CLI::Option* add_seed_option(CLI::App& command, std::uint64_t& seed, const std::string& description);

// "--n: ..." unless 1 <= n <= kMaxPoints (0 allowed with allow_zero).
constexpr std::int64_t kMaxPoints = 10'000'000;
void check_point_count(std::int64_t n, const char* flag, bool allow_zero = false);

// A built-in data set or a CSV file: unknown names are usage errors naming --dataset; unreadable or
// malformed files are runtime errors (exit 1) naming the file and line.
torch::Tensor resolve_dataset_flag(const std::string& dataset, std::int64_t n, std::uint64_t seed);

// Independent random streams from one --seed: core/seed_streams.h (the app uses the same).

// Writes text to stdout when path is empty, otherwise atomically to the file.
void write_output(const std::string& path, const std::string& text);

// The machine's physical memory in bytes (0 when unknown): training refuses a step that needs more than 80%
// of it (cmd_train.cpp, image_commands.cpp).
double physical_memory_bytes();
constexpr double kUsableMemoryFraction = 0.8;

// Text that reads back as exactly the same double (%.17g), so printed tables are exact.
std::string format_double(double value);

}  // namespace dlab::cli
