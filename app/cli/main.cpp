// dlab: the headless command line over core/. Each subcommand registers itself from its own file
// (cmd_<name>.cpp, see commands.h) and does its work in its callback; main only maps errors to exit codes:
//   0 success (and --help), 2 invalid usage or values, 1 runtime failure; one line "error: ..." on stderr.
#include <c10/util/Exception.h>

#include <iostream>
#include <stdexcept>
#include <string>

#include "app/cli/commands.h"
#include "core/text_excerpt.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

int report_error(const std::string& message, int exit_code) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  while (!line.empty() && line.back() == ' ') line.pop_back();
  // Control bytes (a NUL, an ANSI escape) never reach the terminal, and no line is of megabytes.
  std::cerr << "error: " << dlab::text_excerpt(line, 2000) << std::endl;
  return exit_code;
}

// What a value of this CLI11 type name must be, in the project's words.
std::string expected_value(const CLI::App& app, const std::string& flag) {
  const CLI::App* command = &app;
  for (const CLI::App* sub : app.get_subcommands()) command = sub;  // the command being parsed
  std::string type;
  try {
    type = command->get_option(flag)->get_type_name();
  } catch (const CLI::Error&) {
  }
  if (type == "INT") return "a whole number in the flag's range (see --help)";
  if (type == "UINT") return "a whole number from 0 to 2^64-1";
  if (type == "FLOAT") return "a number (at most about 1.8e308 in magnitude)";
  return "a value of type " + (type.empty() ? std::string("TEXT") : type);
}

// The first --flag on the command line that the command being parsed has no option for ("--device" given to
// sample), or "". CLI11 lists such words in reverse order ("unexpected argument 'cuda --device'").
std::string unknown_flag(const CLI::App& app, int argc, char** argv) {
  const CLI::App* command = &app;
  for (const CLI::App* sub : app.get_subcommands()) command = sub;
  if (command == &app) return "";
  for (int i = 2; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) continue;
    const std::string flag = word.substr(0, word.find('='));
    if (!command->get_option_no_throw(flag)) return flag;
  }
  return "";
}

// CLI11's own wording ("At Most 1 required but received 2", "Could not convert: --x = y") in the
// project's: the flag first, the offending value quoted (cut and escaped), what to give instead.
std::string usage_message(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string what = e.what();  // may hold a whole argument of megabytes: no std::regex over it
  const auto after = [&](const std::string& prefix) {
    return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : std::string();
  };
  const auto at_most = what.find(": At Most ");
  if (at_most != std::string::npos) {
    const auto received = what.rfind(' ');
    const std::string limit = what.substr(at_most + 10, what.find(' ', at_most + 10) - (at_most + 10));
    return what.substr(0, at_most) + ": given " + what.substr(received + 1) + " times; give it " +
           (limit == "1" ? std::string("once") : "at most " + limit + " times");
  }
  const std::string conversion = after("Could not convert: ");
  if (!conversion.empty()) {
    const auto equals = conversion.find(" = ");
    const std::string flag = conversion.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : conversion.substr(equals + 3);
    return flag + ": '" + dlab::text_excerpt(value, 60) + "' is not " + expected_value(app, flag);
  }
  for (const char* prefix : {"The following argument was not expected: ", "The following arguments were not expected: "}) {
    const std::string extra = after(prefix);
    if (extra.empty()) continue;
    const std::string flag = unknown_flag(app, argc, argv);
    if (!flag.empty()) {
      std::string command;
      for (const CLI::App* sub : app.get_subcommands()) command = sub->get_name();
      return dlab::text_excerpt(flag, 60) + ": not an option of dlab " + command + "; see dlab " + command +
             " --help";
    }
    return "unexpected argument '" + dlab::text_excerpt(extra, 60) + "'; see --help";
  }
  const auto missing = what.find(": 1 required ");
  if (missing != std::string::npos && what.size() > 8 && what.compare(what.size() - 8, 8, " missing") == 0)
    return what.substr(0, missing) + ": needs a value (" + expected_value(app, what.substr(0, missing)) + ")";
  return what;
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
  dlab::cli::add_bench_nfe_command(app);
  dlab::cli::add_eval_command(app);
  dlab::cli::add_train_vae_command(app);
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
        throw dlab::cli::UsageError("unknown command '" + dlab::text_excerpt(argv[1], 60) + "'; allowed: " + allowed);
    }
    app.parse(argc, argv);  // the chosen command runs in its callback, inside parse
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help
    return report_error(usage_message(app, e, argc, argv), kExitUsage);
  } catch (const std::invalid_argument& e) {  // dlab::cli::UsageError and invalid values found by core
    return report_error(e.what(), kExitUsage);
  } catch (const c10::Error& e) {  // LibTorch: its first line, without the C++ backtrace
    const std::string message = e.what_without_backtrace();
    return report_error(message.substr(0, message.find('\n')), kExitFailure);
  } catch (const std::exception& e) {
    return report_error(e.what(), kExitFailure);
  }
  return 0;
}
