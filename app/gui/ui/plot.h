// A small plotting widget on Dear ImGui's draw list (ImPlot is not packaged in Debian), with an
// ImPlot-like API:
//
//   if (plot::BeginPlot("Noise schedule", size)) {
//     plot::SetupAxes("t", "beta", plot::kLogY);
//     plot::SetupXLimits(0, T);
//     plot::Line("beta_t", ts.data(), betas.data(), T, color);
//     plot::MarkerX(t_now, "t");
//     plot::EndPlot();  // fits the axes, draws ticks, labels, legend, lines and the hover read-out
//   }
//
// Series are recorded and drawn in EndPlot, so an axis without fixed limits fits everything plotted.
// DragPoint works immediately and needs fixed limits (or uses last frame's fit).
#pragma once

#include <imgui.h>

namespace dlab::gui::plot {

enum AxisFlags : int {
  kNone = 0,
  kLogY = 1 << 0,        // logarithmic y axis (non-positive values are skipped)
  kNoLegend = 1 << 1,    // no legend in the title row
  kNoHover = 1 << 2,     // no crosshair and tooltip read-out
  kIntegerX = 1 << 3,    // the hover read-out shows x as an integer (timesteps)
};

// Starts a plot of the given size (width <= 0: the available width). Returns false when it is not
// visible; call EndPlot only when it returned true. The title is also the plot's ID; "Title###id" shows
// Title and keeps the ID (and the plot's state) when the title changes with the language.
bool BeginPlot(const char* title, ImVec2 size, int flags = kNone);
void SetupAxes(const char* x_label, const char* y_label, int flags = kNone);
void SetupXLimits(double x_min, double x_max);
void SetupYLimits(double y_min, double y_max);
// Extra room above and below the fitted data, as a fraction of the range (default 0.05).
void SetupYPadding(double fraction);

void Line(const char* label, const double* xs, const double* ys, int count, ImU32 color, float thickness = 2.0f);
void Line(const char* label, const float* xs, const float* ys, int count, ImU32 color, float thickness = 2.0f);
// The band between two curves (legend entry when label is non-empty).
void Shaded(const char* label, const double* xs, const double* y_low, const double* y_high, int count, ImU32 color);
// A vertical band over [x0, x1], full height.
void ShadeX(const char* label, double x0, double x1, ImU32 color);
// A horizontal reference line.
void LineY(const char* label, double y, ImU32 color);
// A vertical reference line at x, with `note` (optional) written beside its foot.
void LineX(const char* label, double x, ImU32 color, const char* note = nullptr);
// The vertical marker of the current t; label is drawn at its top.
void MarkerX(double x, const char* label);

// A draggable control point. Returns true while it is being dragged (and writes the new position).
bool DragPoint(int id, double* x, double* y, ImU32 color, float radius_px = 6.0f);
bool IsPlotHovered();
// Mouse position in data coordinates (valid while the plot is hovered).
ImVec2 MouseData();
bool IsDragging();  // a DragPoint of this plot is being dragged

void EndPlot();

// After EndPlot: shows `text` as a tooltip while the mouse is over the last plot's title row.
void TitleHelp(const char* text);

// Text of a tick or read-out value: %g with `digits` significant digits, or 10^k in superscripts.
void FormatValue(double value, char* buffer, int size, int digits = 4);

}  // namespace dlab::gui::plot
