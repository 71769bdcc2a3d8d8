// A font file checked before ImGui (stb_truetype) reads it: stb_truetype trusts the file's offsets, so an
// empty, truncated or non-font file given with --font or DLAB_FONT would crash the app (issue 15).
// Torch-free and GL-free (the state library), so it is unit-tested and fuzzable.
#pragma once

#include <string>
#include <string_view>

namespace dlab::gui {

// "" when `bytes` hold a TrueType/OpenType font (or a collection whose font `face` exists) with its table
// directory and every table inside the data and the tables stb_truetype needs (cmap, head, hhea, hmtx,
// maxp, and loca + glyf or CFF); otherwise what is wrong, e.g. "not a TrueType or OpenType font".
std::string font_data_problem(std::string_view bytes, int face = 0);

// The same for a file: also "no such file", "it is a folder", "empty"; files above 256 MB are refused.
std::string font_file_problem(const std::string& path, int face = 0);

}  // namespace dlab::gui
