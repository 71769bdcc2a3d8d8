// 2D points as CSV text, without LibTorch (the fuzz target tests/fuzz/points_csv_fuzz.cpp links it alone):
// two numeric columns, an optional header line (a first line with no number in it), blank lines ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dlab {

// The rows as x0, y0, x1, y1, ... Throws std::runtime_error naming file_name and the line on a malformed
// row, and when there is no data row.
std::vector<float> parse_points_csv(std::string_view text, const std::string& file_name);

}  // namespace dlab
