#include "app/gui/state/font_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dlab::gui {
namespace {

constexpr std::uint64_t kMaxFontBytes = 256ull << 20;

std::uint32_t u32(std::string_view b, std::uint64_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint16_t u16(std::string_view b, std::uint64_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

struct Table {
  std::uint64_t offset = 0, length = 0;
  bool found = false;
};

}  // namespace

std::string font_data_problem(std::string_view bytes, int face) {
  const std::uint64_t size = bytes.size();
  if (size == 0) return "the file is empty";
  if (size < 12) return "not a TrueType or OpenType font (only " + std::to_string(size) + " bytes)";
  std::uint64_t font = 0;  // the offset table of the font used
  if (bytes.substr(0, 4) == "ttcf") {  // a collection: header, then one offset per font
    const std::uint32_t fonts = u32(bytes, 8);
    if (face < 0 || static_cast<std::uint32_t>(face) >= fonts)
      return "the font collection has " + std::to_string(fonts) + " fonts, not font " + std::to_string(face + 1);
    if (12 + 4ull * (face + 1) > size) return "truncated: the font collection's header runs past the end of the file";
    font = u32(bytes, 12 + 4ull * face);
  } else if (face != 0) {
    return "not a font collection (font " + std::to_string(face + 1) + " was asked for)";
  }
  if (font + 12 > size) return "truncated: the font's table directory runs past the end of the file";
  const std::uint32_t tag = u32(bytes, font);
  const bool truetype = tag == 0x00010000u || tag == 0x74727565u /* 'true' */;
  const bool cff = tag == 0x4F54544Fu /* 'OTTO' */;
  if (!truetype && !cff) return "not a TrueType or OpenType font (it does not start with a font signature)";
  const std::uint16_t tables = u16(bytes, font + 4);
  if (tables == 0) return "corrupt: the font has no tables";
  if (font + 12 + 16ull * tables > size) return "truncated: the font's table directory runs past the end of the file";
  Table cmap, head, hhea, hmtx, maxp, loca, glyf, cff_table;
  for (std::uint16_t i = 0; i < tables; ++i) {
    const std::uint64_t entry = font + 12 + 16ull * i;
    Table t;
    t.offset = u32(bytes, entry + 8);
    t.length = u32(bytes, entry + 12);
    t.found = true;
    const std::string name(bytes.substr(entry, 4));
    if (t.offset > size || t.length > size - t.offset)
      return "truncated: the font's table '" + name + "' runs past the end of the file (" + std::to_string(size) +
             " bytes)";
    if (name == "cmap") cmap = t;
    else if (name == "head") head = t;
    else if (name == "hhea") hhea = t;
    else if (name == "hmtx") hmtx = t;
    else if (name == "maxp") maxp = t;
    else if (name == "loca") loca = t;
    else if (name == "glyf") glyf = t;
    else if (name == "CFF ") cff_table = t;
  }
  for (const auto& [table, name] : {std::pair{&cmap, "cmap"}, {&head, "head"}, {&hhea, "hhea"}, {&hmtx, "hmtx"},
                                    {&maxp, "maxp"}})
    if (!table->found) return std::string("corrupt: the font has no '") + name + "' table";
  if (!cff && (!loca.found || !glyf.found)) return "corrupt: the font has no 'loca' and 'glyf' tables";
  if (cff && !cff_table.found) return "corrupt: the font has no 'CFF ' table";
  // The fields stb_truetype reads from these tables without checking.
  if (head.length < 54 || hhea.length < 36 || maxp.length < 6 || cmap.length < 4)
    return "corrupt: a 'head', 'hhea', 'maxp' or 'cmap' table is too short";
  const std::uint16_t glyphs = u16(bytes, maxp.offset + 4);
  if (!cff) {
    const std::uint16_t loca_format = u16(bytes, head.offset + 50);
    if (loca_format > 1) return "corrupt: unknown 'loca' format in the 'head' table";
    if (loca.length < (std::uint64_t{glyphs} + 1) * (loca_format == 0 ? 2 : 4))
      return "corrupt: the 'loca' table is shorter than the font's glyph count";
  }
  const std::uint16_t encodings = u16(bytes, cmap.offset + 2);
  if (4 + 8ull * encodings > cmap.length) return "corrupt: the 'cmap' table's encoding records run past the table";
  for (std::uint16_t i = 0; i < encodings; ++i)
    if (u32(bytes, cmap.offset + 4 + 8ull * i + 4) >= cmap.length)
      return "corrupt: a 'cmap' subtable lies outside the table";
  return "";
}

std::string font_file_problem(const std::string& path, int face) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "it is a folder, not a font file";
  if (static_cast<std::uint64_t>(st.st_size) > kMaxFontBytes) return "larger than 256 MB: not a font file";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::strerror(errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  return font_data_problem(ss.str(), face);
}

}  // namespace dlab::gui
