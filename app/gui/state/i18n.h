// The window's language: every string the app shows goes through tr(), which looks it up in a gettext
// catalogue (assets/i18n/zh_CN.po: msgid is the English text, msgstr the Simplified Chinese). Translators edit
// the .po file with any PO editor; xgettext --keyword=tr --keyword=N_ extracts the strings (cmake/I18n.cmake,
// README.md "Translations").
// Torch-free and GL-free.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/gui/state/scene.h"

// Marks a string literal for the catalogue where it is stored (a name table) and translated later with tr().
#define N_(text) text

namespace dlab::gui {

// The language the window speaks now; tr() follows it.
void set_language(Language language);
Language current_language();

// The language of the system locale: LANGUAGE, LC_ALL, LC_MESSAGES, then LANG, the first one set; Chinese
// when it starts with "zh" (zh_CN.UTF-8), else English.
Language language_from_environment();

// The text in the current language: the catalogue's translation of `english`, or `english` itself in English
// or when the catalogue has none (then the string is counted in missing_translations()).
// GCC checks printf-style arguments against `english` (format_arg): ImGui::Text(tr("step %d"), step).
#if defined(__GNUC__)
__attribute__((format_arg(1)))
#endif
const char* tr(const char* english);
std::string tr(const std::string& english);

// A widget label whose ImGui ID does not change with the language: "text###id" shows `text` and hashes only
// "###id", so a header stays open, a tab stays selected and a plot keeps its state when the language
// switches. Keep the id out of the catalogue: ui_label(tr("Play"), "play").
std::string ui_label(const char* text, const char* id);

// printf into a std::string, for translated messages with values: the translator sees the whole sentence,
//   format_text(tr("saved the scene to %s"), path.c_str())
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
std::string format_text(const char* format, ...);

// Reads a catalogue (the built-in one, assets/i18n/zh_CN.po or $DLAB_I18N_DIR/zh_CN.po, is read on the first
// tr()). Returns false and sets *error ("FILE:LINE: what is wrong") when the file cannot be used.
bool load_catalogue(const std::string& po_path, std::string* error);
std::string builtin_catalogue_path();
// Why the built-in catalogue could not be read ("FILE:LINE: ..."), or "" (then tr() stays in English).
std::string catalogue_error();

// The translated, non-fuzzy entries of PO text: msgid -> msgstr (an entry with a msgctxt under
// "CONTEXT\x04MSGID", as gettext does). Comments, untranslated (empty msgstr) and fuzzy entries are left out;
// C escapes (\n \t \" \\ ...) and "..." continuation lines are decoded. Throws std::runtime_error
// "NAME:LINE: what is wrong" for a malformed file.
std::map<std::string, std::string> parse_po(const std::string& text, const std::string& name);

// The labels of the name tables the window shows that cannot be marked with N_ where they are defined: core's
// (core/ includes no app header) and scene.h's (i18n.h includes it), listed in i18n_core_labels.cpp for
// xgettext; a unit test checks the list against the tables. Widgets translate them with tr(to_label(x)).
const std::vector<const char*>& enum_labels();

// Every translated string, concatenated: the characters the font atlas needs for Chinese.
std::string catalogue_text();
// The English strings tr() was asked for in Chinese and found no translation for (tests fail on any).
std::vector<std::string> missing_translations();
void clear_missing_translations();
// With DLAB_I18N_STRICT=1 in the environment: prints every missing translation (and a catalogue that could
// not be read) to standard error and returns false when there is one; true otherwise. The app's exit code
// becomes 1 when it returns false (the GUI tests run under --lang zh with it).
bool strict_translations_ok();

}  // namespace dlab::gui
