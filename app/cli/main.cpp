// dlab: the headless command line over core/. Each subcommand registers itself from its own file
// (cmd_<name>.cpp, see commands.h) and does its work in its callback; main only maps errors to exit codes:
//   0 success (and --help), 2 invalid usage or values, 1 runtime failure; one line "error: ..." on stderr.
#include <c10/util/Exception.h>

#include <iostream>
#include <stdexcept>
#include <string>

#include "app/cli/commands.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

int report_error(const std::string& message, int exit_code) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::cerr << "error: " << line << std::endl;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dlab: the Diffusion Lab command line (DDPM schedules, forward process, samplers, training)",
               "dlab"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  dlab::cli::add_schedule_command(app);
  dlab::cli::add_data_command(app);
  dlab::cli::add_forward_command(app);
  dlab::cli::add_sample_command(app);
  dlab::cli::add_train_command(app);
  dlab::cli::add_bench_command(app);
  dlab::cli::add_eval_command(app);
  try {
    // CLI11 would say "A subcommand is required" for a misspelt command: name it and the allowed ones.
    if (argc > 1 && argv[1][0] != '-') {
      std::string allowed;
      bool known = false;
      for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
        known = known || command->get_name() == argv[1];
        allowed += (allowed.empty() ? "" : ", ") + command->get_name();
      }
      if (!known)
        throw dlab::cli::UsageError(std::string("unknown command '") + argv[1] + "'; allowed: " + allowed);
    }
    app.parse(argc, argv);  // the chosen command runs in its callback, inside parse
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help
    return report_error(e.what(), kExitUsage);
  } catch (const std::invalid_argument& e) {  // dlab::cli::UsageError and invalid values found by core
    return report_error(e.what(), kExitUsage);
  } catch (const c10::Error& e) {
    return report_error(e.what_without_backtrace(), kExitFailure);
  } catch (const std::exception& e) {
    return report_error(e.what(), kExitFailure);
  }
  return 0;
}
