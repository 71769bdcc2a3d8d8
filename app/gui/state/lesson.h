// Lessons: a lesson is a list of slides; a slide is a scene (scene_file.h) with a title and a short text in
// English and Simplified Chinese. Lesson files are the scene files' JSON family. Torch-free and GL-free.
//
//   {
//     "format": "diffusion-lab-lesson",
//     "version": 1,
//     "title": { "en": "The forward process", "zh": "前向过程" },
//     "slides": [
//       {
//         "title": { "en": "...", "zh": "..." },
//         "text":  { "en": "... abar_t = {abar_t} ...", "zh": "..." },
//         "play": false,                  optional: the slide starts playing when it is shown
//         "train": false,                 optional: the slide starts live training (Training section)
//         "presenter_plots": false,       optional: presenter mode shows the plots beside the canvas
//         "scene": { "settings": {...}, "cursor": 0, ... }   a scene file's fields; "format" and
//       },                                                     "version" may be left out, as may any
//       ...                                                    setting (it keeps its default)
//     ]
//   }
//
// Slide text may hold live values in braces, {name} or {name:.3f} / {name:.4g} (printf-style precision),
// filled in every frame from what the window shows (lesson_values in the app): see kLessonValueNames.
// Paths in a slide's scene are relative to the lesson file's folder, as in scene files.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/gui/state/scene.h"

namespace dlab::gui {

constexpr const char* kLessonFormat = "diffusion-lab-lesson";
constexpr int kLessonVersion = 1;
constexpr int kMaxSlides = 200;

// Both languages of a piece of text. A lesson needs both; an empty one falls back to the other.
struct LocalizedText {
  std::string en, zh;
  const std::string& in(Language language) const;
};

struct Slide {
  LocalizedText title, text;
  bool play = false;  // start playback when the slide is shown
  bool train = false;  // start live training on the slide's data when it is shown (and sample with it)
  bool presenter_plots = false;  // presenter mode shows the plots column beside the canvas on this slide
  Scene scene;
};

struct Lesson {
  std::string name;  // the file's stem: "01-forward-process"
  std::string path;  // where it was read from or is saved to ("" for a lesson made in the window)
  LocalizedText title;
  std::vector<Slide> slides;
};

// The lesson open in the window, the slide shown, and the requests of one frame from the lesson's widgets
// and keys (carried out by the app, then cleared).
struct LessonSession {
  Lesson lesson;       // no slides: no lesson is open
  int slide = 0;       // the slide shown, from 0
  bool modified = false;  // slides were added, edited, moved or deleted since the lesson was opened or saved
  std::string save_path = "lesson.json";  // the Save lesson field
  bool editing = false;   // the slide editor is shown in the controls column
  struct Requests {
    int go_to = -1;          // show this slide (-1: none)
    bool add_slide = false;  // insert the window's scene as a new slide after the one shown
    bool update_scene = false;  // the slide shown takes the window's scene
    int move = 0;            // -1 / +1: move the slide shown one place earlier / later
    bool remove = false;     // delete the slide shown
    bool save = false;       // save to save_path
    std::string open;        // open this lesson (a built-in name or a path)
    bool close = false;      // close the lesson (the scene stays)
  } requests;
  bool is_open() const { return !lesson.slides.empty(); }
};

// A lesson file that cannot be used. what() is one line: "FILE: FIELD: what is wrong and how to fix it".
class LessonFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// JSON text of a lesson, slides' scenes written in full (scene_file.h's fields, paths relative to lesson_path).
std::string lesson_to_json(const Lesson& lesson, const std::string& lesson_path);
// Parses lesson text; every slide's scene is checked like a scene file ("FILE: slides[2].scene.settings.x:
// ..."). Does not touch the disk.
Lesson lesson_from_json(const std::string& text, const std::string& lesson_path);
Lesson load_lesson(const std::string& path);                   // throws LessonFileError
void save_lesson(const std::string& path, const Lesson& lesson);  // atomically; throws std::runtime_error

// The built-in lessons' folder (assets/lessons, or $DLAB_LESSONS_DIR) and its lessons, sorted by name.
std::string builtin_lessons_dir();
std::vector<std::string> builtin_lesson_paths();
// The built-in lessons, read once (the Lesson menu, the controls' Lesson section and the font atlas's Chinese
// glyphs all use them). A file that does not open keeps its path as its title, opens == false.
struct BuiltinLesson {
  std::string path;
  LocalizedText title;
  std::string chinese_text;  // the title and every slide's title and text in Chinese
  bool opens = true;
};
const std::vector<BuiltinLesson>& builtin_lessons();
// The Chinese text of a lesson: its title and every slide's title and text.
std::string lesson_chinese_text(const Lesson& lesson);

// NAME (a built-in lesson's name) or a PATH to a lesson file -> the file's path; throws LessonFileError
// listing the built-in names when neither exists.
std::string resolve_lesson(const std::string& name_or_path);

// What slide text shows in braces, this frame (filled by the app from what the window shows).
struct LessonValues {
  std::map<std::string, std::string> text;
  std::map<std::string, double> numbers;
};

// Shows slide k (clamped to the lesson): the window's scene becomes the slide's, keeping the window's language
// and the text being typed. Starts playback from the slide's cursor when the slide plays.
void show_slide(LessonSession& session, int k, Scene& window_scene);
// Carries out and clears session.requests against the window's scene. Returns what happened, for the window's
// messages ("" for nothing to say); throws LessonFileError / std::runtime_error for a lesson that cannot be
// opened or saved (the session and the scene stay as they were).
std::string apply_lesson_requests(LessonSession& session, Scene& window_scene);
// A new slide holding the window's scene (requests and drafts dropped).
Slide slide_from_scene(const Scene& window_scene, const LocalizedText& title, const LocalizedText& text);

// The names a slide's text may use in braces, with what each one is.
struct LessonValueName {
  const char* name;
  const char* meaning;
};
extern const std::vector<LessonValueName> kLessonValueNames;

// Every {name} and {name:.Nf}/{name:.Ng} of text replaced from values (numbers printed with the given
// precision, else 4 significant digits); names with no value print as "–". Text without braces is returned
// as it is; "{{" prints "{".
std::string fill_lesson_values(const std::string& text, const std::map<std::string, std::string>& text_values,
                               const std::map<std::string, double>& number_values);
// The names used in braces in text (for tests: every one must be in kLessonValueNames).
std::vector<std::string> lesson_value_names_in(const std::string& text);

}  // namespace dlab::gui
