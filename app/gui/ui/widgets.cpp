#include "app/gui/ui/widgets.h"

#include <imgui.h>

#include "app/gui/ui/theme.h"

namespace dlab::gui {

void row_label(const char* text) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text);
  ImGui::SameLine(ImGui::GetFontSize() * 6.2f);
  ImGui::SetNextItemWidth(-1);
}

void error_text(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colors::kError));
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

void dim_text(const std::string& message) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

}  // namespace dlab::gui
