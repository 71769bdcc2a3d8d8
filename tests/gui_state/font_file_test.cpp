// Font files are checked before ImGui's stb_truetype reads them (issue 15): it trusts the table offsets, so a
// cut or non-font file would crash the app.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "app/gui/state/font_file.h"

namespace dlab::gui {
namespace {

const char* const kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FontFile, AcceptsTheShippedFontsAndRefusesOtherFiles) {
  const std::string font = read_all(kDejaVu);
  if (font.empty()) GTEST_SKIP() << "no DejaVu Sans";
  EXPECT_EQ(font_data_problem(font), "");
  EXPECT_EQ(font_file_problem(kDejaVu), "");
  EXPECT_EQ(font_data_problem(""), "the file is empty");
  EXPECT_NE(font_data_problem("hello, this is text and no font at all").find("not a TrueType or OpenType font"),
            std::string::npos);
  EXPECT_NE(font_file_problem("/no/such/font.ttf").find("No such file"), std::string::npos);
  EXPECT_NE(font_file_problem("/tmp").find("folder"), std::string::npos);
  EXPECT_NE(font_data_problem(font, 2).find("not a font collection"), std::string::npos);
}

TEST(FontFile, EveryCutOfAFontIsRefused) {
  const std::string font = read_all(kDejaVu);
  if (font.empty()) GTEST_SKIP() << "no DejaVu Sans";
  for (std::size_t length = 1; length < font.size(); length += length < 4096 ? 7 : 4093)
    EXPECT_NE(font_data_problem(std::string_view(font).substr(0, length)), "") << "cut at " << length;
}

TEST(FontFile, RefusesATableDirectoryPointingOutsideTheFile) {
  std::string font = read_all(kDejaVu);
  if (font.empty()) GTEST_SKIP() << "no DejaVu Sans";
  font[12 + 8] = '\x7f';  // the first table's offset, far past the end
  EXPECT_NE(font_data_problem(font).find("runs past the end of the file"), std::string::npos);
  font = read_all(kDejaVu);
  font[4] = '\xff';  // 65,000-odd tables: the directory itself runs past the end
  EXPECT_NE(font_data_problem(font).find("table directory runs past"), std::string::npos);
}

}  // namespace
}  // namespace dlab::gui
