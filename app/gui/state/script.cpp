#include "app/gui/state/script.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/text_excerpt.h"

namespace dlab::gui {

namespace {

// Command name -> (minimum, maximum) number of arguments.
const std::map<std::string, std::pair<int, int>>& arities() {
  static const std::map<std::string, std::pair<int, int>> table = {
      {"set", {2, 2}},     {"play", {0, 0}},  {"pause", {0, 0}},         {"wait", {1, 1}},
      {"step", {0, 1}},    {"home", {0, 0}},  {"end", {0, 0}},           {"click", {2, 2}},
      {"key", {1, 1}},     {"quit", {0, 0}},  {"wait-sampling", {0, 0}}, {"screenshot", {1, 1}},
      {"stats", {1, 1}},   {"wait-training", {1, 1}}, {"save", {1, 1}},       {"load", {1, 1}},
      {"open", {1, 1}},    {"save-scene", {1, 1}}, {"open-lesson", {1, 1}}, {"sample-again", {0, 0}},
      {"export-video", {1, 1}}, {"export-csv", {1, 2}}, {"export-png", {2, 4}}, {"wait-export", {0, 0}},
      {"cancel-export", {0, 0}}, {"print-command", {0, 0}}, {"hover", {2, 2}},
  };
  return table;
}

// An optional sign and digits, a value the app's std::stoi (std::stoll for wait-training) converts.
bool is_integer(const std::string& text, bool wide) {
  if (text.empty()) return false;
  std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  return errno != ERANGE &&
         (wide || (value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max()));
}

}  // namespace

std::string script_command_names() {
  std::string names;
  for (const auto& [name, unused] : arities()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

std::vector<ScriptCommand> parse_script(const std::string& text, const std::string& file_name) {
  std::vector<ScriptCommand> commands;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    ScriptCommand command;
    command.line = number;
    if (!(words >> command.name)) continue;
    std::string word;
    if (command.name == "set") {
      // set NAME VALUE...: the value is the rest of the line (a path may contain spaces).
      if (words >> word) command.args.push_back(word);
      std::string rest;
      std::getline(words, rest);
      const auto first = rest.find_first_not_of(" \t");
      if (first != std::string::npos) command.args.push_back(rest.substr(first, rest.find_last_not_of(" \t\r") - first + 1));
    } else {
      while (words >> word) command.args.push_back(word);
    }
    const std::string where = file_name + ":" + std::to_string(number) + ": ";
    const auto arity = arities().find(command.name);
    if (arity == arities().end()) {
      std::string names;
      for (const auto& [name, unused] : arities()) names += (names.empty() ? "" : ", ") + name;
      throw std::runtime_error(where + "unknown command '" + text_excerpt(command.name) +
                               "'; commands: " + names);
    }
    const int count = static_cast<int>(command.args.size());
    if (count < arity->second.first || count > arity->second.second)
      throw std::runtime_error(where + "'" + command.name + "' takes " +
                               (arity->second.first == arity->second.second
                                    ? std::to_string(arity->second.first)
                                    : std::to_string(arity->second.first) + " or " + std::to_string(arity->second.second)) +
                               " argument(s), got " + std::to_string(count));
    const bool numeric = command.name == "wait" || command.name == "step" || command.name == "click" ||
                         command.name == "hover" || command.name == "wait-training";
    for (const std::string& arg : command.args)
      if (numeric && !is_integer(arg, command.name == "wait-training"))
        throw std::runtime_error(where + "'" + text_excerpt(arg) + "' is not an integer" +
                                 (command.name == "wait-training" ? "" : " in -2147483648..2147483647"));
    // `wait 2000000000` would run for a year: a script waits at most kMaxScriptWaitFrames frames at a time.
    if (command.name == "wait" && (std::strtoll(command.args[0].c_str(), nullptr, 10) < 0 ||
                                   std::strtoll(command.args[0].c_str(), nullptr, 10) > kMaxScriptWaitFrames))
      throw std::runtime_error(where + "wait " + command.args[0] + ": the frames to wait must be in 0.." +
                               std::to_string(kMaxScriptWaitFrames) + " (about 30 minutes at 60 frames per second)");
    commands.push_back(std::move(command));
  }
  return commands;
}

std::vector<ScriptCommand> load_script(const std::string& path) { return parse_script(read_text_file(path), path); }

}  // namespace dlab::gui
