// Every control of the app by name, shared by the command-line flags (--sampler ddim), the script
// command `set sampler ddim`, scene files (scene_file.h) and the widgets, all through core's name tables
// (core/choices.h). One registry: each control can be set from text and read back as a typed value.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/gui/state/scene.h"

namespace dlab::gui {

// Sets a control from its text value. Throws std::invalid_argument naming the control and the allowed
// values. Controls: see control_names().
void set_control(Scene& state, const std::string& name, const std::string& value);
// A control's value in a scene file: a string, number or bool (null: not saved).
using Value = nlohmann::ordered_json;
// Every saved control of the scene, in registry order, as typed values (a request such as `t` or
// `training` is not saved). Setting each back with set_control(name, control_text(value)) restores them.
std::vector<std::pair<std::string, Value>> saved_controls(const Scene& scene);
// The text set_control takes for a value of a scene file: strings as they are, numbers and bools as JSON
// writes them (true/false are accepted by on/off controls).
std::string control_text(const Value& value);
// The names of all controls, with a one-line description each, for --help and script errors.
std::vector<std::pair<std::string, std::string>> control_names();

// A control's value that only a view can check, against what it has loaded (the image view: `class` against
// the model's class count), found when the view syncs. `control` is the control's name (set_control's), so
// that the app can name the script line or the flag that set it.
struct ControlError {
  std::string control;
  std::string message;  // names the value and the allowed range
};

// The sampler adds noise z at its steps (DDPM with a variance, DDIM / Euler ancestral with eta > 0).
bool sampler_is_stochastic(const SamplerSettings& sampler);

}  // namespace dlab::gui
