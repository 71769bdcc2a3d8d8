#include "app/gui/state/scene_file.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <set>

#include "app/gui/state/controls.h"
#include "core/atomic_file.h"
#include "core/text_excerpt.h"

namespace dlab::gui {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// A value quoted in a message: control characters escaped, then cut (core/text_excerpt.h), since a hostile
// file may hold megabytes.
std::string quoted(const std::string& text) {
  std::string visible;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      visible += escaped;
    } else {
      visible += c;
    }
  }
  return "'" + text_excerpt(visible, 60) + "'";
}

// Where the scene sits inside a bigger file ("slides[2].scene" of a lesson): put before every field named.
thread_local std::string field_prefix_in_messages;

std::string field_name(const std::string& field) {
  if (field_prefix_in_messages.empty()) return field;
  return field.empty() ? field_prefix_in_messages : field_prefix_in_messages + "." + field;
}

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& what) {
  const std::string named = field_name(field);
  throw SceneFileError(file + ": " + (named.empty() ? "" : named + ": ") + what);
}

fs::path folder_of(const std::string& scene_path) {
  const fs::path parent = fs::path(scene_path).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// A path as the app uses it (relative to the working folder, or absolute) -> relative to the scene's folder.
std::string path_for_file(const std::string& path, const std::string& scene_path) {
  if (path.empty()) return path;
  std::error_code error;
  const fs::path absolute = fs::absolute(path, error);
  const fs::path folder = fs::absolute(folder_of(scene_path), error);
  if (error) return path;
  const fs::path relative = absolute.lexically_normal().lexically_relative(folder.lexically_normal());
  return relative.empty() ? absolute.lexically_normal().generic_string() : relative.generic_string();
}

// A path read from the file (relative to the scene's folder, or absolute) -> as the app uses it.
std::string path_from_file(const std::string& path, const std::string& scene_path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  const fs::path folder = folder_of(scene_path);
  return (folder == "." ? fs::path(path) : folder / path).lexically_normal().generic_string();
}

bool is_builtin_image_dataset(const std::string& name) { return name == "shapes" || name == "fashion-mnist"; }

// The settings that hold a path, and when they do.
bool holds_path(const std::string& control, const Scene& scene) {
  if (control == "dataset") return scene.data.origin == DataOrigin::Csv;
  if (control == "image-dataset") return !is_builtin_image_dataset(scene.images.dataset);
  if (control == "image-model") return !scene.images.model_path.empty();
  if (control == "checkpoint") return true;
  return false;
}

double finite_number(const Json& value, const std::string& file, const std::string& field) {
  if (!value.is_number()) fail(file, field, "expected a number, found " + quoted(value.dump()));
  const double number = value.get<double>();
  if (!std::isfinite(number)) fail(file, field, "the number must be finite");
  return number;
}

// [[x, y], ...] with at most max_rows rows of finite numbers.
std::vector<std::pair<double, double>> pairs(const Json& value, const std::string& file, const std::string& field,
                                             std::size_t max_rows) {
  if (!value.is_array()) fail(file, field, "expected a list of [a, b] pairs");
  if (value.size() > max_rows)
    fail(file, field, std::to_string(value.size()) + " rows; at most " + std::to_string(max_rows) + " are allowed");
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string where = field + "[" + std::to_string(i) + "]";
    const Json& row = value[i];
    if (!row.is_array() || row.size() != 2) fail(file, where, "expected a pair [a, b]");
    out.emplace_back(finite_number(row[0], file, where), finite_number(row[1], file, where));
  }
  return out;
}

constexpr std::size_t kMaxDrawnPoints = 20000;  // the most points the app draws (the `n` control)
constexpr std::size_t kMaxCurvePoints = 64;

Scene read_scene(const Json& json, const std::string& file, bool require_format);

}  // namespace

std::string scene_to_json(const Scene& scene, const std::string& scene_path) {
  return scene_to_json_value(scene, scene_path).dump(2) + "\n";
}

nlohmann::ordered_json scene_to_json_value(const Scene& scene, const std::string& scene_path) {
  Json json;
  json["format"] = kSceneFormat;
  json["version"] = kSceneVersion;
  Json settings = Json::object();
  for (auto& [name, value] : saved_controls(scene))
    settings[name] = holds_path(name, scene) ? Json(path_for_file(value.get<std::string>(), scene_path)) : value;
  json["settings"] = std::move(settings);
  json["cursor"] = static_cast<int>(std::floor(scene.playback.cursor));
  json["playing"] = scene.playback.playing;
  json["view_center"] = {scene.view.center_x, scene.view.center_y};
  if (!scene.data.drawn_points.empty()) {
    Json points = Json::array();
    for (std::size_t i = 0; i + 1 < scene.data.drawn_points.size(); i += 2)
      points.push_back({scene.data.drawn_points[i], scene.data.drawn_points[i + 1]});
    json["drawn_points"] = std::move(points);
  }
  if (!scene.schedule.custom_curve.empty()) {
    Json curve = Json::array();
    for (const CurvePoint& point : scene.schedule.custom_curve) curve.push_back({point.u, point.log_snr});
    json["custom_curve"] = std::move(curve);
  }
  if (!scene.live_checkpoint.empty()) json["live_checkpoint"] = path_for_file(scene.live_checkpoint, scene_path);
  return json;
}

Scene scene_from_json(const std::string& text, const std::string& file) {
  return scene_from_json_value(parse_scene_text(text, file), file, "", true);
}

nlohmann::ordered_json parse_scene_text(const std::string& text, const std::string& file) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() names the byte; keep the message one line and short.
    fail(file, "", "not a scene file (invalid JSON at byte " + std::to_string(e.byte) +
                       "); save one from the window or with --save-scene");
  } catch (const nlohmann::json::exception&) {  // a number beyond double's range (1e400)
    fail(file, "", "not a scene file (a number is out of range); save one from the window or with --save-scene");
  }
  return json;
}

Scene scene_from_json_value(const nlohmann::ordered_json& json, const std::string& file, const std::string& field_prefix,
                            bool require_format) {
  struct PrefixScope {  // fail() puts the prefix before every field it names
    std::string saved = field_prefix_in_messages;
    explicit PrefixScope(const std::string& prefix) { field_prefix_in_messages = prefix; }
    ~PrefixScope() { field_prefix_in_messages = saved; }
  } scope(field_prefix);
  return read_scene(json, file, require_format);
}

namespace {

Scene read_scene(const Json& json, const std::string& file, bool require_format) {
  if (!json.is_object()) fail(file, "", "not a scene file (expected a JSON object)");
  if ((require_format || json.contains("format")) && (!json.contains("format") || json["format"] != kSceneFormat))
    fail(file, "format", std::string("expected \"") + kSceneFormat + "\": this is not a Diffusion Lab scene file");
  const Json& version = json.contains("version") ? json["version"] : Json();
  if ((require_format || json.contains("version")) && !version.is_number_integer())
    fail(file, "version", "expected an integer");
  if (version.is_number_integer() && version.get<long long>() != kSceneVersion) {
    const std::string number = version.dump();
    if (version.get<long long>() > kSceneVersion)
      fail(file, "version", "version " + number + " was written by a newer Diffusion Lab; this one reads version " +
                                std::to_string(kSceneVersion));
    fail(file, "version", "version " + number + " is not a scene version (this Diffusion Lab reads version " +
                              std::to_string(kSceneVersion) + ")");
  }
  static const std::set<std::string> kFields = {"format",       "version",      "settings",       "cursor", "playing",
                                                "view_center", "drawn_points", "custom_curve", "live_checkpoint"};
  for (const auto& item : json.items())
    if (!kFields.count(item.key()))
      fail(file, quoted(item.key()),
           "unknown field; fields: format, version, settings, cursor, playing, view_center, drawn_points, "
           "custom_curve, live_checkpoint");

  Scene scene;
  if (json.contains("settings")) {
    const Json& settings = json["settings"];
    if (!settings.is_object()) fail(file, "settings", "expected an object of control names and values");
    // Every name must be a control that is saved; values are applied in the registry's order (the order
    // flags follow), whatever the order in the file.
    Scene every_setting = scene;  // the language is saved only once set: the probe sets it
    every_setting.language = Language::En;
    const auto controls = saved_controls(every_setting);  // the registry's saved controls, in its order
    std::set<std::string> saved;
    for (const auto& [name, unused] : controls) saved.insert(name);
    for (const auto& item : settings.items()) {
      if (!saved.count(item.key()))
        fail(file, "settings." + quoted(item.key()), "unknown setting; see diffusion-lab --help for the controls");
      if (!(item.value().is_string() || item.value().is_number() || item.value().is_boolean()))
        fail(file, "settings." + item.key(), "expected a string, a number or true/false");
    }
    for (const auto& [name, unused] : controls) {
      if (!settings.contains(name)) continue;
      std::string value = control_text(settings[name]);
      try {
        if (settings[name].is_string()) {
          Scene probe = scene;
          set_control(probe, name, value);  // tells a CSV path from a data set's name before resolving it
          if (holds_path(name, probe)) value = path_from_file(value, file);
        }
        set_control(scene, name, value);
      } catch (const std::invalid_argument& e) {
        // e.what() starts with the control's name: "sampler: unknown value 'x'; allowed: ...".
        throw SceneFileError(file + ": " + field_name("settings") + "." + e.what());
      }
    }
  }
  if (json.contains("cursor")) {
    const double cursor = finite_number(json["cursor"], file, "cursor");
    if (cursor < 0 || cursor > kMaxTimesteps || cursor != std::floor(cursor))
      fail(file, "cursor", "expected a frame number in 0.." + std::to_string(kMaxTimesteps));
    scene.playback.cursor = cursor;
  }
  if (json.contains("playing")) {
    if (!json["playing"].is_boolean()) fail(file, "playing", "expected true or false");
    scene.playback.playing = json["playing"].get<bool>();
  }
  if (json.contains("view_center")) {
    const Json& center = json["view_center"];
    if (!center.is_array() || center.size() != 2) fail(file, "view_center", "expected [x, y]");
    scene.view.center_x = static_cast<float>(finite_number(center[0], file, "view_center[0]"));
    scene.view.center_y = static_cast<float>(finite_number(center[1], file, "view_center[1]"));
  }
  if (json.contains("drawn_points")) {
    for (const auto& [x, y] : pairs(json["drawn_points"], file, "drawn_points", kMaxDrawnPoints)) {
      scene.data.drawn_points.push_back(static_cast<float>(x));
      scene.data.drawn_points.push_back(static_cast<float>(y));
    }
  }
  if (json.contains("custom_curve")) {
    scene.schedule.custom_curve.clear();
    for (const auto& [u, log_snr] : pairs(json["custom_curve"], file, "custom_curve", kMaxCurvePoints))
      scene.schedule.custom_curve.push_back({u, log_snr});
    try {
      ScheduleConfig check = scene.schedule;
      check.kind = ScheduleKind::Custom;
      validate(check);
    } catch (const std::invalid_argument& e) {
      fail(file, "custom_curve", e.what());
    }
  }
  if (json.contains("live_checkpoint")) {
    if (!json["live_checkpoint"].is_string()) fail(file, "live_checkpoint", "expected the path of a checkpoint");
    scene.live_checkpoint = path_from_file(json["live_checkpoint"].get<std::string>(), file);
  }
  if (scene.data.origin == DataOrigin::Drawn && scene.data.drawn_points.empty() && !scene.drawing)
    fail(file, "drawn_points", "the data are drawn points (data-origin drawn) but the file holds none");
  return scene;
}

}  // namespace

Scene load_scene(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) fail(path, "", "is a folder; give the path of a scene file (.json)");
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const std::exception& e) {
    throw SceneFileError(e.what());
  }
  Scene scene = scene_from_json(text, path);
  const auto require = [&](const std::string& field, const std::string& file_path, const char* what) {
    if (!fs::exists(file_path, error)) fail(path, field, std::string(what) + " " + quoted(file_path) + " does not exist");
  };
  if (scene.data.origin == DataOrigin::Csv) require("settings.dataset", scene.data.csv_path, "the data file");
  if (!is_builtin_image_dataset(scene.images.dataset))
    require("settings.image-dataset", scene.images.dataset, "the image folder");
  if (!scene.images.model_path.empty()) require("settings.image-model", scene.images.model_path, "the model");
  if (!scene.live_checkpoint.empty()) require("live_checkpoint", scene.live_checkpoint, "the model");
  return scene;
}

void save_scene(const std::string& path, const Scene& scene) { write_text_atomically(path, scene_to_json(scene, path)); }

}  // namespace dlab::gui
