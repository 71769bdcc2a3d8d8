// dlab_csv_check A.csv B.csv [--tolerance T] [--origin]: the columns A and B share (by header name) hold the
// same numbers row by row within T (default 1e-5: the app keeps float32 points, dlab prints doubles), with the
// same number of rows; --origin: A's origin column is the row index. Exit 0 when they match, 1 otherwise.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) out.push_back(cell);
  return out;
}

bool load(const char* path, Table* table) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    std::fprintf(stderr, "FAIL: cannot read %s\n", path);
    return false;
  }
  table->header = split(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    for (const std::string& cell : split(line)) row.push_back(std::strtod(cell.c_str(), nullptr));
    table->rows.push_back(row);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s A.csv B.csv [--tolerance T] [--origin]\n", argv[0]);
    return 2;
  }
  double tolerance = 1e-5;
  bool origin = false;
  for (int i = 3; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--tolerance") && i + 1 < argc) tolerance = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--origin")) origin = true;
  }
  Table a, b;
  if (!load(argv[1], &a) || !load(argv[2], &b)) return 1;
  if (a.rows.size() != b.rows.size() || a.rows.empty()) {
    std::fprintf(stderr, "FAIL: %s has %zu rows, %s %zu\n", argv[1], a.rows.size(), argv[2], b.rows.size());
    return 1;
  }
  int shared = 0;
  double worst = 0;
  for (std::size_t ca = 0; ca < a.header.size(); ++ca) {
    for (std::size_t cb = 0; cb < b.header.size(); ++cb) {
      if (a.header[ca] != b.header[cb]) continue;
      ++shared;
      for (std::size_t r = 0; r < a.rows.size(); ++r) {
        if (ca >= a.rows[r].size() || cb >= b.rows[r].size()) {
          std::fprintf(stderr, "FAIL: row %zu is short\n", r + 1);
          return 1;
        }
        worst = std::max(worst, std::abs(a.rows[r][ca] - b.rows[r][cb]));
      }
    }
  }
  if (shared == 0) {
    std::fprintf(stderr, "FAIL: %s and %s share no column\n", argv[1], argv[2]);
    return 1;
  }
  if (origin) {
    std::size_t column = a.header.size();
    for (std::size_t c = 0; c < a.header.size(); ++c)
      if (a.header[c] == "origin") column = c;
    if (column == a.header.size()) {
      std::fprintf(stderr, "FAIL: %s has no origin column\n", argv[1]);
      return 1;
    }
    for (std::size_t r = 0; r < a.rows.size(); ++r)
      if (a.rows[r][column] != static_cast<double>(r)) {
        std::fprintf(stderr, "FAIL: %s row %zu: origin %g, expected %zu\n", argv[1], r + 1, a.rows[r][column], r);
        return 1;
      }
  }
  std::printf("%s vs %s: %zu rows, %d shared columns, largest difference %g\n", argv[1], argv[2], a.rows.size(), shared,
              worst);
  if (worst > tolerance) {
    std::fprintf(stderr, "FAIL: largest difference %g > %g\n", worst, tolerance);
    return 1;
  }
  return 0;
}
