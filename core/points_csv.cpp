#include "core/points_csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "core/text_excerpt.h"

namespace dlab {
namespace {

std::string trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(std::string_view(line).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

// A whole field that strtod reads as a finite number.
bool parse_number(const std::string& field, double& value) {
  if (field.empty()) return false;
  errno = 0;
  char* end = nullptr;
  value = std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size() && std::isfinite(value) && errno != ERANGE;
}

// A line split by semicolons or tabs instead of commas: say so.
std::string separator_hint(const std::string& line) {
  if (line.find(',') != std::string::npos) return "";
  if (line.find(';') != std::string::npos) return "; the line uses ';' between values: the separator must be a comma (x,y)";
  if (line.find('\t') != std::string::npos) return "; the line uses tabs between values: the separator must be a comma (x,y)";
  return "";
}

}  // namespace

std::vector<float> parse_points_csv(std::string_view text, const std::string& file_name) {
  std::vector<float> values;
  int line_number = 0;
  bool seen_first_line = false;
  std::string header;  // the first line when it is taken as a header
  // A UTF-8 byte-order mark at the start (spreadsheets write one) is the encoding's signature, not data.
  std::size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (start < text.size()) {  // lines as std::getline splits them
    const auto newline = text.find('\n', start);
    const auto line =
        text.substr(start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    start = newline == std::string_view::npos ? text.size() : newline + 1;
    ++line_number;
    const std::string content = trim(line);
    if (content.empty()) continue;
    const auto fields = split_fields(content);
    double parsed[2] = {0.0, 0.0};
    bool any_number = false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      double v = 0.0;
      if (parse_number(fields[i], v)) any_number = true;
    }
    // The first non-blank line is a header when none of its fields is a number ("x,y").
    if (!seen_first_line && !any_number) {
      seen_first_line = true;
      header = content;
      continue;
    }
    seen_first_line = true;
    const std::string where = file_name + ":" + std::to_string(line_number) + ": ";
    if (fields.size() != 2)
      throw std::runtime_error(where + "expected 2 comma-separated numbers (x,y), found " +
                               std::to_string(fields.size()) + " column" + (fields.size() == 1 ? "" : "s") +
                               separator_hint(content));
    for (int i = 0; i < 2; ++i) {
      if (!parse_number(fields[i], parsed[i]))
        throw std::runtime_error(where + (i == 0 ? "x" : "y") + " value '" + text_excerpt(fields[i]) +
                                 "' is not a finite number");
      // Points are float32: a larger double would become infinite.
      if (std::abs(parsed[i]) > std::numeric_limits<float>::max())
        throw std::runtime_error(where + (i == 0 ? "x" : "y") + " value '" + text_excerpt(fields[i]) +
                                 "' is outside the float32 range (magnitude at most 3.4e38)");
    }
    values.push_back(static_cast<float>(parsed[0]));
    values.push_back(static_cast<float>(parsed[1]));
  }
  if (values.empty() && !separator_hint(header).empty())  // "1;2" or "1<tab>2" read as a header
    throw std::runtime_error(file_name + ": no data rows" + separator_hint(header));
  if (values.empty())
    throw std::runtime_error(file_name +
                             ": no data rows (the file is empty or has only a header); expected lines x,y");
  return values;
}

}  // namespace dlab
