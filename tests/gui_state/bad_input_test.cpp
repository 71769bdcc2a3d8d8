// Careless and hostile values in the app's controls and scripts (issue 15): seeds over the whole 64-bit
// range like dlab's --seed, long or binary values quoted short, waits that would never end refused with
// file and line.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "app/gui/state/controls.h"
#include "app/gui/state/scene.h"
#include "app/gui/state/script.h"

namespace dlab::gui {
namespace {

std::string set_error(const std::string& name, const std::string& value) {
  Scene scene;
  try {
    set_control(scene, name, value);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::string script_error(const std::string& text) {
  try {
    parse_script(text, "s.script");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(BadInput, SeedsTakeEvery64BitValueAndNothingElse) {
  Scene scene;
  set_control(scene, "seed", "18446744073709551615");
  EXPECT_EQ(scene.data.seed, 18446744073709551615ull);
  set_control(scene, "sample-seed", "4611686018427387904");  // 2^62: refused before
  EXPECT_EQ(scene.sampler.seed, 4611686018427387904ull);
  EXPECT_NE(set_error("seed", "18446744073709551616").find("0..2^64-1"), std::string::npos);
  EXPECT_NE(set_error("seed", "-1").find("0..2^64-1"), std::string::npos);
  EXPECT_NE(set_error("sample-seed", "1e5").find("sample-seed: '1e5'"), std::string::npos);
}

TEST(BadInput, ValuesAreQuotedShortAndEscaped) {
  const std::string message = set_error("n", std::string(100000, '9') + "\x1b[2J");
  EXPECT_LT(message.size(), 200u) << message.substr(0, 300);
  EXPECT_EQ(set_error("beta-end", "0.1\x1b[2J").find('\x1b'), std::string::npos);
}

TEST(BadInput, ScriptNumbersOutOfRangeNameFileAndLine) {
  EXPECT_EQ(script_error("wait 2000000000\n").rfind("s.script:1: wait 2000000000: the frames to wait must be in 0..", 0), 0u)
      << script_error("wait 2000000000\n");
  EXPECT_EQ(script_error("wait 5\nstep 99999999999\n").rfind("s.script:2: '99999999999' is not an integer", 0), 0u);
  EXPECT_EQ(script_error("wait 108000\n"), "");
}

}  // namespace
}  // namespace dlab::gui
