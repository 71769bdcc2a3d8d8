// The dlab command line: each subcommand lives in its own file (cmd_<name>.cpp) and registers itself
// here. Callbacks throw UsageError for invalid usage or values (exit 2, message names the flag and the
// allowed values) and std::exception for runtime failures (exit 1). Errors go to stderr as one line
// starting "error:".
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

namespace dlab::cli {

struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

void add_schedule_command(CLI::App& app);  // cmd_schedule.cpp
void add_data_command(CLI::App& app);      // cmd_data.cpp
void add_forward_command(CLI::App& app);   // cmd_forward.cpp
void add_sample_command(CLI::App& app);    // cmd_sample.cpp
void add_train_command(CLI::App& app);     // cmd_train.cpp   (training issue)
void add_bench_command(CLI::App& app);     // cmd_bench.cpp   (training issue)
void add_bench_nfe_command(CLI::App& app);  // cmd_bench_nfe.cpp (issue 13: quality against NFE)
void add_eval_command(CLI::App& app);      // cmd_eval.cpp    (images issue)
void add_train_vae_command(CLI::App& app);  // cmd_train_vae.cpp (issue 12: latent diffusion)

}  // namespace dlab::cli
