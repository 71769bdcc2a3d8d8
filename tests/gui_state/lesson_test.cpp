// Lessons (app/gui/state/lesson.h): files, the built-in lessons, live values in slide text, and the slide
// editor's requests.
#include "app/gui/state/lesson.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "app/gui/state/controls.h"
#include "app/gui/state/view_names.h"

namespace dlab::gui {
namespace {

namespace fs = std::filesystem;

const bool kViewsRegistered = register_view_name("points", "2D points", "", 0) &&
                              register_view_name("images", "Images", "", 1);

std::string lesson_text(const std::string& slides) {
  return R"({"format": "diffusion-lab-lesson", "version": 1, "title": {"en": "Forward", "zh": "前向过程"},
             "slides": )" + slides + "}";
}

std::string error_of(const std::string& text) {
  try {
    lesson_from_json(text, "class.json");
  } catch (const LessonFileError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Lesson, ReadsSlidesWithScenesThatLeaveSettingsOut) {
  ASSERT_TRUE(kViewsRegistered);
  const Lesson lesson = lesson_from_json(lesson_text(R"([
      {"title": {"en": "Closed form", "zh": "闭式"}, "text": {"en": "abar = {abar_t}", "zh": "ᾱ = {abar_t}"},
       "scene": {"settings": {"dataset": "moons", "timesteps": 500}, "cursor": 250}},
      {"title": {"en": "Noise", "zh": "噪声"}, "play": true, "scene": {"settings": {"mode": "reverse"}}}])"),
                                         "lessons/01-forward.json");
  EXPECT_EQ(lesson.name, "01-forward");
  EXPECT_EQ(lesson.title.in(Language::Zh), "前向过程");
  ASSERT_EQ(lesson.slides.size(), 2u);
  EXPECT_EQ(lesson.slides[0].scene.data.dataset, Dataset2D::Moons);
  EXPECT_EQ(lesson.slides[0].scene.schedule.timesteps, 500);
  EXPECT_EQ(lesson.slides[0].scene.playback.cursor, 250);
  EXPECT_EQ(lesson.slides[0].scene.sampler.kind, Scene().sampler.kind);  // left out: the default
  EXPECT_FALSE(lesson.slides[0].play);
  EXPECT_TRUE(lesson.slides[1].play);
  EXPECT_TRUE(lesson.slides[1].scene.playback.playing);
  EXPECT_EQ(lesson.slides[1].scene.playback.mode, LabMode::Reverse);
  EXPECT_EQ(lesson.slides[1].text.in(Language::En), "");  // no text: allowed
}

TEST(Lesson, RoundTripKeepsEverySlide) {
  Lesson lesson;
  lesson.title = {"Samplers", "采样器"};
  Scene scene;
  set_control(scene, "sampler", "ddim");
  set_control(scene, "steps", "50");
  lesson.slides.push_back(slide_from_scene(scene, {"DDIM", "DDIM"}, {"{nfe} evaluations", "{nfe} 次网络计算"}));
  set_control(scene, "sampler", "heun");
  lesson.slides.push_back(slide_from_scene(scene, {"Heun", "Heun"}, {"second order", "二阶"}));
  const std::string text = lesson_to_json(lesson, "my.json");
  const Lesson back = lesson_from_json(text, "my.json");
  ASSERT_EQ(back.slides.size(), 2u);
  EXPECT_EQ(back.slides[0].scene.sampler.kind, SamplerKind::Ddim);
  EXPECT_EQ(back.slides[0].scene.sampler.steps, 50);
  EXPECT_EQ(back.slides[1].scene.sampler.kind, SamplerKind::Heun);
  EXPECT_EQ(back.slides[1].text.zh, "二阶");
  EXPECT_EQ(lesson_to_json(back, "my.json"), text);  // same bytes
  EXPECT_EQ(text.find("\"lang\""), std::string::npos);  // slides show in the window's language
}

TEST(Lesson, ErrorsNameTheFileAndTheField) {
  EXPECT_EQ(error_of("{"), "class.json: not a lesson file (invalid JSON); make one with Add slide and Save lesson in the window");
  EXPECT_NE(error_of(R"({"format": "diffusion-lab-scene", "version": 1})").find("class.json: format: "), std::string::npos);
  EXPECT_NE(error_of(lesson_text("[]")).find("class.json: slides: expected a list of at least one slide"), std::string::npos);
  EXPECT_EQ(error_of(lesson_text(R"([{"title": {"en": "a", "zh": "b"}, "scene": {"settings": {"sampler": "nope"}}}])"))
                .rfind("class.json: slides[0].scene.settings.sampler: unknown value 'nope'", 0),
            0u);
  EXPECT_EQ(error_of(lesson_text(R"([{"title": {"en": "a", "zh": "b"}, "scene": {"cursor": -3}}])")).rfind(
                "class.json: slides[0].scene.cursor: ", 0),
            0u);
  EXPECT_EQ(error_of(lesson_text(R"([{"title": {"fr": "a"}}])")).rfind("class.json: slides[0].title.fr: unknown language", 0),
            0u);
  EXPECT_EQ(error_of(lesson_text(R"([{"title": {"en": "a"}, "extra": 1}])")).rfind("class.json: slides[0].'extra': unknown field", 0),
            0u);
}

TEST(Lesson, FillsLiveValues) {
  const std::map<std::string, double> numbers = {{"abar_t", 0.0793418}, {"t", 500}, {"nfe", 1000}, {"snr_t", 1e-5}};
  const std::map<std::string, std::string> texts = {{"sampler", "ddpm"}};
  EXPECT_EQ(fill_lesson_values("ᾱ_{t} = {abar_t}", texts, numbers), "ᾱ_500 = 0.07934");
  EXPECT_EQ(fill_lesson_values("{abar_t:.2f} at t = {t}, {nfe} calls of {sampler}", texts, numbers),
            "0.08 at t = 500, 1000 calls of ddpm");
  EXPECT_EQ(fill_lesson_values("{snr_t:.1e}", texts, numbers), "1.0e-05");
  EXPECT_EQ(fill_lesson_values("{missing} {{literal} {not a name}", texts, numbers), "– {literal} {not a name}");
  EXPECT_EQ(fill_lesson_values("no braces", texts, numbers), "no braces");
  EXPECT_EQ(lesson_value_names_in("{a} {{b} {c:.3f} {d"), (std::vector<std::string>{"a", "c"}));
}

TEST(Lesson, EditorRequestsAddMoveUpdateDeleteAndSave) {
  LessonSession session;
  Scene window;
  set_control(window, "dataset", "rings");
  session.requests.add_slide = true;  // no lesson open: a new one
  apply_lesson_requests(session, window);
  ASSERT_TRUE(session.is_open());
  set_control(window, "dataset", "moons");
  session.requests.add_slide = true;
  apply_lesson_requests(session, window);
  ASSERT_EQ(session.lesson.slides.size(), 2u);
  EXPECT_EQ(session.slide, 1);
  EXPECT_EQ(session.lesson.slides[1].scene.data.dataset, Dataset2D::Moons);
  session.requests.move = -1;
  apply_lesson_requests(session, window);
  EXPECT_EQ(session.slide, 0);
  EXPECT_EQ(session.lesson.slides[0].scene.data.dataset, Dataset2D::Moons);
  set_control(window, "dataset", "2spirals");
  session.requests.update_scene = true;
  apply_lesson_requests(session, window);
  EXPECT_EQ(session.lesson.slides[0].scene.data.dataset, Dataset2D::TwoSpirals);
  session.requests.go_to = 1;
  apply_lesson_requests(session, window);
  EXPECT_EQ(window.data.dataset, Dataset2D::Rings);  // the window shows slide 2's scene
  const fs::path path = fs::temp_directory_path() / "dlab_lesson_test.json";
  session.save_path = path.string();
  session.requests.save = true;
  EXPECT_EQ(apply_lesson_requests(session, window), "saved the lesson to " + path.string());
  EXPECT_FALSE(session.modified);
  EXPECT_EQ(load_lesson(path.string()).slides.size(), 2u);
  session.requests.remove = true;
  apply_lesson_requests(session, window);
  EXPECT_EQ(session.lesson.slides.size(), 1u);
  EXPECT_EQ(window.data.dataset, Dataset2D::TwoSpirals);
  fs::remove(path);
}

TEST(Lesson, ShowingASlideKeepsTheWindowsLanguage) {
  LessonSession session;
  Scene slide_scene;
  set_control(slide_scene, "lang", "en");
  session.lesson.slides.push_back(slide_from_scene(slide_scene, {"a", "b"}, {"", ""}));
  Scene window;
  set_control(window, "lang", "zh");
  show_slide(session, 0, window);
  EXPECT_EQ(window.language, Language::Zh);
}

// Every built-in lesson opens, has 4 to 10 slides with both languages, and names only known live values.
TEST(Lesson, BuiltInLessonsOpenAndUseKnownValues) {
  std::set<std::string> known;
  for (const LessonValueName& value : kLessonValueNames) known.insert(value.name);
  const std::vector<std::string> paths = builtin_lesson_paths();
  EXPECT_GE(paths.size(), 8u) << builtin_lessons_dir();
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    Lesson lesson;
    ASSERT_NO_THROW(lesson = load_lesson(path));
    EXPECT_FALSE(lesson.title.en.empty());
    EXPECT_FALSE(lesson.title.zh.empty());
    EXPECT_GE(lesson.slides.size(), 4u);
    EXPECT_LE(lesson.slides.size(), 10u);
    for (const Slide& slide : lesson.slides) {
      EXPECT_FALSE(slide.title.en.empty());
      EXPECT_FALSE(slide.title.zh.empty());
      EXPECT_FALSE(slide.text.en.empty()) << slide.title.en;
      EXPECT_FALSE(slide.text.zh.empty()) << slide.title.en;
      for (const std::string* text : {&slide.text.en, &slide.text.zh})
        for (const std::string& name : lesson_value_names_in(*text))
          EXPECT_TRUE(known.count(name)) << slide.title.en << ": {" << name << "} is not a live value";
    }
    EXPECT_EQ(resolve_lesson(lesson.name), path);
  }
  EXPECT_THROW(resolve_lesson("no-such-lesson"), LessonFileError);
}

}  // namespace
}  // namespace dlab::gui
