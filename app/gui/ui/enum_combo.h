// A combo box over an enum's name table (core/names.h): shows the labels in the window's language (each
// table's labels are in the catalogue: i18n_core_labels.cpp or N_ where the table is defined), and each
// entry's stable name (the one flags, scripts and files use) in its tooltip. Instantiate only where the
// enum is complete.
#pragma once

#include <imgui.h>

#include "app/gui/state/i18n.h"
#include "app/gui/ui/widgets.h"
#include "core/names.h"

namespace dlab::gui {

template <class E>
bool enum_combo(const char* id, E* value) {
  bool changed = false;
  if (begin_combo(id, tr(to_label(*value)))) {
    for (const auto& entry : EnumNames<E>::entries) {
      const bool selected = entry.value == *value;
      if (ImGui::Selectable(ui_label(tr(entry.label), entry.name).c_str(), selected) && !selected) {
        *value = entry.value;
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr("name: %s"), entry.name);
      if (selected) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  return changed;
}

}  // namespace dlab::gui
