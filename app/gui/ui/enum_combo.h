// A combo box over an enum's name table (core/names.h): shows the labels, and each entry's stable name
// (the one flags, scripts and files use) in its tooltip. Instantiate only where the enum is complete.
#pragma once

#include <imgui.h>

#include "core/names.h"

namespace dlab::gui {

template <class E>
bool enum_combo(const char* id, E* value) {
  bool changed = false;
  if (ImGui::BeginCombo(id, to_label(*value))) {
    for (const auto& entry : EnumNames<E>::entries) {
      const bool selected = entry.value == *value;
      if (ImGui::Selectable(entry.label, selected) && !selected) {
        *value = entry.value;
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("name: %s", entry.name);
      if (selected) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  return changed;
}

}  // namespace dlab::gui
