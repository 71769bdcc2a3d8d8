// The window's language (app/gui/state/i18n.h): the PO parser, tr() in both languages, the locale, and the
// list of name-table labels the extraction sees (i18n_core_labels.cpp).
#include "app/gui/state/i18n.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/choices.h"
#include "core/schedule.h"

namespace dlab::gui {
namespace {

std::string po_error(const std::string& text) {
  try {
    parse_po(text, "x.po");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(PoParser, ReadsEntriesWithEscapesAndContinuationLines) {
  const std::string text =
      "# translator comment\n"
      "msgid \"\"\n"
      "msgstr \"\"\n"
      "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
      "\n"
      "#: app/gui/panels/panel_controls.cpp:12\n"
      "#, c-format\n"
      "msgid \"step %d\"\n"
      "msgstr \"第 %d 步\"\n"
      "\n"
      "msgid \"\"\n"
      "\"two \"\n"
      "\"lines\\n\"\n"
      "msgstr \"两\\t行\\n\"\n"
      "\"\\\"引号\\\" \\\\ \\101\\x42\"\n"
      "\n"
      "msgctxt \"menu\"\n"
      "msgid \"Open\"\n"
      "msgstr \"打开\"\n";
  const auto messages = parse_po(text, "x.po");
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages.at("step %d"), "第 %d 步");
  EXPECT_EQ(messages.at("two lines\n"), "两\t行\n\"引号\" \\ AB");
  EXPECT_EQ(messages.at(std::string("menu") + '\x04' + "Open"), "打开");
}

TEST(PoParser, LeavesOutFuzzyUntranslatedAndObsoleteEntries) {
  const std::string text =
      "#, fuzzy, c-format\n"
      "msgid \"Play\"\n"
      "msgstr \"播放\"\n"
      "\n"
      "msgid \"Pause\"\n"
      "msgstr \"\"\n"
      "\n"
      "#~ msgid \"Old\"\n"
      "#~ msgstr \"旧\"\n"
      "\n"
      "msgid \"Reset\"\n"
      "msgstr \"重置\"\n"
      "#, fuzzy\n"
      "msgid \"Start\"\n"
      "msgstr \"开始\"\n";
  const auto messages = parse_po(text, "x.po");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages.at("Reset"), "重置");
}

TEST(PoParser, KeepsTheFirstPluralForm) {
  const auto messages = parse_po("msgid \"%d step\"\nmsgid_plural \"%d steps\"\nmsgstr[0] \"%d 步\"\n", "x.po");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages.at("%d step"), "%d 步");
}

TEST(PoParser, MalformedFilesNameFileAndLine) {
  EXPECT_EQ(po_error("msgid \"a\"\nmsgstr \"b\n"), "x.po:2: the string is not closed (a \" is missing at the end of the line)");
  EXPECT_EQ(po_error("msgid \"a\"\nmsgstr \"b\" junk\n"), "x.po:2: text after the closing \" of a string");
  EXPECT_EQ(po_error("\n\nmsgid \"a\"\nmsgtxt \"b\"\n"),
            "x.po:4: unknown keyword 'msgtxt'; expected msgctxt, msgid, msgid_plural, msgstr or a \"string\"");
  EXPECT_EQ(po_error("msgid \"a\"\nmsgstr \"\\q\"\n"), "x.po:2: unknown escape \\q in a string");
  EXPECT_EQ(po_error("msgstr \"b\"\n"), "x.po:1: msgstr without a msgid before it");
  EXPECT_EQ(po_error("msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"c\"\n"), "x.po:2: msgid without a msgstr");
  EXPECT_EQ(po_error("\"orphan\"\n"), "x.po:1: a string outside any msgid or msgstr");
  EXPECT_EQ(po_error("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n"), "x.po:4: msgid \"a\" is defined twice");
  EXPECT_EQ(po_error("msgid \"a\"\nmsgstr \"\\xff\"\n"), "x.po:1: the translation is not valid UTF-8");
  EXPECT_EQ(po_error("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=GB2312\\n\"\n"),
            "x.po:1: charset GB2312 in the header; save the file as UTF-8 (charset=UTF-8)");
  EXPECT_EQ(po_error("msgid \"a\"\nmsgstr \"b\"\r\n"), "");  // Windows line ends are fine
}

TEST(Language, FromTheEnvironment) {
  const char* names[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
  std::string saved[4];
  bool had[4];
  for (int i = 0; i < 4; ++i) {
    const char* value = std::getenv(names[i]);
    had[i] = value != nullptr;
    if (value) saved[i] = value;
    unsetenv(names[i]);
  }
  EXPECT_EQ(language_from_environment(), Language::En);
  setenv("LANG", "zh_CN.UTF-8", 1);
  EXPECT_EQ(language_from_environment(), Language::Zh);
  setenv("LC_ALL", "C", 1);  // LC_ALL comes before LANG
  EXPECT_EQ(language_from_environment(), Language::En);
  setenv("LANGUAGE", "zh_TW:en", 1);  // LANGUAGE comes first
  EXPECT_EQ(language_from_environment(), Language::Zh);
  setenv("LANGUAGE", "", 1);  // set but empty: the next one
  EXPECT_EQ(language_from_environment(), Language::En);
  for (int i = 0; i < 4; ++i) {
    if (had[i])
      setenv(names[i], saved[i].c_str(), 1);
    else
      unsetenv(names[i]);
  }
}

TEST(Translate, FollowsTheLanguageAndCountsMissingStrings) {
  const std::string path = std::string(::testing::TempDir()) + "i18n_test.po";
  {
    std::ofstream out(path);
    out << "msgid \"Play\"\nmsgstr \"播放\"\n\nmsgid \"step %d of %d\"\nmsgstr \"第 %d 步，共 %d 步\"\n";
  }
  std::string error;
  ASSERT_TRUE(load_catalogue(path, &error)) << error;
  clear_missing_translations();
  set_language(Language::En);
  EXPECT_STREQ(tr("Play"), "Play");
  EXPECT_STREQ(tr("Not in the catalogue"), "Not in the catalogue");
  EXPECT_TRUE(missing_translations().empty());  // English asks for nothing
  set_language(Language::Zh);
  EXPECT_EQ(current_language(), Language::Zh);
  EXPECT_STREQ(tr("Play"), "播放");
  EXPECT_EQ(tr(std::string("Play")), "播放");
  EXPECT_STREQ(tr(""), "");
  EXPECT_EQ(format_text(tr("step %d of %d"), 3, 10), "第 3 步，共 10 步");
  EXPECT_STREQ(tr("Not in the catalogue"), "Not in the catalogue");
  EXPECT_EQ(missing_translations(), std::vector<std::string>{"Not in the catalogue"});
  EXPECT_NE(catalogue_text().find("播放"), std::string::npos);
  EXPECT_NE(catalogue_text().find("中文"), std::string::npos);  // the language switch names Chinese in Chinese
  set_language(Language::En);
  clear_missing_translations();

  std::ofstream(path) << "msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n";
  EXPECT_FALSE(load_catalogue(path, &error));
  EXPECT_EQ(error, path + ":3: msgstr without a msgid before it");
  EXPECT_FALSE(load_catalogue(path + ".missing", &error));
  EXPECT_EQ(error, path + ".missing:0: cannot open the file");
}

TEST(Translate, StableWidgetIds) {
  EXPECT_EQ(ui_label("播放", "play"), "播放###play");
  EXPECT_EQ(format_text("%s = %d", "t", 5), "t = 5");
}

TEST(Translate, TheShippedCatalogueReads) {
  std::string error;
  EXPECT_TRUE(load_catalogue(builtin_catalogue_path(), &error)) << error;
}

// Every label of the name tables the window shows is in enum_labels(), so xgettext extracts it.
template <class E>
void expect_listed(const char* table) {
  const std::vector<const char*>& labels = enum_labels();
  for (const auto& entry : EnumNames<E>::entries) {
    const bool listed = std::any_of(labels.begin(), labels.end(),
                                    [&](const char* label) { return std::string(label) == entry.label; });
    EXPECT_TRUE(listed) << table << ": the label \"" << entry.label
                        << "\" is not in app/gui/state/i18n_core_labels.cpp: add N_(\"...\") for it";
  }
}

TEST(Translate, EveryNameTableLabelIsListedForTheCatalogue) {
  expect_listed<Dataset2D>("Dataset2D");
  expect_listed<ForwardMode>("ForwardMode");
  expect_listed<Prediction>("Prediction");
  expect_listed<SamplerKind>("SamplerKind");
  expect_listed<VarianceKind>("VarianceKind");
  expect_listed<ScheduleKind>("ScheduleKind");
  expect_listed<Spacing>("Spacing");
  expect_listed<LabMode>("LabMode");
  expect_listed<DataOrigin>("DataOrigin");
  expect_listed<LatentTab>("LatentTab");
  expect_listed<ModelSource>("ModelSource");
}

}  // namespace
}  // namespace dlab::gui
