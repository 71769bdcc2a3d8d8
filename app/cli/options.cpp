#include "app/cli/options.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "core/atomic_file.h"
#include "core/datasets2d.h"
#include "core/text_excerpt.h"

namespace dlab::cli {

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * page : 0.0;
}

DeviceKind parse_device_flag(const std::string& value) {
  const DeviceKind kind = parse_enum_flag<DeviceKind>(value, "--device");
  try {
    resolve_device(kind);  // throws for cuda without a GPU
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--device: ") + e.what());
  }
  return kind;
}

std::string allowed_schedule_names() {
  std::string out;
  for (const auto& entry : EnumNames<ScheduleKind>::entries) {
    if (entry.value == ScheduleKind::Custom) continue;
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

void add_schedule_options(CLI::App& command, ScheduleOptions& options) {
  command.add_option("--schedule", options.name, "Noise schedule: " + allowed_schedule_names())->required();
  command.add_option("--timesteps", options.timesteps, "Number of diffusion steps T (2..4000)")
      ->capture_default_str();
  command.add_option("--beta-start", options.beta_start, "beta_1 (linear, scaled-linear, sigmoid)")
      ->capture_default_str();
  command.add_option("--beta-end", options.beta_end, "beta_T (linear, scaled-linear, sigmoid)")
      ->capture_default_str();
  command.add_flag("--zero-terminal-snr", options.zero_terminal_snr,
                   "Rescale so that abar_T = 0 (Lin et al. 2023, Alg. 1)");
}

NoiseSchedule make_schedule(const ScheduleOptions& options) {
  const auto kind = from_name<ScheduleKind>(options.name);
  if (!kind || *kind == ScheduleKind::Custom)
    throw UsageError("--schedule: unknown value '" + options.name +
                     "'; allowed: " + allowed_schedule_names());
  if (options.timesteps < kMinTimesteps || options.timesteps > kMaxTimesteps)
    throw UsageError("--timesteps: T = " + std::to_string(options.timesteps) + " is out of range; allowed: " +
                     std::to_string(kMinTimesteps) + ".." + std::to_string(kMaxTimesteps));
  const bool uses_beta_range = *kind != ScheduleKind::Cosine;
  if (uses_beta_range) {
    if (!(options.beta_start > 0.0 && options.beta_start < 1.0))
      throw UsageError("--beta-start: " + format_double(options.beta_start) +
                       " is out of range; allowed: strictly between 0 and 1");
    if (!(options.beta_end > 0.0 && options.beta_end < 1.0))
      throw UsageError("--beta-end: " + format_double(options.beta_end) +
                       " is out of range; allowed: strictly between 0 and 1");
    if (options.beta_start > options.beta_end)
      throw UsageError("--beta-start: " + format_double(options.beta_start) + " is larger than --beta-end " +
                       format_double(options.beta_end) + "; noise must grow with t, so swap them");
  }
  ScheduleConfig config;
  config.kind = *kind;
  config.timesteps = options.timesteps;
  config.beta_start = options.beta_start;
  config.beta_end = options.beta_end;
  config.zero_terminal_snr = options.zero_terminal_snr;
  try {
    return NoiseSchedule(config);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();  // "beta-end = 0.4 makes ...": name the flag to change
    for (const std::string flag : {"beta-start", "beta-end"})
      if (what.rfind(flag + " = ", 0) == 0) throw UsageError("--" + flag + ": " + what.substr(flag.size() + 3));
    throw UsageError("--schedule: " + what);
  }
}

CLI::Option* add_seed_option(CLI::App& command, std::uint64_t& seed, const std::string& description) {
  // Checked as text: CLI11 would wrap -1 around and saturate values above 2^64-1 (strtoull).
  const CLI::Validator seed_range(
      [](std::string& value) -> std::string {
        const std::string shown = "'" + text_excerpt(value, 60) + "'";
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
          return shown + " is not a whole number in 0..2^64-1 = 18446744073709551615";
        const std::string digits = value.substr(std::min(value.find_first_not_of('0'), value.size() - 1));
        const std::string largest = "18446744073709551615";
        if (digits.size() > largest.size() || (digits.size() == largest.size() && digits > largest))
          return shown + " is out of range; allowed: 0..2^64-1 = 18446744073709551615";
        return "";
      },
      "0..2^64-1");
  return command.add_option("--seed", seed, description)->check(seed_range)->required();
}

void check_point_count(std::int64_t n, const char* flag, bool allow_zero) {
  const std::int64_t lowest = allow_zero ? 0 : 1;
  if (n < lowest || n > kMaxPoints)
    throw UsageError(std::string(flag) + ": " + std::to_string(n) +
                     " is out of range; allowed: " + std::to_string(lowest) + ".." +
                     std::to_string(kMaxPoints) + (allow_zero ? " (0: every row of a CSV file)" : ""));
}

torch::Tensor resolve_dataset_flag(const std::string& dataset, std::int64_t n, std::uint64_t seed) {
  if (n == 0 && is_builtin_dataset(dataset))
    throw UsageError("--n: 0 means every row of a CSV file; a built-in data set needs --n >= 1");
  try {
    return resolve_points(dataset, n, seed);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--dataset: ") + e.what());
  }
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("cannot write to standard output");
    return;
  }
  write_text_atomically(path, text);
}

std::string format_double(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace dlab::cli
