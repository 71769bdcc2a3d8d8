// Scene files: the whole Scene as UTF-8 JSON, human-readable and versioned, so that a demo is a file
// a teacher opens again (diffusion-lab --open FILE, the Scene section of the window, the script command
// `open`). Torch-free and GL-free.
//
//   {
//     "format": "diffusion-lab-scene",
//     "version": 1,
//     "settings": { "view": "points", "dataset": "gmm8", "n": 2000, ... },  every control (controls.h)
//     "cursor": 120, "playing": false,        the timeline: frame shown (forward t, reverse step)
//     "view_center": [0, 0],                   the canvas centre in data units
//     "drawn_points": [[x, y], ...],           points drawn with the mouse (when there are any)
//     "custom_curve": [[u, log_snr], ...],     the custom schedule's control points (when set)
//     "live_checkpoint": "lecture.model.pt"    a network trained in the app, saved beside the scene
//   }
//
// Paths (a CSV data set, a PNG folder, an image model, the live checkpoint) are written relative to the
// scene file's folder and read back relative to it, so a scene and its files move together. Shipped
// models are referenced by the data set's name, never by path.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "app/gui/state/scene.h"

namespace dlab::gui {

constexpr const char* kSceneFormat = "diffusion-lab-scene";
constexpr int kSceneVersion = 1;

// A scene file that cannot be used. what() is one line: "FILE: FIELD: what is wrong and how to fix it".
class SceneFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The scene as JSON text (fields in a fixed order, 2-space indent, a final newline). scene_path is the
// file it will be written to: paths are made relative to its folder.
std::string scene_to_json(const Scene& scene, const std::string& scene_path);

// Reads scene text written by scene_to_json (or by hand): every field is checked, settings the file leaves
// out keep their defaults. Throws SceneFileError naming scene_path and the field for malformed JSON, another
// format, a future version, an unknown field or value, or a value out of range. Does not touch the disk.
Scene scene_from_json(const std::string& text, const std::string& scene_path);

// The same as JSON values, for files that hold scenes (lessons, lesson.h): parse_scene_text throws
// SceneFileError for text that is not JSON; scene_from_json_value names fields after field_prefix
// ("slides[2].scene.settings.sampler") and, without require_format, lets "format" and "version" be left out.
nlohmann::ordered_json scene_to_json_value(const Scene& scene, const std::string& scene_path);
nlohmann::ordered_json parse_scene_text(const std::string& text, const std::string& scene_path);
Scene scene_from_json_value(const nlohmann::ordered_json& json, const std::string& scene_path,
                            const std::string& field_prefix, bool require_format);

// scene_from_json of the file, and every file it references must exist (SceneFileError naming the field).
Scene load_scene(const std::string& path);
// Writes scene_to_json atomically (throws std::runtime_error naming the file).
void save_scene(const std::string& path, const Scene& scene);

}  // namespace dlab::gui
