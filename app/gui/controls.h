// Every control of the app by name, shared by the command-line flags (--sampler ddim), the script
// command `set sampler ddim` and the widgets' combo boxes, all through core's name tables. This is one
// of the two app files that see the core enums' definitions (their headers include LibTorch).
#pragma once

#include <string>
#include <vector>

#include "app/gui/app_state.h"

namespace dlab::gui {

// Sets a control from its text value. Throws std::invalid_argument naming the control and the allowed
// values. Controls: see control_names().
void set_control(AppState& state, const std::string& name, const std::string& value);
// The names of all controls, with a one-line description each, for --help and script errors.
std::vector<std::pair<std::string, std::string>> control_names();

// Combo boxes over core's name tables (the label shown, the name in the tooltip). Return true on change.
bool dataset_combo(const char* id, Dataset2D* value);
bool forward_mode_combo(const char* id, ForwardMode* value);
bool sampler_combo(const char* id, SamplerKind* value);
bool variance_combo(const char* id, VarianceKind* value);

const char* dataset_name(Dataset2D value);
const char* dataset_label(Dataset2D value);
const char* sampler_name(SamplerKind value);
const char* sampler_label(SamplerKind value);
const char* variance_name(VarianceKind value);
const char* variance_label(VarianceKind value);
const char* forward_mode_label(ForwardMode value);
bool is_chain(ForwardMode value);
bool sampler_uses_variance(SamplerKind value);  // DDPM: the variance choice applies
bool sampler_uses_eta(SamplerKind value);       // DDIM and Euler ancestral
bool sampler_is_stochastic(const SamplerSettings& sampler);

}  // namespace dlab::gui
