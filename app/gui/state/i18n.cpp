// The catalogue behind tr(): a PO file read by a small parser of its own (no libintl at run time, so no
// generated locale is needed), kept in memory for the life of the process.
//
// [SECTION] PO parser
// [SECTION] Catalogues
// [SECTION] Language and lookup
#include "app/gui/state/i18n.h"

#include <atomic>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/text_excerpt.h"

namespace dlab::gui {

// ============================================================================================
// [SECTION] PO parser
// ============================================================================================

namespace {

class PoParser {
 public:
  PoParser(const std::string& text, const std::string& name) : text_(text), name_(name) {}

  std::map<std::string, std::string> parse() {
    std::size_t start = 0;
    while (start < text_.size()) {
      std::size_t end = text_.find('\n', start);
      if (end == std::string::npos) end = text_.size();
      std::string_view line(text_.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_number_;
      handle_line(line);
      start = end + 1;
    }
    finish_entry();
    return std::move(messages_);
  }

 private:
  enum class Field { None, Context, Id, IdPlural, Str, StrOther };

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(name_ + ":" + std::to_string(line_number_) + ": " + what);
  }

  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }

  void handle_line(std::string_view raw) {
    const std::string_view line = trim(raw);
    if (line.empty()) {
      finish_entry();
      return;
    }
    if (line.front() == '#') {
      // "#~" marks an obsolete entry, "#," the flags; the other comments are for translators.
      if (line.size() >= 2 && line[1] == ',') {
        if (field_ == Field::Str || field_ == Field::StrOther) finish_entry();
        if (line.find("fuzzy") != std::string_view::npos) fuzzy_ = true;
      } else if (field_ == Field::Str || field_ == Field::StrOther) {
        finish_entry();
      }
      return;
    }
    if (line.front() == '"') {
      if (field_ == Field::None) fail("a string outside any msgid or msgstr");
      append(read_string(line));
      return;
    }
    std::size_t word_end = 0;
    while (word_end < line.size() && line[word_end] != ' ' && line[word_end] != '\t' && line[word_end] != '"')
      ++word_end;
    const std::string_view keyword = line.substr(0, word_end);
    const std::string_view rest = trim(line.substr(word_end));
    if (keyword == "msgctxt" || keyword == "msgid") {
      if (field_ == Field::Str || field_ == Field::StrOther) finish_entry();
      if (keyword == "msgctxt") {
        if (field_ != Field::None) fail("msgctxt after msgid; the context comes first");
        has_context_ = true;
        field_ = Field::Context;
      } else {
        if (field_ == Field::Id || field_ == Field::IdPlural) fail("msgid without a msgstr before it");
        has_id_ = true;
        id_line_ = line_number_;
        field_ = Field::Id;
      }
    } else if (keyword == "msgid_plural") {
      if (field_ != Field::Id) fail("msgid_plural must follow a msgid");
      field_ = Field::IdPlural;
    } else if (keyword == "msgstr") {
      if (field_ != Field::Id) fail(field_ == Field::IdPlural ? "a plural entry needs msgstr[0], not msgstr"
                                                              : "msgstr without a msgid before it");
      field_ = Field::Str;
    } else if (keyword.substr(0, 7) == "msgstr[") {
      if (field_ != Field::IdPlural && field_ != Field::Str && field_ != Field::StrOther)
        fail("msgstr[N] without a msgid_plural before it");
      // Simplified Chinese has one plural form: msgstr[0] is the translation of every count.
      field_ = keyword == "msgstr[0]" ? Field::Str : Field::StrOther;
    } else {
      fail("unknown keyword '" + text_excerpt(std::string(keyword), 40) +
           "'; expected msgctxt, msgid, msgid_plural, msgstr or a \"string\"");
    }
    append(read_string(rest));
  }

  void append(const std::string& piece) {
    switch (field_) {
      case Field::Context: context_ += piece; break;
      case Field::Id: id_ += piece; break;
      case Field::Str: str_ += piece; break;
      case Field::IdPlural:
      case Field::StrOther:
      case Field::None: break;
    }
  }

  // A "..." string with C escapes; nothing but blanks may follow it.
  std::string read_string(std::string_view s) {
    if (s.empty() || s.front() != '"') fail("expected a \"quoted string\"");
    std::string out;
    std::size_t i = 1;
    for (;; ++i) {
      if (i >= s.size()) fail("the string is not closed (a \" is missing at the end of the line)");
      const char c = s[i];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (++i >= s.size()) fail("the string is not closed (a \" is missing at the end of the line)");
      const char e = s[i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '?': out += '?'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case 'x': {
          int value = 0, digits = 0;
          while (i + 1 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) && digits < 2) {
            const char h = s[++i];
            value = value * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            ++digits;
          }
          if (digits == 0) fail("\\x without hexadecimal digits");
          out += static_cast<char>(value);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0', digits = 1;
            while (i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' && digits < 3) {
              value = value * 8 + (s[++i] - '0');
              ++digits;
            }
            out += static_cast<char>(value & 0xFF);
          } else {
            fail(std::string("unknown escape \\") + e + " in a string");
          }
      }
    }
    if (!trim(s.substr(i + 1)).empty()) fail("text after the closing \" of a string");
    return out;
  }

  static bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      const std::size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 9;
      if (extra > 3 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) return false;
      for (std::size_t k = 1; k <= extra; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
      i += 1 + extra;
    }
    return true;
  }

  void finish_entry() {
    if (field_ == Field::Id || field_ == Field::IdPlural || field_ == Field::Context) {
      fail(field_ == Field::Context ? "msgctxt without a msgid" : "msgid without a msgstr");
    }
    if (has_id_) {
      if (id_.empty() && !has_context_) {
        check_header();
      } else if (!fuzzy_ && !str_.empty()) {
        const std::string key = has_context_ ? context_ + '\x04' + id_ : id_;
        if (!valid_utf8(str_)) fail_at(id_line_, "the translation is not valid UTF-8");
        if (!messages_.emplace(key, str_).second)
          fail_at(id_line_, "msgid \"" + text_excerpt(id_, 40) + "\" is defined twice");
      }
    }
    field_ = Field::None;
    has_id_ = has_context_ = fuzzy_ = false;
    id_.clear();
    str_.clear();
    context_.clear();
  }

  [[noreturn]] void fail_at(int line, const std::string& what) const {
    throw std::runtime_error(name_ + ":" + std::to_string(line) + ": " + what);
  }

  // The header (msgid ""): the file must be UTF-8, the only encoding the window draws.
  void check_header() {
    const std::size_t at = str_.find("charset=");
    if (at == std::string::npos) return;
    std::size_t end = at + 8;
    while (end < str_.size() && str_[end] != '\n' && str_[end] != ' ' && str_[end] != ';') ++end;
    std::string charset = str_.substr(at + 8, end - at - 8);
    for (char& c : charset) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (charset != "UTF-8" && charset != "CHARSET")
      fail_at(id_line_, "charset " + text_excerpt(charset, 20) + " in the header; save the file as UTF-8 (charset=UTF-8)");
  }

  const std::string& text_;
  const std::string& name_;
  int line_number_ = 0;
  int id_line_ = 0;
  Field field_ = Field::None;
  bool has_id_ = false, has_context_ = false, fuzzy_ = false;
  std::string context_, id_, str_;
  std::map<std::string, std::string> messages_;
};

}  // namespace

std::map<std::string, std::string> parse_po(const std::string& text, const std::string& name) {
  return PoParser(text, name).parse();
}

// ============================================================================================
// [SECTION] Catalogues
// ============================================================================================

namespace {

// One loaded catalogue; never changed or freed once published (tr() hands out pointers into it).
struct Catalogue {
  std::deque<std::string> strings;  // stable addresses
  std::unordered_map<std::string_view, const char*> translations;
  std::string text;  // every translation, concatenated (catalogue_text)
};

std::mutex g_catalogues_mutex;                      // guards g_catalogues and g_builtin_error
std::deque<std::unique_ptr<Catalogue>> g_catalogues;  // every catalogue loaded, kept alive
std::atomic<const Catalogue*> g_current{nullptr};
std::once_flag g_builtin_once;
std::string g_builtin_error;

std::atomic<Language> g_language{Language::En};

std::mutex g_missing_mutex;
std::set<std::string> g_missing;

const Catalogue* publish(std::map<std::string, std::string> messages, bool replace) {
  auto catalogue = std::make_unique<Catalogue>();
  for (auto& [id, str] : messages) {
    const std::string& key = catalogue->strings.emplace_back(id);
    const std::string& value = catalogue->strings.emplace_back(std::move(str));
    catalogue->translations.emplace(std::string_view(key), value.c_str());
    if (id.find('\x04') == std::string::npos) catalogue->text += value;
  }
  const Catalogue* raw = catalogue.get();
  std::lock_guard<std::mutex> lock(g_catalogues_mutex);
  g_catalogues.push_back(std::move(catalogue));
  if (replace) {
    g_current.store(raw, std::memory_order_release);
  } else {
    const Catalogue* expected = nullptr;
    g_current.compare_exchange_strong(expected, raw, std::memory_order_acq_rel);
  }
  return raw;
}

bool read_file(const std::string& path, std::string* text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ":0: cannot open the file";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

// The catalogue tr() reads: the built-in one, read on first use, unless one was loaded before.
const Catalogue& catalogue() {
  if (const Catalogue* current = g_current.load(std::memory_order_acquire)) return *current;
  std::call_once(g_builtin_once, [] {
    std::string error;
    std::map<std::string, std::string> messages;
    std::string text;
    const std::string path = builtin_catalogue_path();
    if (read_file(path, &text, &error)) {
      try {
        messages = parse_po(text, path);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (!error.empty()) {
      std::lock_guard<std::mutex> lock(g_catalogues_mutex);
      g_builtin_error = error;
    }
    publish(std::move(messages), false);  // empty when unreadable: every string stays English
  });
  return *g_current.load(std::memory_order_acquire);
}

}  // namespace

bool load_catalogue(const std::string& po_path, std::string* error) {
  std::string text;
  if (!read_file(po_path, &text, error)) return false;
  try {
    publish(parse_po(text, po_path), true);
  } catch (const std::exception& e) {
    if (error) *error = e.what();
    return false;
  }
  return true;
}

std::string builtin_catalogue_path() {
  if (const char* dir = std::getenv("DLAB_I18N_DIR"); dir && dir[0]) return std::string(dir) + "/zh_CN.po";
  return std::string(DLAB_ASSETS_DIR) + "/i18n/zh_CN.po";
}

std::string catalogue_error() {
  catalogue();
  std::lock_guard<std::mutex> lock(g_catalogues_mutex);
  return g_builtin_error;
}

std::string catalogue_text() {
  std::string text = catalogue().text;
  for (const auto& entry : EnumNames<Language>::entries) text += entry.label;  // each language's own name
  return text;
}

// ============================================================================================
// [SECTION] Language and lookup
// ============================================================================================

void set_language(Language language) { g_language.store(language, std::memory_order_relaxed); }

Language current_language() { return g_language.load(std::memory_order_relaxed); }

Language language_from_environment() {
  for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (!value || !value[0]) continue;
    return (value[0] == 'z' || value[0] == 'Z') && (value[1] == 'h' || value[1] == 'H') ? Language::Zh : Language::En;
  }
  return Language::En;
}

const char* tr(const char* english) {
  if (!english) return "";
  if (!english[0] || current_language() == Language::En) return english;
  const Catalogue& current = catalogue();
  const auto found = current.translations.find(std::string_view(english));
  if (found != current.translations.end()) return found->second;
  std::lock_guard<std::mutex> lock(g_missing_mutex);
  g_missing.emplace(english);
  return english;
}

std::string tr(const std::string& english) { return tr(english.c_str()); }

std::vector<std::string> missing_translations() {
  std::lock_guard<std::mutex> lock(g_missing_mutex);
  return std::vector<std::string>(g_missing.begin(), g_missing.end());
}

void clear_missing_translations() {
  std::lock_guard<std::mutex> lock(g_missing_mutex);
  g_missing.clear();
}

bool strict_translations_ok() {
  const char* strict = std::getenv("DLAB_I18N_STRICT");
  if (!strict || std::string(strict) != "1") return true;
  bool ok = true;
  if (const std::string error = catalogue_error(); !error.empty()) {
    std::fprintf(stderr, "error: DLAB_I18N_STRICT: %s\n", error.c_str());
    ok = false;
  }
  for (const std::string& english : missing_translations()) {
    std::fprintf(stderr, "error: DLAB_I18N_STRICT: no Chinese translation for \"%s\"\n", english.c_str());
    ok = false;
  }
  return ok;
}

std::string ui_label(const char* text, const char* id) { return std::string(text) + "###" + id; }

std::string format_text(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string out(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  if (size > 0) std::vsnprintf(out.data(), out.size() + 1, format, args);
  va_end(args);
  return out;
}

}  // namespace dlab::gui
