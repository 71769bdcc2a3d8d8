// The formula panel: the update being applied at this moment, symbolic, then with this step's
// coefficients, then with the followed point's numbers, and the named values of this t.
#include <algorithm>
#include <cstdio>
#include <string>

#include "app/gui/panels/panels.h"
#include "app/gui/state/i18n.h"
#include "app/gui/ui/math_text.h"
#include "app/gui/views/points/lab.h"

namespace dlab::gui {

namespace {

// Broken between the parts of a formula (three spaces), or between its words when a part is wider than the
// panel (a large UI scale).
void flowing_math_text(const std::string& text, ImU32 color, const char* separator = "   ") {
  const std::string gap = separator;
  const float width = ImGui::GetContentRegionAvail().x;
  for (std::size_t start = 0; gap.size() > 1 && start < text.size();) {
    const std::size_t end = std::min(text.find(gap, start), text.size());
    if (math_text_size(text.substr(start, end - start).c_str()).x > width) {
      separator = " ";
      break;
    }
    start = end + gap.size();
  }
  math_text_wrapped(text.c_str(), color, separator);
}

}  // namespace

void panel_formula(PanelContext& context, const PanelRect& rect) {
  // Always a scrollbar: the wrap width of the lines below must not depend on whether the previous frame
  // overflowed (a saved scene must redraw pixel for pixel).
  if (!begin_panel("Formula", rect, ImGuiWindowFlags_AlwaysVerticalScrollbar)) {
    ImGui::End();
    return;
  }
  if (!context.lab) {
    ImGui::End();
    return;
  }
  const Formula formula = context.lab->formula(context.state.followed_point);
  flowing_math_text(formula.title, colors::kTextDim, " ");
  ImGui::PushFont(context.fonts.heading);
  flowing_math_text(formula.equation, colors::kText);
  ImGui::PopFont();
  if (!formula.numbers.empty()) flowing_math_text(formula.numbers, colors::kMarker);
  // The note (why this step looks as it does: a mistake, eta = 0, Heun, the end of the run) before the
  // followed point and the named values, so a panel of a few lines still shows it (issue 14: at 1600x900 it
  // was below the panel's edge).
  if (!formula.note.empty()) flowing_math_text(formula.note, colors::kNote, " ");
  if (!formula.point.empty())
    flowing_math_text(formula.point, colors::kPoints);
  else if (context.state.followed_point < 0 && !formula.numbers.empty())
    flowing_math_text(tr("Click a point on the canvas to see its numbers here."), colors::kTextDim, " ");
  if (!formula.terms.empty()) {
    std::string terms;
    char value[64];
    for (const auto& [name, number] : formula.terms) {
      if (name == "t" || name == "t\u2032")
        std::snprintf(value, sizeof value, "%s = %d", name.c_str(), static_cast<int>(number));
      else
        std::snprintf(value, sizeof value, "%s = %.4g", name.c_str(), number);
      terms += (terms.empty() ? "" : "   ") + std::string(value);
    }
    flowing_math_text(terms, colors::kTextDim);
  }
  ImGui::End();
}

}  // namespace dlab::gui
