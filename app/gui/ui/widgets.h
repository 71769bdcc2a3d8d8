// Small layout widgets shared by the panels, and the measure of what does not fit.
//
// Every width here comes from the font (CalcTextSize, GetFrameHeight), so a row that fits at UI scale 1
// flows onto the next line at 2 instead of being cut at the panel's edge. A widget whose text is wider than
// the room it is given even so is counted: --stats-out's clipped_widgets, which the GUI tests keep at 0.
#pragma once

#include <imgui.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dlab::gui {

// A label, then the next widget fills the rest of the row. When the column is too narrow for both (a large
// UI scale, a long label) the label goes above and the widget takes the whole row. widget_width: what the
// widget needs beside the label (0: 7 font sizes).
void row_label(const char* text, float widget_width = 0.0f);
void error_text(const std::string& message);  // red and wrapped; nothing when empty
void dim_text(const std::string& message);    // the disabled text colour, wrapped

// Flow layout, called between two widgets: the next one, next_width pixels wide, stays on this row when it
// fits there after `spacing` (< 0: the style's), otherwise it starts the next row. True when it stayed.
// `what` names the widget for the clipping count, should it not fit a whole row either (nullptr: the
// caller wraps or shrinks it then).
bool same_line_if_fits(float next_width, float spacing = -1.0f, const char* what = nullptr);
// The widths ImGui gives these widgets for a label (the part after ## is not shown, so not counted).
float checkbox_width(const char* label);  // also a radio button
float button_width(const char* label);

// A checkbox's (or radio button's) or a button's label broken into lines (at spaces; anywhere in Chinese)
// when the widget would not fit the rest of the row; its ID stays the label's (text###id keeps ###id).
std::string checkbox_label(const std::string& label);
std::string button_label(const std::string& label);
std::string header_label(const std::string& label);          // of a collapsing header
std::string header_label(const char* text, const char* id);  // of ui_label(text, id)

// ImGui::BeginCombo whose preview wraps onto more lines (a taller box) when it is wider than the item, rather
// than being cut ("8 (" for "8 Gaussians"). Call ImGui::EndCombo when it returns true.
bool begin_combo(const char* id, const char* preview);

// A row of tabs whose names are never shortened ("Sche..."): they wrap onto a second row when the panel is
// too narrow for all of them. Returns the tab to show: `shown`, or the one clicked this frame.
int tab_rows(const char* id, const std::vector<std::string>& labels, int shown);

// The measure. check_fits counts `what` as clipped this frame when `needed` > `given` pixels and returns
// whether it fits; note_canvas records where the view's canvas (the picture) is this frame.
bool check_fits(float needed, float given, const char* what);
void note_canvas(ImVec2 min, ImVec2 max);
// A number of this frame's layout for --stats-out (the image view's tile size in pixels, say), under `name`.
void note_layout_value(const char* name, double value);
// For --stats-out: canvas_share (the canvas's area over the window's), canvas_width_share and
// canvas_height_share, clipped_widgets and the names of the clipped ones, of the frame just drawn.
void write_layout_stats(nlohmann::ordered_json& json);

}  // namespace dlab::gui
