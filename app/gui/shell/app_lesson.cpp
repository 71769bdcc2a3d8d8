// The lesson open in the window (state/lesson.h), the live values its slides show, presenter mode, the
// window's language and the menu bar.
#include <glad/gl.h>
// glad first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <set>

#include "app/gui/shell/app.h"
#include "app/gui/state/i18n.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

// The Chinese characters of text, each once and in code-point order: the font atlas is rebuilt only when a
// character it lacks appears, not on every edit.
std::string distinct_characters(const std::string& text) {
  std::set<std::string> characters;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    if (length >= 3) characters.insert(text.substr(i, length));
    i += length;
  }
  std::string out;
  for (const std::string& character : characters) out += character;
  return out;
}

}  // namespace

FontNeeds App::font_needs() const {
  FontNeeds needs;
  needs.presenter = presenter_;
  if (state_.language != Language::Zh) return needs;
  // Called every frame: the catalogue's and the built-in lessons' characters once, the open lesson's when its
  // text changes.
  static const std::string fixed = [] {
    std::string text = catalogue_text();
    for (const BuiltinLesson& builtin : builtin_lessons()) text += builtin.chinese_text;
    return text;
  }();
  static std::string lesson_text, characters;
  std::string text = lesson_chinese_text(lesson_.lesson);
  if (characters.empty() || text != lesson_text) {
    characters = distinct_characters(fixed + text);
    lesson_text = std::move(text);
  }
  needs.cjk_text = characters;
  return needs;
}

void App::open_lesson(const std::string& name_or_path, int slide) {
  lesson_.requests = LessonSession::Requests();
  lesson_.requests.open = name_or_path;
  apply_lesson_requests();
  if (!lesson_.is_open()) throw LessonFileError(messages_.empty() ? name_or_path : messages_.back());
  if (slide >= static_cast<int>(lesson_.lesson.slides.size()))
    throw LessonFileError(lesson_.lesson.path + ": --slide " + std::to_string(slide + 1) + ": the lesson has " +
                          std::to_string(lesson_.lesson.slides.size()) + " slides");
  if (slide > 0) show_slide(lesson_, slide, state_);
  presenter_plots_ = lesson_.lesson.slides[static_cast<std::size_t>(lesson_.slide)].presenter_plots;
}

void App::apply_lesson_requests() {
  const LessonSession::Requests requests = lesson_.requests;  // a copy: the call below clears them
  const bool changes_scene = !requests.open.empty() || requests.go_to >= 0 || requests.remove;
  const bool nothing = requests.open.empty() && requests.go_to < 0 && !requests.add_slide && !requests.update_scene &&
                       requests.move == 0 && !requests.remove && !requests.save && !requests.close;
  if (nothing) return;
  const int before = lesson_.slide;
  try {
    const std::string message = dlab::gui::apply_lesson_requests(lesson_, state_);
    if (!message.empty()) messages_.push_back(message);
  } catch (const std::exception& e) {
    messages_.push_back(e.what());  // the lesson and the scene stay as they were
    if (!requests.open.empty()) throw;
    return;
  }
  if (changes_scene && (lesson_.slide != before || lesson_.is_open())) {
    // A slide is a scene: what the window shows starts over from it.
    waited_for_sampling_ = false;
    lesson_values_time_ = -1;
    if (lesson_.is_open()) presenter_plots_ = lesson_.lesson.slides[static_cast<std::size_t>(lesson_.slide)].presenter_plots;
  }
}

// The numbers a slide's text may show (lesson.h, kLessonValueNames): the timeline's and the schedule's at the
// t shown every frame, the view's statistics a few times a second.
void App::update_lesson_values() {
  if (!lesson_.is_open()) return;
  const StepInfo info = view().step_info();
  auto& numbers = lesson_values_.numbers;
  auto& text = lesson_values_.text;
  numbers["t"] = info.t;
  numbers["T"] = schedule_.timesteps();
  numbers["step"] = info.step;
  numbers["num_steps"] = info.num_steps;
  numbers["nfe"] = info.nfe;
  numbers["eta"] = state_.sampler.effective_eta();
  numbers["guidance"] = state_.images.guidance;
  text["mode"] = tr(std::string(to_label(state_.playback.mode)));
  text["sampler"] = to_name(state_.sampler.kind);
  const int T = schedule_.timesteps();
  const int t = std::clamp(info.t, 0, T);
  numbers["abar_T"] = schedule_.alpha_bar(T);
  numbers["abar_t"] = schedule_.alpha_bar(t);
  numbers["sqrt_abar_t"] = schedule_.sqrt_alpha_bar(t);
  numbers["sqrt_one_minus_abar_t"] = schedule_.sqrt_one_minus_alpha_bar(t);
  for (const char* name : {"beta_t", "alpha_t", "beta_tilde_t", "sqrt_beta_t", "sqrt_beta_tilde_t", "snr_t", "log_snr_t",
                           "mu_coef_x0", "mu_coef_xt"})
    numbers.erase(name);
  if (t >= 1) {
    numbers["beta_t"] = schedule_.beta(t);
    numbers["alpha_t"] = schedule_.alpha(t);
    numbers["beta_tilde_t"] = schedule_.beta_tilde(t);
    numbers["sqrt_beta_t"] = std::sqrt(schedule_.beta(t));
    numbers["sqrt_beta_tilde_t"] = std::sqrt(schedule_.beta_tilde(t));
    numbers["snr_t"] = schedule_.snr(t);
    numbers["log_snr_t"] = schedule_.log_snr(t);
    numbers["mu_coef_x0"] = schedule_.posterior_mean_coef1(t);
    numbers["mu_coef_xt"] = schedule_.posterior_mean_coef2(t);
  }
  // The values the view computes on its workers only when asked for (the ELBO, the quality of the samples,
  // view.h): asked for every frame while the slide's text shows one of them.
  static const std::set<std::string> kOnRequest = {"elbo_total", "elbo_prior", "elbo_diffusion", "elbo_decoder",
                                                   "precision", "recall", "energy_distance", "energy_floor",
                                                   "frechet_distance", "frechet_samples"};
  if (lesson_.slide >= 0 && lesson_.slide < static_cast<int>(lesson_.lesson.slides.size())) {
    const Slide& slide = lesson_.lesson.slides[lesson_.slide];
    for (const std::string& name : lesson_value_names_in(slide.text.in(state_.language.value_or(Language::En))))
      if (kOnRequest.count(name)) {
        view().stats_pending(true);
        break;
      }
  }
  // The view's statistics cost a pass over the points: a few times a second is enough for text.
  const double now = glfwGetTime();
  if (lesson_values_time_ >= 0 && now - lesson_values_time_ < 0.25) return;
  lesson_values_time_ = now;
  nlohmann::ordered_json stats;
  view().stats(state_, stats);
  for (const auto& item : stats.items()) {
    const auto& value = item.value();
    if (value.is_number()) numbers[item.key()] = value.get<double>();
    else if (value.is_null()) numbers.erase(item.key());
  }
  const auto number_at = [&](const char* key, std::initializer_list<int> index, const char* name) {
    const nlohmann::ordered_json* value = stats.contains(key) ? &stats[key] : nullptr;
    for (int i : index) value = value && value->is_array() && static_cast<int>(value->size()) > i ? &(*value)[i] : nullptr;
    if (value && value->is_number()) numbers[name] = value->get<double>();
    else numbers.erase(name);
  };
  number_at("mean", {0}, "mean_x");
  number_at("mean", {1}, "mean_y");
  number_at("cov", {0, 0}, "var_x");
  number_at("cov", {1, 1}, "var_y");
  number_at("cov", {0, 1}, "cov_xy");
}

void App::set_presenter(bool on) {
  presenter_ = on;  // the fonts follow at the next frame (font_needs)
  if (!on) presenter_plots_ = false;
}

// The menu bar: Lesson (the built-in lessons, presenter mode) and View (language, full screen).
float App::draw_menu_bar() {
  if (!ImGui::BeginMainMenuBar()) return 0.0f;
  if (ImGui::BeginMenu(tr("Lesson"))) {
    const Language language = state_.language.value_or(Language::En);
    for (const BuiltinLesson& builtin : builtin_lessons())
      if (ImGui::MenuItem(builtin.title.in(language).c_str(), nullptr, lesson_.lesson.path == builtin.path))
        lesson_.requests.open = builtin.path;
    ImGui::Separator();
    if (ImGui::MenuItem(tr("Next slide"), "Page Down", false, lesson_.is_open()))
      lesson_.requests.go_to = lesson_.slide + 1;
    if (ImGui::MenuItem(tr("Previous slide"), "Page Up", false, lesson_.is_open() && lesson_.slide > 0))
      lesson_.requests.go_to = lesson_.slide - 1;
    if (ImGui::MenuItem(tr("Close lesson"), nullptr, false, lesson_.is_open())) lesson_.requests.close = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr("View"))) {
    if (ImGui::MenuItem(tr("Presenter mode"), "F5", presenter_)) set_presenter(!presenter_);
    if (ImGui::MenuItem(tr("Full screen"), "F", fullscreen_)) toggle_fullscreen();
    ImGui::Separator();
    for (const auto& entry : EnumNames<Language>::entries)
      if (ImGui::MenuItem(entry.label, nullptr, state_.language == entry.value)) state_.language = entry.value;
    ImGui::EndMenu();
  }
  draw_export_menu();  // app_export.cpp
  const float height = ImGui::GetWindowSize().y;
  ImGui::EndMainMenuBar();
  return height;
}

}  // namespace dlab::gui
