// [SECTION] State of the plot being built
// [SECTION] Axes: fitting, ticks, transforms
// [SECTION] Begin, setup, series
// [SECTION] Drag points
// [SECTION] End: drawing
#include "app/gui/ui/plot.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/gui/ui/math_text.h"
#include "app/gui/ui/theme.h"
#include "app/gui/ui/widgets.h"

namespace dlab::gui::plot {

namespace {

// ============================================================================================
// [SECTION] State of the plot being built
// ============================================================================================

enum class SeriesKind { Line, Shaded, ShadeX, LineY, LineX };

struct Series {
  SeriesKind kind = SeriesKind::Line;
  std::string label;
  std::vector<double> xs, ys, ys_high;
  ImU32 color = 0;
  float thickness = 2.0f;
  double x0 = 0, x1 = 0, y = 0;
  std::string note;  // LineX: the text at its top
  bool in_legend() const { return !label.empty() && label.rfind("##", 0) != 0; }
};

struct Marker {
  double x;
  std::string label;
};

struct DragRecord {
  double x, y;
  ImU32 color;
  float radius;
  bool active;
};

// Kept across frames, per plot id.
struct Memory {
  bool has_fit = false;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  int active_drag = -1;
};

struct Range {
  double min = 0, max = 1;
  double span() const { return max - min; }
};

struct Context {
  bool open = false;
  ImGuiID id = 0;
  std::string title;
  std::vector<std::string> title_lines;  // the title broken at spaces to fit the plot's width
  int flags = 0;
  std::string x_label, y_label;
  bool x_fixed = false, y_fixed = false;
  Range x, y;  // y in log10 units when log_y
  bool log_y = false;
  double y_padding = 0.05;
  ImRect frame;  // the whole widget
  ImRect area;   // the data area inside the axes
  bool hovered = false;
  std::vector<Series> series;
  std::vector<Marker> markers;
  std::vector<DragRecord> drags;
};

Context g_plot;
std::unordered_map<ImGuiID, Memory> g_memory;
ImRect g_last_title_row;  // of the last plot ended, for TitleHelp

bool finite(double v) { return std::isfinite(v); }

// Line widths and handles grow with the font, so the plots read the same at 4K.
float ui_scale() { return ImGui::GetFontSize() / kBaseFontPx; }

// ============================================================================================
// [SECTION] Axes: fitting, ticks, transforms
// ============================================================================================

double to_axis_y(double y) { return g_plot.log_y ? (y > 0 ? std::log10(y) : -INFINITY) : y; }
double from_axis_y(double v) { return g_plot.log_y ? std::pow(10.0, v) : v; }

float px_x(double x) {
  return g_plot.area.Min.x + static_cast<float>((x - g_plot.x.min) / g_plot.x.span()) * g_plot.area.GetWidth();
}
float px_y(double y) {
  const double v = to_axis_y(y);
  return g_plot.area.Max.y - static_cast<float>((v - g_plot.y.min) / g_plot.y.span()) * g_plot.area.GetHeight();
}
double data_x(float px) { return g_plot.x.min + (px - g_plot.area.Min.x) / g_plot.area.GetWidth() * g_plot.x.span(); }
double data_y(float py) {
  return from_axis_y(g_plot.y.min + (g_plot.area.Max.y - py) / g_plot.area.GetHeight() * g_plot.y.span());
}

// A "nice" step (1, 2 or 5 times a power of ten) giving about `target` intervals over `span`.
double nice_step(double span, double target) {
  const double raw = span / std::max(1.0, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double residual = raw / magnitude;
  if (residual < 1.5) return magnitude;
  if (residual < 3.5) return 2 * magnitude;
  if (residual < 7.5) return 5 * magnitude;
  return 10 * magnitude;
}

void format_linear_tick(double value, double step, char* buffer, int size) {
  if (std::abs(value) < step * 1e-6) value = 0;
  const double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    std::snprintf(buffer, size, "%.2g", value);
    return;
  }
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  std::snprintf(buffer, size, "%.*f", decimals, value);
}

// 10^k with superscript digits (UTF-8), as in a textbook.
void format_power_of_ten(int exponent, char* buffer, int size) {
  if (exponent == 0) { std::snprintf(buffer, size, "1"); return; }
  if (exponent == 1) { std::snprintf(buffer, size, "10"); return; }
  static const char* digits[] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                 "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  std::string text = "10";
  if (exponent < 0) text += "\u207b";
  const std::string magnitude = std::to_string(std::abs(exponent));
  for (char c : magnitude) text += digits[c - '0'];
  std::snprintf(buffer, size, "%s", text.c_str());
}

void fit_axes() {
  Memory& memory = g_memory[g_plot.id];
  Range fit_x{INFINITY, -INFINITY}, fit_y{INFINITY, -INFINITY};
  const auto grow = [](Range& r, double v) {
    if (!finite(v)) return;
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
  };
  for (const Series& s : g_plot.series) {
    if (s.kind == SeriesKind::ShadeX || s.kind == SeriesKind::LineX) continue;
    if (s.kind == SeriesKind::LineY) { grow(fit_y, to_axis_y(s.y)); continue; }
    for (std::size_t i = 0; i < s.xs.size(); ++i) {
      if (g_plot.x_fixed && (s.xs[i] < g_plot.x.min || s.xs[i] > g_plot.x.max)) continue;
      grow(fit_x, s.xs[i]);
      grow(fit_y, to_axis_y(s.ys[i]));
      if (!s.ys_high.empty()) grow(fit_y, to_axis_y(s.ys_high[i]));
    }
  }
  if (!g_plot.x_fixed) {
    if (fit_x.min > fit_x.max) fit_x = {memory.x_min, memory.x_max};
    if (fit_x.span() <= 0) fit_x = {fit_x.min - 0.5, fit_x.max + 0.5};
    g_plot.x = fit_x;
  }
  if (!g_plot.y_fixed) {
    if (fit_y.min > fit_y.max) fit_y = {memory.y_min, memory.y_max};
    if (fit_y.span() <= 0) {
      const double half = g_plot.log_y ? 0.5 : std::max(std::abs(fit_y.min) * 0.1, 0.5);
      fit_y = {fit_y.min - half, fit_y.max + half};
    }
    const double pad = fit_y.span() * g_plot.y_padding;
    g_plot.y = {fit_y.min - pad, fit_y.max + pad};
  }
  memory.has_fit = true;
  memory.x_min = g_plot.x.min;
  memory.x_max = g_plot.x.max;
  memory.y_min = g_plot.y.min;
  memory.y_max = g_plot.y.max;
}

// Before EndPlot (DragPoint, MouseData): fixed limits, or last frame's fit.
void use_known_limits() {
  const Memory& memory = g_memory[g_plot.id];
  if (!g_plot.x_fixed) g_plot.x = {memory.x_min, memory.x_max};
  if (!g_plot.y_fixed) g_plot.y = {memory.y_min, memory.y_max};
}

// Where the current-t marker's label sits in the x tick row (x range in pixels); false when off the plot.
bool marker_label_span(const Marker& m, const ImRect& a, float* left, float* right) {
  if (m.label.empty() || m.x < g_plot.x.min || m.x > g_plot.x.max) return false;
  const float width = ImGui::CalcTextSize(m.label.c_str()).x;
  *left = std::clamp(px_x(m.x) - width * 0.5f, a.Min.x - 4.0f, a.Max.x - width);
  *right = *left + width;
  return true;
}

bool covered_by_marker_label(float left, float right, const ImRect& a) {
  for (const Marker& m : g_plot.markers) {
    float label_left = 0, label_right = 0;
    if (marker_label_span(m, a, &label_left, &label_right) && right > label_left - 6 && left < label_right + 6)
      return true;
  }
  return false;
}

void draw_axes(ImDrawList* draw) {
  const ImRect& a = g_plot.area;
  const float line_height = ImGui::GetTextLineHeight();
  char text[64];
  draw->AddRectFilled(a.Min, a.Max, colors::kCanvas);

  // y ticks and grid
  if (g_plot.log_y) {
    const int first = static_cast<int>(std::ceil(g_plot.y.min - 1e-9));
    const int last = static_cast<int>(std::floor(g_plot.y.max + 1e-9));
    const double target = std::max(2.0, a.GetHeight() / (line_height * 1.8));
    const int stride = std::max(1, static_cast<int>(std::ceil((last - first + 1) / target)));
    const float pixels_per_decade = a.GetHeight() / static_cast<float>(g_plot.y.span());
    // Less than two powers of ten in view (a training loss between 0.3 and 1): the minor ticks get numbers too,
    // as many as fit one above the other, so the axis always reads.
    const bool label_minor = last - first + 1 < 2;
    float last_label_y = INFINITY;
    for (int k = first - 1; k <= last; ++k) {
      if (stride == 1 && (pixels_per_decade > 4 * line_height || label_minor)) {
        for (int m = 2; m <= 9; ++m) {  // minor ticks 2..9 x 10^k
          const double v = k + std::log10(static_cast<double>(m));
          if (v < g_plot.y.min || v > g_plot.y.max) continue;
          const float y = px_y(std::pow(10.0, v));
          draw->AddLine(ImVec2(a.Min.x, y), ImVec2(a.Max.x, y), (colors::kGrid & 0x00FFFFFF) | 0x50000000);
          if (label_minor && std::abs(last_label_y - y) >= line_height * 1.3f &&
              (k + 1 > last || px_y(std::pow(10.0, k + 1)) < y - line_height * 1.3f)) {
            std::snprintf(text, sizeof text, "%g", m * std::pow(10.0, k));
            const ImVec2 size = ImGui::CalcTextSize(text);
            draw->AddText(ImVec2(a.Min.x - size.x - 6, y - size.y * 0.5f), colors::kTextDim, text);
            last_label_y = y;
          }
        }
      }
      if (k < first || (k - first) % stride != 0) continue;
      const float y = px_y(std::pow(10.0, k));
      draw->AddLine(ImVec2(a.Min.x, y), ImVec2(a.Max.x, y), colors::kGrid);
      format_power_of_ten(k, text, sizeof text);
      const ImVec2 size = ImGui::CalcTextSize(text);
      draw->AddText(ImVec2(a.Min.x - size.x - 6, y - size.y * 0.5f), colors::kTextDim, text);
      last_label_y = y;
    }
  } else {
    const double step = nice_step(g_plot.y.span(), std::max(2.0, a.GetHeight() / (line_height * 2.2)));
    for (double v = std::ceil(g_plot.y.min / step) * step; v <= g_plot.y.max + step * 1e-6; v += step) {
      const float y = px_y(v);
      draw->AddLine(ImVec2(a.Min.x, y), ImVec2(a.Max.x, y), std::abs(v) < step * 1e-6 ? colors::kAxis : colors::kGrid);
      format_linear_tick(v, step, text, sizeof text);
      const ImVec2 size = ImGui::CalcTextSize(text);
      draw->AddText(ImVec2(a.Min.x - size.x - 6, y - size.y * 0.5f), colors::kTextDim, text);
    }
  }

  // x ticks and grid; the x label sits at the right end of the tick row.
  const ImVec2 x_label_size = ImGui::CalcTextSize(g_plot.x_label.c_str());
  const float x_label_left = a.Max.x - x_label_size.x;
  format_linear_tick(g_plot.x.max, g_plot.x.span() / 4, text, sizeof text);
  const float tick_width = ImGui::CalcTextSize(text).x + ImGui::CalcTextSize("00").x;
  const double step = nice_step(g_plot.x.span(), std::max(2.0, a.GetWidth() / (tick_width * 1.6)));
  for (double v = std::ceil(g_plot.x.min / step) * step; v <= g_plot.x.max + step * 1e-6; v += step) {
    const float x = px_x(v);
    draw->AddLine(ImVec2(x, a.Min.y), ImVec2(x, a.Max.y), colors::kGrid);
    format_linear_tick(v, step, text, sizeof text);
    const ImVec2 size = ImGui::CalcTextSize(text);
    const float left = std::clamp(x - size.x * 0.5f, a.Min.x - size.x * 0.5f, a.Max.x - size.x);
    if (!g_plot.x_label.empty() && left + size.x > x_label_left - 8) continue;
    if (covered_by_marker_label(left, left + size.x, a)) continue;
    draw->AddText(ImVec2(left, a.Max.y + 3), colors::kTextDim, text);
  }
  // The marker's label ("t = 1000") names the axis itself where it would cover the axis label.
  if (!g_plot.x_label.empty() && !covered_by_marker_label(x_label_left, a.Max.x, a))
    draw->AddText(ImVec2(x_label_left, a.Max.y + 3), colors::kText, g_plot.x_label.c_str());
  draw->AddRect(a.Min, a.Max, colors::kAxis);
}

// Pixel positions of a series, broken at non-finite values, thinned to about two vertices per pixel
// column (the minimum and the maximum), so a 4000-step curve draws as fast as a 300-step one.
void polyline_pixels(const std::vector<double>& xs, const std::vector<double>& ys,
                     std::vector<std::vector<ImVec2>>* runs) {
  runs->clear();
  std::vector<ImVec2> run;
  const bool thin = xs.size() > static_cast<std::size_t>(2 * g_plot.area.GetWidth());
  int column = std::numeric_limits<int>::min();
  ImVec2 low, high;  // the lowest and highest pixel of the column
  std::size_t low_i = 0, high_i = 0;
  const auto flush_column = [&]() {
    if (column == std::numeric_limits<int>::min()) return;
    // In the order they were plotted, so the line never doubles back.
    if (low_i == high_i) {
      run.push_back(low);
    } else if (low_i < high_i) {
      run.push_back(low);
      run.push_back(high);
    } else {
      run.push_back(high);
      run.push_back(low);
    }
  };
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double yv = to_axis_y(ys[i]);
    if (!finite(xs[i]) || !finite(yv)) {
      if (thin) flush_column();
      column = std::numeric_limits<int>::min();
      if (run.size() > 1) runs->push_back(run);
      run.clear();
      continue;
    }
    const ImVec2 p(px_x(xs[i]), px_y(ys[i]));
    if (!thin) { run.push_back(p); continue; }
    const int c = static_cast<int>(std::floor(p.x));
    if (c != column) {
      flush_column();
      column = c;
      low = high = p;
      low_i = high_i = i;
    } else {
      if (p.y > low.y) { low = p; low_i = i; }
      if (p.y < high.y) { high = p; high_i = i; }
    }
  }
  if (thin) flush_column();
  if (run.size() > 1) runs->push_back(run);
}

// Index of the sample nearest to x (xs ascending or not).
int nearest_index(const std::vector<double>& xs, double x) {
  if (xs.empty()) return -1;
  if (xs.front() <= xs.back()) {
    const auto it = std::lower_bound(xs.begin(), xs.end(), x);
    if (it == xs.begin()) return 0;
    if (it == xs.end()) return static_cast<int>(xs.size()) - 1;
    const int i = static_cast<int>(it - xs.begin());
    return (x - xs[i - 1] < xs[i] - x) ? i - 1 : i;
  }
  int best = 0;
  for (int i = 1; i < static_cast<int>(xs.size()); ++i)
    if (std::abs(xs[i] - x) < std::abs(xs[best] - x)) best = i;
  return best;
}

}  // namespace

void FormatValue(double value, char* buffer, int size, int digits) {
  if (!finite(value)) { std::snprintf(buffer, size, "%s", value > 0 ? "inf" : (value < 0 ? "-inf" : "nan")); return; }
  std::snprintf(buffer, size, "%.*g", digits, value);
}

// ============================================================================================
// [SECTION] Begin, setup, series
// ============================================================================================

bool BeginPlot(const char* title, ImVec2 size, int flags) {
  IM_ASSERT(!g_plot.open && "EndPlot missing");
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (window->SkipItems) return false;
  const ImVec2 available = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = available.x;
  if (size.y <= 0) size.y = available.y;
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  const ImRect frame(cursor, ImVec2(cursor.x + size.x, cursor.y + size.y));
  ImGui::PushID(title);
  const ImGuiID id = window->GetID("##plot");
  ImGui::InvisibleButton("##plot", size);
  const bool hovered = ImGui::IsItemHovered();
  ImGui::PopID();
  if (!ImGui::IsItemVisible()) return false;

  g_plot = Context();
  g_plot.open = true;
  g_plot.id = id;
  g_plot.title = std::string(title, ImGui::FindRenderedTextEnd(title));  // "Title###id": the ID stays out
  g_plot.flags = flags;
  g_plot.frame = frame;
  const float line_height = ImGui::GetTextLineHeight();
  // A title wider than the plot (a narrow column, a large UI scale) takes more lines, broken at its spaces.
  g_plot.title_lines.assign(1, std::string());
  for (std::size_t i = 0; i <= g_plot.title.size();) {
    const std::size_t space = std::min(g_plot.title.find(' ', i), g_plot.title.size());
    const std::string word = g_plot.title.substr(i, space - i);
    std::string& line = g_plot.title_lines.back();
    if (line.empty() || math_text_size((line + " " + word).c_str()).x <= size.x)
      line += (line.empty() ? "" : " ") + word;
    else
      g_plot.title_lines.push_back(word);
    i = space + 1;
  }
  const float title_h = line_height * static_cast<float>(g_plot.title_lines.size());
  const float left_margin = ImGui::CalcTextSize("-0.000").x + 10;
  g_plot.area = ImRect(ImVec2(frame.Min.x + left_margin, frame.Min.y + title_h + 8),
                       ImVec2(frame.Max.x - 8, frame.Max.y - line_height - 6));
  g_plot.hovered = hovered && g_plot.area.Contains(ImGui::GetIO().MousePos);
  const Memory& memory = g_memory[id];
  g_plot.x = {memory.x_min, memory.x_max};
  g_plot.y = {memory.y_min, memory.y_max};
  return true;
}

void SetupAxes(const char* x_label, const char* y_label, int flags) {
  g_plot.x_label = x_label ? x_label : "";
  g_plot.y_label = y_label ? y_label : "";
  g_plot.log_y = (flags & kLogY) != 0;
  g_plot.flags |= flags;
}

void SetupXLimits(double x_min, double x_max) {
  g_plot.x_fixed = true;
  g_plot.x = {x_min, x_max > x_min ? x_max : x_min + 1};
}

void SetupYLimits(double y_min, double y_max) {
  g_plot.y_fixed = true;
  g_plot.y = {to_axis_y(y_min), to_axis_y(y_max)};
  if (!(g_plot.y.span() > 0)) g_plot.y.max = g_plot.y.min + 1;
}

void SetupYPadding(double fraction) { g_plot.y_padding = fraction; }

namespace {

template <class T>
void add_line(const char* label, const T* xs, const T* ys, int count, ImU32 color, float thickness) {
  Series s;
  s.kind = SeriesKind::Line;
  s.label = label;
  s.xs.assign(xs, xs + std::max(0, count));
  s.ys.assign(ys, ys + std::max(0, count));
  s.color = color;
  s.thickness = thickness;
  g_plot.series.push_back(std::move(s));
}

}  // namespace

void Line(const char* label, const double* xs, const double* ys, int count, ImU32 color, float thickness) {
  add_line(label, xs, ys, count, color, thickness);
}

void Line(const char* label, const float* xs, const float* ys, int count, ImU32 color, float thickness) {
  add_line(label, xs, ys, count, color, thickness);
}

void Shaded(const char* label, const double* xs, const double* y_low, const double* y_high, int count, ImU32 color) {
  Series s;
  s.kind = SeriesKind::Shaded;
  s.label = label;
  s.xs.assign(xs, xs + std::max(0, count));
  s.ys.assign(y_low, y_low + std::max(0, count));
  s.ys_high.assign(y_high, y_high + std::max(0, count));
  s.color = color;
  g_plot.series.push_back(std::move(s));
}

void ShadeX(const char* label, double x0, double x1, ImU32 color) {
  Series s;
  s.kind = SeriesKind::ShadeX;
  s.label = label;
  s.x0 = x0;
  s.x1 = x1;
  s.color = color;
  g_plot.series.push_back(std::move(s));
}

void LineY(const char* label, double y, ImU32 color) {
  Series s;
  s.kind = SeriesKind::LineY;
  s.label = label;
  s.y = y;
  s.color = color;
  g_plot.series.push_back(std::move(s));
}

void LineX(const char* label, double x, ImU32 color, const char* note) {
  Series s;
  s.kind = SeriesKind::LineX;
  s.label = label;
  s.x0 = x;
  s.color = color;
  s.note = note ? note : "";
  g_plot.series.push_back(std::move(s));
}

void MarkerX(double x, const char* label) { g_plot.markers.push_back({x, label ? label : ""}); }

bool IsPlotHovered() { return g_plot.open && g_plot.hovered; }

ImVec2 MouseData() {
  use_known_limits();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  return ImVec2(static_cast<float>(data_x(mouse.x)), static_cast<float>(data_y(mouse.y)));
}

bool IsDragging() { return g_plot.open && g_memory[g_plot.id].active_drag >= 0; }

// ============================================================================================
// [SECTION] Drag points
// ============================================================================================

bool DragPoint(int id, double* x, double* y, ImU32 color, float radius_px) {
  use_known_limits();
  Memory& memory = g_memory[g_plot.id];
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 at(px_x(*x), px_y(*y));
  const float dx = io.MousePos.x - at.x, dy = io.MousePos.y - at.y;
  const float grab = (radius_px + 4) * ui_scale();
  const bool near = dx * dx + dy * dy <= grab * grab;
  if (memory.active_drag < 0 && near && g_plot.hovered && ImGui::IsMouseClicked(0)) memory.active_drag = id;
  bool changed = false;
  if (memory.active_drag == id) {
    if (ImGui::IsMouseDown(0)) {
      const ImVec2 mouse(std::clamp(io.MousePos.x, g_plot.area.Min.x, g_plot.area.Max.x),
                         std::clamp(io.MousePos.y, g_plot.area.Min.y, g_plot.area.Max.y));
      *x = data_x(mouse.x);
      *y = data_y(mouse.y);
      changed = true;
    } else {
      memory.active_drag = -1;
    }
  }
  if (near || memory.active_drag == id) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  g_plot.drags.push_back({*x, *y, color, radius_px, memory.active_drag == id || near});
  return changed;
}

// ============================================================================================
// [SECTION] End: drawing
// ============================================================================================

void EndPlot() {
  IM_ASSERT(g_plot.open && "BeginPlot missing");
  fit_axes();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImRect& a = g_plot.area;
  const float line_height = ImGui::GetTextLineHeight();

  // Title, then the legend on the same row; when the row is too narrow for the whole legend (a narrow
  // column, a large UI scale), the legend goes in a box inside the plot, in the corner its lines cross least.
  for (std::size_t i = 0; i < g_plot.title_lines.size(); ++i) {
    const char* line = g_plot.title_lines[i].c_str();
    draw_math_text(draw, ImVec2(g_plot.frame.Min.x, g_plot.frame.Min.y + line_height * i), colors::kText,
                   line);
    check_fits(math_text_size(line).x, g_plot.frame.GetWidth(), line);
  }
  std::vector<const Series*> legend;
  if (!(g_plot.flags & kNoLegend)) {
    // Lines first: they are what the plot is about; shaded regions after.
    for (int pass = 0; pass < 2; ++pass)
      for (const Series& s : g_plot.series) {
        const bool is_line = s.kind == SeriesKind::Line || s.kind == SeriesKind::LineY || s.kind == SeriesKind::LineX;
        if (s.in_legend() && is_line == (pass == 0)) legend.push_back(&s);
      }
  }
  const auto legend_key = [&](const Series& s, float x, float mid) {
    if (s.kind == SeriesKind::Line || s.kind == SeriesKind::LineY || s.kind == SeriesKind::LineX)
      draw->AddLine(ImVec2(x, mid), ImVec2(x + line_height, mid), s.color, 3.0f * ui_scale());
    else
      draw->AddRectFilled(ImVec2(x, mid - line_height * 0.3f),
                          ImVec2(x + line_height, mid + line_height * 0.3f), s.color | 0xFF000000u);
  };
  const float legend_x = g_plot.frame.Min.x + math_text_size(g_plot.title.c_str()).x + line_height * 1.2f;
  float row_end = legend_x;
  float widest = 0;
  for (const Series* s : legend) {
    const float label_width = math_text_size(s->label.c_str()).x;
    row_end += line_height * 1.3f + label_width + line_height;
    widest = std::max(widest, label_width);
  }
  const bool beside_title =
      g_plot.title_lines.size() == 1 && row_end - line_height * 0.9f <= g_plot.frame.Max.x;
  if (beside_title) {
    float x = legend_x;
    const float mid = g_plot.frame.Min.y + line_height * 0.5f;
    for (const Series* s : legend) {
      legend_key(*s, x, mid);
      x += line_height * 1.3f;
      draw_math_text(draw, ImVec2(x, g_plot.frame.Min.y), colors::kTextDim, s->label.c_str());
      x += math_text_size(s->label.c_str()).x + line_height;
    }
  }

  draw_axes(draw);
  draw->PushClipRect(a.Min, a.Max, true);
  if (!g_plot.y_label.empty())
    draw->AddText(ImVec2(a.Min.x + 4, a.Min.y + 2), colors::kTextDim, g_plot.y_label.c_str());

  std::vector<std::vector<ImVec2>> runs;
  for (const Series& s : g_plot.series) {
    switch (s.kind) {
      case SeriesKind::ShadeX:
        draw->AddRectFilled(ImVec2(px_x(s.x0), a.Min.y), ImVec2(px_x(s.x1), a.Max.y), s.color);
        break;
      case SeriesKind::LineY: {
        const float y = px_y(s.y);
        draw->AddLine(ImVec2(a.Min.x, y), ImVec2(a.Max.x, y), s.color, 1.5f * ui_scale());
        break;
      }
      case SeriesKind::LineX: {
        const float x = px_x(s.x0);
        if (x < a.Min.x || x > a.Max.x) break;
        draw->AddLine(ImVec2(x, a.Min.y), ImVec2(x, a.Max.y), s.color, 1.5f * ui_scale());
        if (!s.note.empty()) {
          // The note beside the line's foot (the legend may take the top corners), on the side with room.
          const ImVec2 size = ImGui::CalcTextSize(s.note.c_str());
          const float left = x + 4 + size.x <= a.Max.x ? x + 4 : x - 4 - size.x;
          draw->AddText(ImVec2(left, a.Max.y - size.y - 3), s.color, s.note.c_str());
        }
        break;
      }
      case SeriesKind::Shaded: {
        const std::size_t stride = std::max<std::size_t>(1, s.xs.size() / std::max(1.0f, a.GetWidth()));
        for (std::size_t i = 0; i + stride < s.xs.size(); i += stride) {
          const std::size_t j = i + stride;
          const double values[4] = {s.ys[i], s.ys_high[i], s.ys[j], s.ys_high[j]};
          bool ok = finite(s.xs[i]) && finite(s.xs[j]);
          for (double v : values) ok = ok && finite(to_axis_y(v));
          if (!ok) continue;
          const ImVec2 quad[4] = {ImVec2(px_x(s.xs[i]), px_y(s.ys[i])), ImVec2(px_x(s.xs[j]), px_y(s.ys[j])),
                                  ImVec2(px_x(s.xs[j]), px_y(s.ys_high[j])), ImVec2(px_x(s.xs[i]), px_y(s.ys_high[i]))};
          draw->AddConvexPolyFilled(quad, 4, s.color);
        }
        break;
      }
      case SeriesKind::Line:
        polyline_pixels(s.xs, s.ys, &runs);
        for (const auto& run : runs)
          draw->AddPolyline(run.data(), static_cast<int>(run.size()), s.color, 0, s.thickness * ui_scale());
        break;
    }
  }

  // The current-t marker. Its label sits in the x tick row, over the tick labels it hides, so it never
  // covers a curve (at t = 0 most curves start right under the top-left corner).
  for (const Marker& m : g_plot.markers) {
    if (m.x < g_plot.x.min || m.x > g_plot.x.max) continue;
    const float x = px_x(m.x);
    draw->AddLine(ImVec2(x, a.Min.y), ImVec2(x, a.Max.y), colors::kMarker, 2.0f * ui_scale());
    float left = 0, right = 0;
    if (marker_label_span(m, a, &left, &right)) {  // the tick labels under it were left out (draw_axes)
      // The tick row lies outside the plot area's clip rectangle, not outside the window's (a panel under
      // a scrolled plots column must not show it).
      const ImRect& window_clip = ImGui::GetCurrentWindow()->ClipRect;
      draw->PushClipRect(window_clip.Min, window_clip.Max, false);
      draw->AddText(ImVec2(left, a.Max.y + 3), colors::kMarker, m.label.c_str());
      draw->PopClipRect();
    }
  }

  for (const DragRecord& d : g_plot.drags) {
    const ImVec2 at(px_x(d.x), px_y(d.y));
    const float radius = d.radius * ui_scale() * (d.active ? 1.3f : 1.0f);
    draw->AddCircleFilled(at, radius, d.color);
    draw->AddCircle(at, radius, colors::kText, 0, 1.5f * ui_scale());
  }

  // The legend in a box, when it did not fit beside the title: in the corner of the plot that the fewest
  // points of its lines fall in, in smaller type (down to 70%) if the plot is narrower than the box.
  if (!beside_title && !legend.empty()) {
    const float pad = line_height * 0.3f;
    const ImVec2 full(widest + line_height * 1.3f + pad * 2, legend.size() * line_height + pad * 2);
    const float fit = std::min(1.0f, std::min(a.GetWidth() / full.x, a.GetHeight() / full.y));
    if (check_fits(full.x * 0.7f, a.GetWidth(), g_plot.title.c_str()) && fit >= 0.7f) {
      const ImVec2 box(full.x * fit, full.y * fit);
      ImVec2 best = a.Min;
      int fewest = -1;
      for (const ImVec2 corner :
           {ImVec2(a.Max.x - box.x, a.Min.y), ImVec2(a.Min.x, a.Min.y),
            ImVec2(a.Max.x - box.x, a.Max.y - box.y), ImVec2(a.Min.x, a.Max.y - box.y)}) {
        int count = 0;
        for (const Series& s : g_plot.series) {
          if (s.kind != SeriesKind::Line) continue;
          for (std::size_t i = 0; i < s.xs.size() && i < s.ys.size(); ++i) {
            const float x = px_x(s.xs[i]), y = px_y(s.ys[i]);
            count += x >= corner.x && x <= corner.x + box.x && y >= corner.y && y <= corner.y + box.y;
          }
        }
        if (fewest < 0 || count < fewest) {
          fewest = count;
          best = corner;
        }
      }
      draw->AddRectFilled(best, ImVec2(best.x + box.x, best.y + box.y), colors::label_box(215),
                          3.0f * ui_scale());
      ImGui::SetWindowFontScale(fit);
      const float line = line_height * fit;
      float y = best.y + pad * fit;
      for (const Series* s : legend) {
        const float x = best.x + pad * fit, mid = y + line * 0.5f;
        if (s->kind == SeriesKind::Line || s->kind == SeriesKind::LineY || s->kind == SeriesKind::LineX)
          draw->AddLine(ImVec2(x, mid), ImVec2(x + line, mid), s->color, 3.0f * ui_scale());
        else
          draw->AddRectFilled(ImVec2(x, mid - line * 0.3f), ImVec2(x + line, mid + line * 0.3f),
                              s->color | 0xFF000000u);
        draw_math_text(draw, ImVec2(x + line * 1.3f, y), colors::kTextDim, s->label.c_str());
        y += line;
      }
      ImGui::SetWindowFontScale(1.0f);
    }
  }

  // Hover read-out: a crosshair, a dot on each line, and a tooltip with the values.
  const bool dragging = g_memory[g_plot.id].active_drag >= 0;
  if (g_plot.hovered && !dragging && !(g_plot.flags & kNoHover)) {
    const double mx = data_x(ImGui::GetIO().MousePos.x);
    bool any = false;
    double x_shown = mx;
    for (const Series& s : g_plot.series) {
      if (s.kind != SeriesKind::Line) continue;
      const int i = nearest_index(s.xs, mx);
      if (i < 0) continue;
      if (!any) x_shown = s.xs[i];
      any = true;
    }
    if (any) {
      const float x = px_x(x_shown);
      draw->AddLine(ImVec2(x, a.Min.y), ImVec2(x, a.Max.y), IM_COL32(255, 255, 255, 90));
      ImGui::BeginTooltip();
      char text[64];
      if (g_plot.flags & kIntegerX)
        std::snprintf(text, sizeof text, "%s = %lld", g_plot.x_label.empty() ? "x" : g_plot.x_label.c_str(),
                      static_cast<long long>(std::llround(x_shown)));
      else {
        FormatValue(x_shown, text, sizeof text, 5);
        ImGui::TextUnformatted((g_plot.x_label.empty() ? std::string("x") : g_plot.x_label).c_str());
        ImGui::SameLine(0, 0);
        ImGui::Text(" = %s", text);
        text[0] = 0;
      }
      if (text[0]) ImGui::TextUnformatted(text);
      for (const Series& s : g_plot.series) {
        if (s.kind != SeriesKind::Line) continue;
        const int i = nearest_index(s.xs, x_shown);
        if (i < 0) continue;
        if (finite(to_axis_y(s.ys[i]))) draw->AddCircleFilled(ImVec2(px_x(s.xs[i]), px_y(s.ys[i])), 4.0f * ui_scale(), s.color);
        FormatValue(s.ys[i], text, sizeof text, 5);
        math_text(s.in_legend() ? s.label.c_str() : "y", s.color);
        ImGui::SameLine();
        ImGui::Text("%s", text);
      }
      ImGui::EndTooltip();
    }
  }
  draw->PopClipRect();
  g_last_title_row = ImRect(g_plot.frame.Min, ImVec2(g_plot.frame.Max.x, g_plot.area.Min.y));
  g_plot.open = false;
}

void TitleHelp(const char* text) {
  if (!ImGui::IsWindowHovered() || !g_last_title_row.Contains(ImGui::GetIO().MousePos)) return;
  ImGui::BeginTooltip();
  math_text_wrapped(text, 0, " ", ImGui::GetFontSize() * 26.0f);
  ImGui::EndTooltip();
}

}  // namespace dlab::gui::plot
