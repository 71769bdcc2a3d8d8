// Running the real dlab binary from a test: its exit code and what it printed, and the command-line
// contract for errors (exit 2 for usage, 1 at run time; one line "error: ..." on stderr; nothing on stdout).
// Shared by the command-line test files; DLAB_BINARY is set by tests/CMakeLists.txt.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace dlab::cli_test {

struct Result {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline int count_newlines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// Runs "<shell_prefix> dlab ARGS" with stdout and stderr captured in output_base.out / .err.
inline Result run_dlab(const std::string& args, const std::string& output_base, const std::string& shell_prefix = "") {
  const std::string command =
      shell_prefix + DLAB_BINARY + " " + args + " >" + output_base + ".out 2>" + output_base + ".err";
  const int status = std::system(command.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(output_base + ".out");
  r.err = read_file(output_base + ".err");
  return r;
}

// Exit `code`, exactly one line "error: ..." on stderr holding every fragment, nothing on stdout.
inline void expect_one_error_line(const Result& r, const std::string& args, const std::vector<std::string>& fragments,
                                  int code) {
  EXPECT_EQ(r.exit_code, code) << args << "\n" << r.err;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << args << "\n" << r.err;
  EXPECT_EQ(count_newlines(r.err), 1) << args << "\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out.substr(0, 200);
  for (const auto& fragment : fragments) EXPECT_NE(r.err.find(fragment), std::string::npos) << args << "\n" << r.err;
}

}  // namespace dlab::cli_test
