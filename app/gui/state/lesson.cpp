#include "app/gui/state/lesson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "app/gui/state/scene_file.h"
#include "core/atomic_file.h"
#include "core/text_excerpt.h"

namespace dlab::gui {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& what) {
  throw LessonFileError(file + ": " + (field.empty() ? "" : field + ": ") + what);
}

LocalizedText read_text(const Json& json, const std::string& file, const std::string& field) {
  if (!json.is_object()) fail(file, field, "expected {\"en\": \"...\", \"zh\": \"...\"}");
  LocalizedText text;
  for (const auto& item : json.items()) {
    if (item.key() != "en" && item.key() != "zh")
      fail(file, field + "." + text_excerpt(item.key(), 40), "unknown language; use \"en\" and \"zh\"");
    if (!item.value().is_string()) fail(file, field + "." + item.key(), "expected a string");
    (item.key() == "en" ? text.en : text.zh) = item.value().get<std::string>();
  }
  if (text.en.empty() && text.zh.empty()) fail(file, field, "give the text in English (\"en\") and Chinese (\"zh\")");
  return text;
}

Json write_text(const LocalizedText& text) { return Json{{"en", text.en}, {"zh", text.zh}}; }

}  // namespace

const std::string& LocalizedText::in(Language language) const {
  const std::string& wanted = language == Language::Zh ? zh : en;
  return wanted.empty() ? (language == Language::Zh ? en : zh) : wanted;
}

std::string lesson_to_json(const Lesson& lesson, const std::string& lesson_path) {
  Json json;
  json["format"] = kLessonFormat;
  json["version"] = kLessonVersion;
  json["title"] = write_text(lesson.title);
  Json slides = Json::array();
  for (const Slide& slide : lesson.slides) {
    Json item;
    item["title"] = write_text(slide.title);
    if (!slide.text.en.empty() || !slide.text.zh.empty()) item["text"] = write_text(slide.text);
    item["play"] = slide.play;
    if (slide.train) item["train"] = true;
    if (slide.presenter_plots) item["presenter_plots"] = true;
    Scene scene = slide.scene;
    scene.language.reset();  // a slide shows in the language of the window
    Json scene_json = scene_to_json_value(scene, lesson_path);
    scene_json.erase("format");
    scene_json.erase("version");
    item["scene"] = std::move(scene_json);
    slides.push_back(std::move(item));
  }
  json["slides"] = std::move(slides);
  return json.dump(2) + "\n";
}

Lesson lesson_from_json(const std::string& text, const std::string& file) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const nlohmann::json::exception&) {
    fail(file, "", "not a lesson file (invalid JSON); make one with Add slide and Save lesson in the window");
  }
  if (!json.is_object()) fail(file, "", "not a lesson file (expected a JSON object)");
  if (!json.contains("format") || json["format"] != kLessonFormat)
    fail(file, "format", std::string("expected \"") + kLessonFormat + "\": this is not a Diffusion Lab lesson");
  if (!json.contains("version") || !json["version"].is_number_integer())
    fail(file, "version", "expected an integer");
  if (json["version"].get<long long>() != kLessonVersion)
    fail(file, "version", "version " + json["version"].dump() + " is not one this Diffusion Lab reads (it reads " +
                              std::to_string(kLessonVersion) + ")");
  static const std::set<std::string> kFields = {"format", "version", "title", "slides"};
  for (const auto& item : json.items())
    if (!kFields.count(item.key()))
      fail(file, "'" + text_excerpt(item.key(), 40) + "'", "unknown field; fields: format, version, title, slides");
  Lesson lesson;
  lesson.path = file;
  lesson.name = fs::path(file).stem().string();
  if (!json.contains("title")) fail(file, "title", "missing; give the lesson a title in English and Chinese");
  lesson.title = read_text(json["title"], file, "title");
  if (!json.contains("slides") || !json["slides"].is_array() || json["slides"].empty())
    fail(file, "slides", "expected a list of at least one slide");
  if (json["slides"].size() > static_cast<std::size_t>(kMaxSlides))
    fail(file, "slides", std::to_string(json["slides"].size()) + " slides; at most " + std::to_string(kMaxSlides));
  static const std::set<std::string> kSlideFields = {"title", "text", "play", "train", "presenter_plots", "scene"};
  for (std::size_t i = 0; i < json["slides"].size(); ++i) {
    const Json& item = json["slides"][i];
    const std::string where = "slides[" + std::to_string(i) + "]";
    if (!item.is_object()) fail(file, where, "expected an object with title, text, play and scene");
    for (const auto& field : item.items())
      if (!kSlideFields.count(field.key()))
        fail(file, where + ".'" + text_excerpt(field.key(), 40) + "'",
             "unknown field; fields: title, text, play, train, presenter_plots, scene");
    Slide slide;
    if (!item.contains("title")) fail(file, where + ".title", "missing");
    slide.title = read_text(item["title"], file, where + ".title");
    if (item.contains("text")) slide.text = read_text(item["text"], file, where + ".text");
    for (auto [name, flag] : {std::pair<const char*, bool*>{"play", &slide.play}, {"train", &slide.train},
                              {"presenter_plots", &slide.presenter_plots}}) {
      if (!item.contains(name)) continue;
      if (!item[name].is_boolean()) fail(file, where + "." + name, "expected true or false");
      *flag = item[name].get<bool>();
    }
    if (item.contains("scene")) {
      try {
        slide.scene = scene_from_json_value(item["scene"], file, where + ".scene", false);
      } catch (const SceneFileError& e) {
        throw LessonFileError(e.what());
      }
    }
    slide.scene.language.reset();
    if (slide.play) slide.scene.playback.playing = true;
    lesson.slides.push_back(std::move(slide));
  }
  return lesson;
}

Lesson load_lesson(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) fail(path, "", "is a folder; give the path of a lesson file (.json)");
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const std::exception& e) {
    throw LessonFileError(e.what());
  }
  return lesson_from_json(text, path);
}

void save_lesson(const std::string& path, const Lesson& lesson) { write_text_atomically(path, lesson_to_json(lesson, path)); }

std::string builtin_lessons_dir() {
  if (const char* dir = std::getenv("DLAB_LESSONS_DIR"); dir && dir[0]) return dir;
  return std::string(DLAB_ASSETS_DIR) + "/lessons";
}

std::vector<std::string> builtin_lesson_paths() {
  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(builtin_lessons_dir(), error))
    if (entry.is_regular_file() && entry.path().extension() == ".json") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string lesson_chinese_text(const Lesson& lesson) {
  std::string text = lesson.title.zh;
  for (const Slide& slide : lesson.slides) text += slide.title.zh + slide.text.zh;
  return text;
}

const std::vector<BuiltinLesson>& builtin_lessons() {
  static const std::vector<BuiltinLesson> lessons = [] {
    std::vector<BuiltinLesson> all;
    for (const std::string& path : builtin_lesson_paths()) {
      BuiltinLesson entry;
      entry.path = path;
      try {
        const Lesson lesson = load_lesson(path);
        entry.title = lesson.title;
        entry.chinese_text = lesson_chinese_text(lesson);
      } catch (const std::exception&) {
        entry.title = {path, path};  // the error is reported when it is opened
        entry.opens = false;
      }
      all.push_back(std::move(entry));
    }
    return all;
  }();
  return lessons;
}

std::string resolve_lesson(const std::string& name_or_path) {
  std::error_code error;
  if (fs::is_regular_file(name_or_path, error)) return name_or_path;
  std::string names;
  for (const std::string& path : builtin_lesson_paths()) {
    const std::string name = fs::path(path).stem().string();
    // The full name, or the part after the number: "forward-process" finds "01-forward-process".
    const auto dash = name.find('-');
    if (name == name_or_path || (dash != std::string::npos && name.substr(dash + 1) == name_or_path)) return path;
    names += (names.empty() ? "" : ", ") + name;
  }
  throw LessonFileError("--lesson: '" + text_excerpt(name_or_path, 60) +
                        "' is neither a lesson file nor a built-in lesson; built-in: " + names);
}

Slide slide_from_scene(const Scene& window_scene, const LocalizedText& title, const LocalizedText& text) {
  Slide slide;
  slide.title = title;
  slide.text = text;
  slide.scene = window_scene;
  slide.scene.requests = Requests();
  slide.scene.drafts = Drafts();
  slide.scene.language.reset();
  slide.play = window_scene.playback.playing;
  slide.train = window_scene.model == ModelSource::Live;
  return slide;
}

void show_slide(LessonSession& session, int k, Scene& window_scene) {
  if (!session.is_open()) return;
  session.slide = std::clamp(k, 0, static_cast<int>(session.lesson.slides.size()) - 1);
  const Slide& slide = session.lesson.slides[static_cast<std::size_t>(session.slide)];
  Scene scene = slide.scene;
  scene.language = window_scene.language;
  scene.drafts = window_scene.drafts;
  if (slide.train) {  // live training on the slide's data, sampled with as it improves
    scene.requests.training = TrainingRequest::Start;
    scene.model = ModelSource::Live;
  }
  scene.requests.plots_tab = scene.plots_tab;
  scene.playback.playing = slide.play;
  window_scene = std::move(scene);
}

std::string apply_lesson_requests(LessonSession& session, Scene& window_scene) {
  LessonSession::Requests requests = session.requests;
  session.requests = LessonSession::Requests();
  std::string message;
  if (!requests.open.empty()) {
    Lesson lesson = load_lesson(resolve_lesson(requests.open));
    session = LessonSession();
    session.lesson = std::move(lesson);
    session.save_path = session.lesson.path;
    show_slide(session, 0, window_scene);
    return "";  // the lesson's band says it is open
  }
  if (requests.close) {
    session = LessonSession();
    return "";
  }
  if (requests.add_slide) {
    if (!session.is_open()) {
      session.lesson = Lesson();
      session.lesson.name = "lesson";
      session.lesson.title = {"My lesson", "我的课程"};
      session.slide = -1;
    }
    const int at = session.slide + 1;
    const int number = static_cast<int>(session.lesson.slides.size()) + 1;
    Slide slide = slide_from_scene(window_scene, {"Slide " + std::to_string(number), "第 " + std::to_string(number) + " 页"},
                                   {"", ""});
    session.lesson.slides.insert(session.lesson.slides.begin() + at, std::move(slide));
    session.slide = at;
    session.modified = true;
  }
  if (!session.is_open()) return message;
  auto& slides = session.lesson.slides;
  const auto current = static_cast<std::size_t>(session.slide);
  if (requests.update_scene) {
    const Slide& old = slides[current];
    slides[current] = slide_from_scene(window_scene, old.title, old.text);
    session.modified = true;
  }
  if (requests.move != 0) {
    const int target = session.slide + (requests.move < 0 ? -1 : 1);
    if (target >= 0 && target < static_cast<int>(slides.size())) {
      std::swap(slides[current], slides[static_cast<std::size_t>(target)]);
      session.slide = target;
      session.modified = true;
    }
  }
  if (requests.remove) {
    slides.erase(slides.begin() + session.slide);
    session.modified = true;
    if (slides.empty()) {
      session = LessonSession();
      return "deleted the last slide: the lesson is closed";
    }
    show_slide(session, std::min(session.slide, static_cast<int>(slides.size()) - 1), window_scene);
  }
  if (requests.go_to >= 0) show_slide(session, requests.go_to, window_scene);
  if (requests.save) {
    save_lesson(session.save_path, session.lesson);
    session.lesson.path = session.save_path;
    session.modified = false;
    message = "saved the lesson to " + session.save_path;
  }
  return message;
}

const std::vector<LessonValueName> kLessonValueNames = {
    {"t", "the timestep shown"},
    {"T", "the number of diffusion steps"},
    {"step", "reverse: the sampler steps taken"},
    {"num_steps", "reverse: the sampler's steps K"},
    {"nfe", "network evaluations so far"},
    {"mode", "forward or reverse"},
    {"sampler", "the sampler's name"},
    {"eta", "the sampler's eta"},
    {"beta_t", "beta_t at the t shown"},
    {"alpha_t", "alpha_t = 1 - beta_t"},
    {"abar_t", "alpha-bar_t, the product of the alphas"},
    {"sqrt_abar_t", "sqrt(alpha-bar_t), the signal coefficient"},
    {"sqrt_one_minus_abar_t", "sqrt(1 - alpha-bar_t), the noise coefficient"},
    {"beta_tilde_t", "the posterior variance beta~_t"},
    {"sqrt_beta_t", "sqrt(beta_t)"},
    {"sqrt_beta_tilde_t", "sqrt(beta~_t)"},
    {"snr_t", "SNR(t) = abar_t / (1 - abar_t)"},
    {"mu_coef_x0", "the posterior mean's coefficient of x_0: beta_t sqrt(abar_{t-1}) / (1 - abar_t)"},
    {"mu_coef_xt", "the posterior mean's coefficient of x_t: sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t)"},
    {"log_snr_t", "log SNR(t)"},
    {"abar_T", "alpha-bar_T at the end of the schedule"},
    {"n", "points (or images) shown"},
    {"mean_x", "mean of the x coordinates shown"},
    {"mean_y", "mean of the y coordinates shown"},
    {"var_x", "variance of the x coordinates shown"},
    {"var_y", "variance of the y coordinates shown"},
    {"cov_xy", "covariance of x and y shown"},
    {"near_mode_fraction", "fraction of points near a mode of the mixture"},
    {"mean_nearest_data_distance", "mean distance to the nearest data point"},
    {"prior_kl", "L_T: KL(q(x_T | x_0) || N(0, I)) per dimension, in nats"},
    {"training_step", "live training: steps done"},
    {"training_loss", "live training: the recent loss"},
    {"pixel_mean", "images: mean pixel value shown"},
    {"pixel_std", "images: pixel standard deviation shown"},
    {"guidance", "images: the guidance scale w"},
    // The ELBO panel and the quality read-out (views' statistics of the same names).
    {"elbo_total", "the negative ELBO: nats per dimension (2D), bits per dimension (images)"},
    {"elbo_prior", "L_T of the ELBO, same unit"},
    {"elbo_diffusion", "the sum of the L_{t-1} terms, same unit"},
    {"elbo_decoder", "L_0 of the ELBO, same unit"},
    {"precision", "2D: fraction of samples near the data (k-NN precision)"},
    {"recall", "2D: fraction of the data near the samples (k-NN recall)"},
    {"energy_distance", "2D: energy distance of the samples to fresh data"},
    {"energy_floor", "2D: energy distance of two fresh data draws (the floor)"},
    {"frechet_distance", "images: Frechet distance of the samples to the data"},
    {"frechet_samples", "images: the samples that Frechet distance used"},
};

namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// At text[open] == '{': the name and the precision spec of "{name}" or "{name:.3f}"; false when it is not one.
bool parse_placeholder(const std::string& text, std::size_t open, std::string* name, std::string* spec,
                       std::size_t* end) {
  std::size_t i = open + 1;
  while (i < text.size() && is_name_char(text[i])) ++i;
  if (i == open + 1 || i >= text.size()) return false;
  *name = text.substr(open + 1, i - open - 1);
  spec->clear();
  if (text[i] == ':') {
    const std::size_t close = text.find('}', i);
    if (close == std::string::npos || close - i > 5) return false;
    *spec = text.substr(i + 1, close - i - 1);  // ".3f"
    if (spec->size() < 3 || (*spec)[0] != '.' || !std::isdigit(static_cast<unsigned char>((*spec)[1])) ||
        (spec->back() != 'f' && spec->back() != 'g' && spec->back() != 'e'))
      return false;
    i = close;
  }
  if (text[i] != '}') return false;
  *end = i + 1;
  return true;
}

}  // namespace

std::string fill_lesson_values(const std::string& text, const std::map<std::string, std::string>& text_values,
                               const std::map<std::string, double>& number_values) {
  if (text.find('{') == std::string::npos) return text;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '{') {
      out += text[i++];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      i += 2;
      continue;
    }
    std::string name, spec;
    std::size_t end = 0;
    if (!parse_placeholder(text, i, &name, &spec, &end)) {
      out += text[i++];
      continue;
    }
    if (const auto found = number_values.find(name); found != number_values.end()) {
      const double value = found->second;
      char buffer[64];
      if (!std::isfinite(value))
        std::snprintf(buffer, sizeof buffer, "%s", std::isnan(value) ? "NaN" : (value > 0 ? "∞" : "-∞"));
      else if (!spec.empty())
        std::snprintf(buffer, sizeof buffer, ("%" + spec).c_str(), value);
      else if (value == std::round(value) && std::fabs(value) < 1e9)
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
      else
        std::snprintf(buffer, sizeof buffer, "%.4g", value);
      out += buffer;
    } else if (const auto text_found = text_values.find(name); text_found != text_values.end()) {
      out += text_found->second;
    } else {
      out += "–";
    }
    i = end;
  }
  return out;
}

std::vector<std::string> lesson_value_names_in(const std::string& text) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    std::string name, spec;
    std::size_t end = 0;
    if (parse_placeholder(text, i, &name, &spec, &end)) names.push_back(name);
  }
  return names;
}

}  // namespace dlab::gui
