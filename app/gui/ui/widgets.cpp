#include "app/gui/ui/widgets.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/state/i18n.h"
#include "app/gui/ui/theme.h"

namespace dlab::gui {

namespace {

// What the measure saw in the frame being drawn (reset when a new frame starts using it).
struct FrameMeasure {
  int frame = -1;
  bool has_canvas = false;
  ImVec2 canvas_min, canvas_max;
  std::vector<std::string> clipped;
  std::vector<std::pair<std::string, double>> values;  // note_layout_value
};

FrameMeasure& measure() {
  static FrameMeasure current;
  if (current.frame != ImGui::GetFrameCount()) {
    current = FrameMeasure();
    current.frame = ImGui::GetFrameCount();
  }
  return current;
}

// The right edge of the rows of the current window (or table column), in screen pixels.
float row_right() {
  return ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
}

}  // namespace

void row_label(const char* text, float widget_width) {
  const float font = ImGui::GetFontSize();
  const float column = font * 6.2f;  // where the widgets of labelled rows start
  const float label = ImGui::CalcTextSize(text, nullptr, true).x;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float widget = widget_width > 0 ? widget_width : font * 7.0f;
  if (label + ImGui::GetStyle().ItemSpacing.x <= column && avail - column >= widget) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text);
    ImGui::SameLine(column);
  } else {
    // Too narrow for both: the label on a line of its own, the widget under it.
    ImGui::TextUnformatted(text);
    check_fits(label, avail, text);
  }
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

bool same_line_if_fits(float next_width, float spacing, const char* what) {
  if (spacing < 0) spacing = ImGui::GetStyle().ItemSpacing.x;
  if (ImGui::GetItemRectMax().x + spacing + next_width <= row_right() + 0.5f) {
    ImGui::SameLine(0, spacing);
    return true;
  }
  // A row of its own; the cursor is at its start now.
  if (what) check_fits(next_width, ImGui::GetContentRegionAvail().x, what);
  return false;
}

float checkbox_width(const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return ImGui::GetFrameHeight() + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2.0f;
}

namespace {

std::string fitting_label(const std::string& label, float extra) {
  const char* begin = label.c_str();
  const char* end = ImGui::FindRenderedTextEnd(begin);
  const float width = ImGui::GetContentRegionAvail().x - extra;
  if (ImGui::CalcTextSize(begin, end).x <= width) return label;
  ImFont* font = ImGui::GetFont();
  const float scale = ImGui::GetFontSize() / font->FontSize;
  std::string wrapped;
  for (const char* s = begin; s < end;) {
    const char* cut = font->CalcWordWrapPositionA(scale, s, end, std::max(1.0f, width));
    if (cut <= s) {  // not even one character fits: take one anyway
      unsigned int c = 0;
      cut = s + std::max(1, ImTextCharFromUtf8(&c, s, end));
    }
    std::string line(s, cut);
    line.erase(line.find_last_not_of(' ') + 1);
    check_fits(ImGui::CalcTextSize(line.c_str()).x, width, label.c_str());
    wrapped += (wrapped.empty() ? "" : "\n") + line;
    for (s = cut; s < end && (*s == ' ' || *s == '\n');) ++s;
  }
  return wrapped + "###" + label;
}

}  // namespace

std::string checkbox_label(const std::string& label) {
  return fitting_label(label, ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x);
}

std::string button_label(const std::string& label) {
  return fitting_label(label, ImGui::GetStyle().FramePadding.x * 2.0f);
}

std::string header_label(const char* text, const char* id) {
  return header_label(ui_label(text, id));
}

std::string header_label(const std::string& label) {
  // The arrow, then the text; ImGui frames a header with three paddings before the text and one after.
  return fitting_label(label, ImGui::GetFontSize() + ImGui::GetStyle().FramePadding.x * 4.0f);
}

bool begin_combo(const char* id, const char* preview) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = ImGui::CalcItemWidth();
  const float arrow = ImGui::GetFrameHeight();
  const float room = width - arrow - style.FramePadding.x * 2.0f;
  if (ImGui::CalcTextSize(preview).x <= room) return ImGui::BeginCombo(id, preview);

  // Wrapped: a box as tall as the lines (ImGui sizes the frame from its padding), the arrow drawn here.
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const ImVec2 text = font->CalcTextSizeA(size, FLT_MAX, std::max(1.0f, room), preview);
  // A single glyph wider than the box is all that can still be cut.
  check_fits(size, room, preview);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                      ImVec2(style.FramePadding.x, style.FramePadding.y + (text.y - size) * 0.5f));
  const bool open = ImGui::BeginCombo(id, "", ImGuiComboFlags_NoArrowButton);
  ImGui::PopStyleVar();
  const bool hot = open || ImGui::IsItemHovered();
  const float height = text.y + style.FramePadding.y * 2.0f;
  const ImVec2 arrow_min(pos.x + width - arrow, pos.y);
  draw->AddRectFilled(arrow_min, ImVec2(pos.x + width, pos.y + height),
                      ImGui::GetColorU32(hot ? ImGuiCol_ButtonHovered : ImGuiCol_Button), style.FrameRounding,
                      ImDrawFlags_RoundCornersRight);
  ImGui::RenderArrow(draw, ImVec2(arrow_min.x + style.FramePadding.y, pos.y + (height - size) * 0.5f),
                     ImGui::GetColorU32(ImGuiCol_Text), ImGuiDir_Down, 1.0f);
  draw->AddText(font, size, ImVec2(pos.x + style.FramePadding.x, pos.y + style.FramePadding.y),
                ImGui::GetColorU32(ImGuiCol_Text), preview, nullptr, std::max(1.0f, room));
  return open;
}

int tab_rows(const char* id, const std::vector<std::string>& labels, int shown) {
  const ImGuiStyle& style = ImGui::GetStyle();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float height = ImGui::GetFrameHeight();
  const float left = ImGui::GetCursorScreenPos().x;
  ImGui::PushID(id);
  // Rows of tabs touch, as a two-row tab bar would.
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(style.ItemInnerSpacing.x, 0));
  for (int i = 0; i < static_cast<int>(labels.size()); ++i) {
    const char* label = labels[i].c_str();
    const float width = button_width(label);
    if (i > 0) same_line_if_fits(width, -1.0f, label);
    ImGui::PushID(i);
    if (ImGui::InvisibleButton("##tab", ImVec2(width, height))) shown = i;
    ImGui::PopID();
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const ImGuiCol color = i == shown               ? ImGuiCol_TabActive
                           : ImGui::IsItemHovered() ? ImGuiCol_TabHovered
                                                    : ImGuiCol_Tab;
    draw->AddRectFilled(min, max, ImGui::GetColorU32(color), style.TabRounding, ImDrawFlags_RoundCornersTop);
    draw->AddText(ImVec2(min.x + style.FramePadding.x, min.y + style.FramePadding.y),
                  ImGui::GetColorU32(ImGuiCol_Text), label, ImGui::FindRenderedTextEnd(label));
  }
  ImGui::PopStyleVar();
  // The tab bar's line under the tabs, in the selected tab's colour.
  const float y = ImGui::GetItemRectMax().y;
  draw->AddLine(ImVec2(left, y), ImVec2(row_right(), y), ImGui::GetColorU32(ImGuiCol_TabActive),
                std::max(1.0f, std::round(style.FramePadding.y * 0.5f)));
  ImGui::Dummy(ImVec2(0, style.ItemSpacing.y * 0.5f));
  ImGui::PopID();
  return shown;
}

bool check_fits(float needed, float given, const char* what) {
  if (needed <= given + 0.5f) return true;
  measure().clipped.emplace_back(what ? what : "?", what ? ImGui::FindRenderedTextEnd(what) : nullptr);
  return false;
}

void note_canvas(ImVec2 min, ImVec2 max) {
  FrameMeasure& m = measure();
  m.has_canvas = true;
  m.canvas_min = min;
  m.canvas_max = max;
}

void note_layout_value(const char* name, double value) {
  FrameMeasure& m = measure();
  for (auto& entry : m.values)
    if (entry.first == name) return void(entry.second = value);
  m.values.emplace_back(name, value);
}

// Every widget ImGui laid out this frame, whatever drew it: a window whose items reach past its right edge
// has something cut there (the rows of items sized to fit end at the edge exactly).
void count_overflowing_windows(FrameMeasure& m) {
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  for (int i = 0; i < g.Windows.Size; ++i) {
    const ImGuiWindow* window = g.Windows[i];
    if (!window->Active || window->Hidden || window->Pos.x < -1000.0f ||
        (window->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup | ImGuiWindowFlags_ChildMenu)))
      continue;
    const float overflow = window->DC.CursorMaxPos.x - window->WorkRect.Max.x;
    if (overflow > 1.0f)
      m.clipped.push_back(std::string(window->Name) + ": " + std::to_string(static_cast<int>(overflow)) +
                          " px too wide");
  }
}

void write_layout_stats(nlohmann::ordered_json& json) {
  FrameMeasure& m = measure();
  count_overflowing_windows(m);
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const auto share = [](float part, float whole) {
    return whole > 0 ? std::round(1000.0 * part / whole) / 1000.0 : 0.0;
  };
  const float w = m.has_canvas ? std::max(0.0f, m.canvas_max.x - m.canvas_min.x) : 0.0f;
  const float h = m.has_canvas ? std::max(0.0f, m.canvas_max.y - m.canvas_min.y) : 0.0f;
  json["canvas_share"] = share(w * h, display.x * display.y);
  json["canvas_width_share"] = share(w, display.x);
  json["canvas_height_share"] = share(h, display.y);
  json["clipped_widgets"] = m.clipped.size();
  json["clipped"] = m.clipped;
  for (const auto& [name, value] : m.values) json[name] = std::round(value * 1000.0) / 1000.0;
}

}  // namespace dlab::gui
