// The 2D canvas: layer toggles, the GL image (heat maps, grid, data, points), and over it the
// trajectories, the eps_hat field, the followed point with its arrows, axis labels and a legend.
// Mouse: click a point to follow it (or place points in drawing mode), drag to pan, wheel to zoom,
// double-click to reset the view.
//
// [SECTION] Helpers
// [SECTION] Layers drawn with GL
// [SECTION] Overlays drawn with ImGui
// [SECTION] Mouse
// [SECTION] Panel
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <imgui_internal.h>  // ImRect

#include "app/gui/panels/panels.h"
#include "app/gui/render/canvas_renderer.h"
#include "app/gui/state/controls.h"
#include "app/gui/state/i18n.h"
#include "app/gui/views/points/lab.h"
#include "core/point_statistics.h"

namespace dlab::gui {

namespace {

// ============================================================================================
// [SECTION] Helpers
// ============================================================================================

float nice_step(float span, float target) {
  const float raw = span / std::max(1.0f, target);
  const float magnitude = std::pow(10.0f, std::floor(std::log10(raw)));
  const float residual = raw / magnitude;
  return (residual < 1.5f ? 1.0f : residual < 3.5f ? 2.0f : residual < 7.5f ? 5.0f : 10.0f) * magnitude;
}

DataBox visible_box(const CanvasView& view) {
  return {view.center_x - view.half_width(), view.center_y - view.half_height, view.center_x + view.half_width(),
          view.center_y + view.half_height};
}

ImU32 with_alpha(ImU32 color, float alpha) {
  return colors::with_opacity(color, static_cast<int>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f));
}

// The colour maps of shaders/heatmap.frag, for the legends' colour bars.
ImU32 colormap(int which, float x) {
  static const float viridis[5][3] = {{0.267f, 0.005f, 0.329f}, {0.229f, 0.322f, 0.546f}, {0.128f, 0.567f, 0.551f},
                                      {0.369f, 0.789f, 0.383f}, {0.993f, 0.906f, 0.144f}};
  static const float inferno[5][3] = {{0.001f, 0.000f, 0.014f}, {0.341f, 0.062f, 0.429f}, {0.735f, 0.216f, 0.330f},
                                      {0.978f, 0.557f, 0.035f}, {0.988f, 0.998f, 0.645f}};
  const auto& stops = which == 0 ? viridis : inferno;
  const float s = std::clamp(x, 0.0f, 1.0f) * 4.0f;
  const int i = std::min(3, static_cast<int>(s));
  const float f = s - i;
  return ImGui::ColorConvertFloat4ToU32(ImVec4(stops[i][0] + (stops[i + 1][0] - stops[i][0]) * f,
                                               stops[i][1] + (stops[i + 1][1] - stops[i][1]) * f,
                                               stops[i][2] + (stops[i + 1][2] - stops[i][2]) * f, 1.0f));
}

// A colour bar with a caption and the values at both ends.
void color_bar(ImDrawList* draw, ImVec2 at, float width, float scale, int which, const char* caption, const char* low,
               const char* high) {
  const float height = 10 * scale, line = ImGui::GetTextLineHeight();
  draw->AddRectFilled(ImVec2(at.x - 6 * scale, at.y - line - 4 * scale),
                      ImVec2(at.x + width + 6 * scale, at.y + height + line + 4 * scale), colors::label_box(200),
                      4 * scale);
  draw->AddText(ImVec2(at.x, at.y - line - 2 * scale), colors::kText, caption);
  const int segments = 24;
  for (int i = 0; i < segments; ++i) {
    const float x0 = at.x + width * i / segments, x1 = at.x + width * (i + 1) / segments;
    draw->AddRectFilledMultiColor(ImVec2(x0, at.y), ImVec2(x1, at.y + height), colormap(which, i / float(segments)),
                                  colormap(which, (i + 1) / float(segments)), colormap(which, (i + 1) / float(segments)),
                                  colormap(which, i / float(segments)));
  }
  draw->AddText(ImVec2(at.x, at.y + height + 1), colors::kTextDim, low);
  draw->AddText(ImVec2(at.x + width - ImGui::CalcTextSize(high).x, at.y + height + 1), colors::kTextDim, high);
}

void arrow(ImDrawList* draw, ImVec2 from, ImVec2 to, ImU32 color, float thickness) {
  const float dx = to.x - from.x, dy = to.y - from.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  if (length < 1.0f) return;
  const float ux = dx / length, uy = dy / length;
  const float head = std::min(length * 0.45f, 4.0f + 3.0f * thickness);
  const ImVec2 base(to.x - ux * head, to.y - uy * head);
  draw->AddLine(from, base, color, thickness);
  draw->AddTriangleFilled(to, ImVec2(base.x - uy * head * 0.5f, base.y + ux * head * 0.5f),
                          ImVec2(base.x + uy * head * 0.5f, base.y - ux * head * 0.5f), color);
}

// ============================================================================================
// [SECTION] Layers drawn with GL
// ============================================================================================

// A read-out in a dark box whose right edge is at `right` and bottom at `bottom`, in smaller type (down to 70%
// of the font) when `text`, already broken into lines, is wider than `room`. Returns the box's text height.
float corner_readout(ImDrawList* draw, const std::string& text, float room, float right, float bottom, ImU32 color,
                     float s, const char* what) {
  float font_size = ImGui::GetFontSize();
  ImVec2 size = ImGui::CalcTextSize(text.c_str());
  if (size.x > room) {
    font_size *= std::max(0.7f, room / size.x);
    size = ImGui::GetFont()->CalcTextSizeA(font_size, FLT_MAX, 0.0f, text.c_str());
  }
  check_fits(size.x, room, what);
  const ImVec2 at(right - size.x, bottom - size.y);
  draw->AddRectFilled(ImVec2(at.x - 6 * s, at.y - 3 * s), ImVec2(at.x + size.x + 6 * s, at.y + size.y + 3 * s),
                      colors::label_box(190), 4 * s);
  draw->AddText(ImGui::GetFont(), font_size, at, color, text.c_str());
  return size.y;
}

// Grid lines at "nice" data coordinates; the axes x = 0 and y = 0 brighter.
std::vector<LineVertex> grid_lines(const CanvasView& view) {
  const DataBox box = visible_box(view);
  std::vector<LineVertex> lines;
  const float step = nice_step(2 * view.half_height, 8);
  const ImU32 grid_color = colors::kCanvasGrid, axis_color = colors::kCanvasAxis;
  for (float x = std::ceil(box.min_x / step) * step; x <= box.max_x; x += step) {
    const ImU32 c = std::abs(x) < step * 1e-3f ? axis_color : grid_color;
    lines.push_back({x, box.min_y, c});
    lines.push_back({x, box.max_y, c});
  }
  for (float y = std::ceil(box.min_y / step) * step; y <= box.max_y; y += step) {
    const ImU32 c = std::abs(y) < step * 1e-3f ? axis_color : grid_color;
    lines.push_back({box.min_x, y, c});
    lines.push_back({box.max_x, y, c});
  }
  return lines;
}

void draw_data_points(PanelContext& context, float radius) {
  const auto& data = context.lab->data_points();
  // Data with classes (the Latent view's codes): each point in its class's colour, dimmed.
  const bool by_class = !context.lab->data_labels().empty() && context.lab->data_colors().size() == data.size() / 2;
  context.renderer->draw_points(data.data(), by_class ? context.lab->data_colors().data() : nullptr,
                                static_cast<int>(data.size() / 2), radius * 0.9f, colors::kData,
                                by_class ? colors::with_opacity(colors::kOriginTint, 110) : IM_COL32(255, 255, 255, 90));
}

void draw_gl_layers(PanelContext& context, const CanvasView& view) {
  Scene& state = context.state;
  Lab& lab = *context.lab;
  CanvasRenderer& renderer = *context.renderer;
  const DataBox box = visible_box(view);
  const float radius = state.view.point_radius * context.ui_scale;
  const bool heat_maps = state.layers.density || (state.layers.score_error && lab.data_is_mixture());

  if (heat_maps) {
    // Heat maps go under everything: draw the whole stack.
    renderer.begin(view, colors::kCanvas);
    const int resolution = std::clamp(view.width_px / 5, 48, 160);
    if (state.layers.density) renderer.draw_heatmap(lab.density(box, resolution), 0, 0.6f);
    // Finer than the density (a cell of 3 pixels): at half the density's resolution the error's sharp edges
    // between the modes at small t came out as stairs (issue 14).
    if (state.layers.score_error)
      renderer.draw_heatmap(lab.score_error(box, std::clamp(view.width_px / 3, 48, 256)), 1, 0.85f);
    renderer.draw_lines(grid_lines(view));
    if (state.layers.data) draw_data_points(context, radius);
  } else {
    // The grid and the data do not move while playing: keep them in a cached background.
    std::uint64_t key = lab.data_version() * 1000003ull;
    for (float v : {view.center_x, view.center_y, view.half_height, radius})
      key = key * 31 + std::hash<float>()(v);
    key = key * 2 + (state.layers.data ? 1 : 0);
    if (renderer.begin_background(view, colors::kCanvas, key)) {
      renderer.draw_lines(grid_lines(view));
      if (state.layers.data) draw_data_points(context, radius);
      renderer.end_background();
    }
    renderer.begin(view, colors::kCanvas);
    renderer.blit_background();
  }

  const auto& comparison = lab.comparison_points();
  if (!comparison.empty())
    renderer.draw_points(comparison.data(), nullptr, static_cast<int>(comparison.size() / 2), radius * 0.8f,
                         colors::kComparison, IM_COL32(255, 255, 255, 150));
  if (state.layers.points) {
    const auto& points = lab.current_points();
    const auto& point_colors = lab.point_colors();
    // Coloured by origin: the light palette darkens the bright hues (kOriginTint) so they read on white.
    const ImU32 tint = point_colors.empty() ? IM_COL32(255, 255, 255, 235) : colors::with_opacity(colors::kOriginTint, 235);
    renderer.draw_points(points.data(), point_colors.empty() ? nullptr : point_colors.data(),
                         static_cast<int>(points.size() / 2), radius, colors::kPoints, tint);
  }
  renderer.end();
}

// ============================================================================================
// [SECTION] Overlays drawn with ImGui
// ============================================================================================

void draw_overlays(PanelContext& context, const CanvasView& view, ImVec2 origin) {
  Scene& state = context.state;
  Lab& lab = *context.lab;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const auto px = [&](float x, float y) {
    const ImVec2 p = view.to_pixels(x, y);
    return ImVec2(origin.x + p.x, origin.y + p.y);
  };
  const float s = context.ui_scale;

  if (state.layers.trajectories) {
    std::vector<float> xy;
    std::vector<int> indices;
    int paths = 0, length = 0;
    lab.trajectories(150, 160, &xy, &paths, &length, &indices);
    const auto& point_colors = lab.point_colors();
    std::vector<ImVec2> line(static_cast<std::size_t>(length));
    for (int p = 0; p < paths; ++p) {
      for (int j = 0; j < length; ++j) line[j] = px(xy[(static_cast<std::size_t>(p) * length + j) * 2],
                                                     xy[(static_cast<std::size_t>(p) * length + j) * 2 + 1]);
      // Each path in its point's colour, faint, so the bundle of paths stays readable.
      const std::size_t index = static_cast<std::size_t>(indices[p]);
      const ImU32 color = index < point_colors.size() ? colors::multiply(point_colors[index], colors::kOriginTint)
                                                      : colors::kPath;
      draw->AddPolyline(line.data(), length, with_alpha(color, 0.3f), 0, 1.2f * s);
    }
  }

  if (state.layers.field) {
    const ArrowField& field = lab.eps_field(visible_box(view), std::clamp(view.width_px / static_cast<int>(34 * s), 8, 40));
    for (std::size_t i = 0; i < field.strength.size(); ++i) {
      const ImVec2 from = px(field.origins[2 * i], field.origins[2 * i + 1]);
      const ImVec2 to = px(field.origins[2 * i] + field.vectors[2 * i], field.origins[2 * i + 1] + field.vectors[2 * i + 1]);
      arrow(draw, from, to, with_alpha(colors::kField, 0.35f + 0.6f * field.strength[i]), 1.3f * s);
    }
  }

  // The followed point: its path, where it came from (or goes), and the model's eps_hat and x0_hat. Arrows thick
  // enough for a lecture hall; every label on a dark box, beyond the tip of its arrow, moved off the labels
  // already placed and off the point itself (issue 14: x0_hat, eps_hat/2 and #id piled up on the point).
  if (state.followed_point >= 0) {
    const FollowInfo follow = lab.follow(state.followed_point);
    if (follow.valid) {
      std::vector<ImVec2> path;
      for (std::size_t i = 0; i + 1 < follow.path.size(); i += 2) path.push_back(px(follow.path[i], follow.path[i + 1]));
      if (path.size() > 1)
        draw->AddPolyline(path.data(), static_cast<int>(path.size()), colors::with_opacity(colors::kFollowPath, 150), 0,
                          2.0f * s);
      const ImVec2 at = px(follow.position[0], follow.position[1]);
      std::vector<ImRect> placed{ImRect(ImVec2(at.x - 12 * s, at.y - 12 * s), ImVec2(at.x + 12 * s, at.y + 12 * s))};
      const auto place_label = [&](ImVec2 anchor, ImVec2 direction, ImU32 color, const std::string& text) {
        const ImVec2 size = ImGui::CalcTextSize(text.c_str());
        const float pad = 3 * s, length = std::sqrt(direction.x * direction.x + direction.y * direction.y);
        const ImVec2 d = length > 0 ? ImVec2(direction.x / length, direction.y / length) : ImVec2(0.7f, -0.7f);
        ImVec2 p(anchor.x + d.x * 10 * s - (d.x < -0.3f ? size.x : d.x > 0.3f ? 0.0f : size.x * 0.5f),
                 anchor.y + d.y * 10 * s - (d.y < -0.3f ? size.y : d.y > 0.3f ? 0.0f : size.y * 0.5f));
        for (int attempt = 0; attempt < 8; ++attempt) {
          const ImRect box(ImVec2(p.x - pad, p.y - pad), ImVec2(p.x + size.x + pad, p.y + size.y + pad));
          bool overlaps = false;
          for (const ImRect& other : placed) overlaps = overlaps || other.Overlaps(box);
          if (!overlaps) break;
          p.y += (attempt % 2 == 0 ? 1.0f : -1.0f) * (attempt / 2 + 1) * (size.y + 2 * pad);
        }
        const ImRect box(ImVec2(p.x - pad, p.y - pad), ImVec2(p.x + size.x + pad, p.y + size.y + pad));
        draw->AddRectFilled(box.Min, box.Max, colors::label_box(225), 3 * s);
        draw->AddText(p, color, text.c_str());
        placed.push_back(box);
      };
      if (follow.has_origin) {
        const ImVec2 o = px(follow.origin[0], follow.origin[1]);
        draw->AddCircle(o, 7 * s, IM_COL32(255, 255, 255, 255), 0, 3.5f * s);  // a white ring reads on any colour
        draw->AddCircle(o, 7 * s, colors::kData, 0, 2 * s);
        place_label(o, ImVec2(o.x - at.x, o.y - at.y), colors::kText,
                    state.playback.mode == LabMode::Forward ? "x\u2080" : tr("x\u2080 (end)"));
      }
      ImVec2 mean_direction(0, 0);
      if (follow.has_prediction) {
        // x0_hat where the model thinks x_t came from (a position: drawn where it is); eps_hat a vector, drawn
        // at a scale (1, 1/2 or 1/4) that makes it about 90 px long, and the scale says so.
        const ImVec2 x0_end = px(follow.x0_hat[0], follow.x0_hat[1]);
        const ImVec2 unit = px(follow.position[0] + follow.eps_hat[0], follow.position[1] + follow.eps_hat[1]);
        const float full = std::sqrt((unit.x - at.x) * (unit.x - at.x) + (unit.y - at.y) * (unit.y - at.y));
        const float scale = full > 270 * s ? 0.25f : full > 135 * s ? 0.5f : 1.0f;
        const ImVec2 eps_end(at.x + (unit.x - at.x) * scale, at.y + (unit.y - at.y) * scale);
        arrow(draw, at, x0_end, colors::kX0Hat, 3.5f * s);
        arrow(draw, at, eps_end, colors::kEps, 3.5f * s);
        place_label(x0_end, ImVec2(x0_end.x - at.x, x0_end.y - at.y), colors::kX0Hat, "x\u0302\u2080");
        place_label(eps_end, ImVec2(eps_end.x - at.x, eps_end.y - at.y), colors::kEps,
                    scale == 1.0f ? std::string("\u03b5\u0302") : scale == 0.5f ? "\u03b5\u0302 / 2" : "\u03b5\u0302 / 4");
        mean_direction = ImVec2(x0_end.x + eps_end.x - 2 * at.x, x0_end.y + eps_end.y - 2 * at.y);
      }
      draw->AddCircle(at, 9 * s, colors::kMarker, 0, 3.0f * s);
      char label[32];
      std::snprintf(label, sizeof label, "#%d", follow.index);
      // The point's name on the side away from its arrows.
      place_label(at, ImVec2(-mean_direction.x, -mean_direction.y - 1.0f), colors::kMarker, label);
    }
  }

  // Axis labels along the left and bottom edges.
  const DataBox box = visible_box(view);
  const float step = nice_step(2 * view.half_height, 8);
  char text[32];
  // A label is left out where it would touch the one before it (a large UI scale): an x label the x label at
  // its left, a y label the row of x labels or the y label under it.
  float free_from = -INFINITY;
  for (float x = std::ceil(box.min_x / step) * step; x <= box.max_x; x += step) {
    std::snprintf(text, sizeof text, "%g", std::abs(x) < step * 1e-3f ? 0.0f : x);
    const ImVec2 p = px(x, box.min_y);
    if (p.x + 3 < free_from) continue;
    draw->AddText(ImVec2(p.x + 3, p.y - ImGui::GetTextLineHeight() - 2), colors::kTextDim, text);
    free_from = p.x + 3 + ImGui::CalcTextSize(text).x + ImGui::GetFontSize() * 0.6f;
  }
  const float label_h = ImGui::GetTextLineHeight();
  float free_below = origin.y + view.height_px - label_h - 2;  // the top of the x labels' row
  for (float y = std::ceil(box.min_y / step) * step; y <= box.max_y; y += step) {
    std::snprintf(text, sizeof text, "%g", std::abs(y) < step * 1e-3f ? 0.0f : y);
    const ImVec2 p = px(box.min_x, y);
    // Above its grid line, or below it where the canvas's top edge would cut it (issue 14: the top "3").
    const float above = p.y - label_h - 1;
    const float top = above < origin.y ? p.y + 1 : above;
    if (top + label_h > free_below) continue;
    draw->AddText(ImVec2(p.x + 3, top), colors::kTextDim, text);
    free_below = top;
  }

  // Legend, in the top corner with fewer points under it, and as small as it must be to stay off the data:
  // its box fits its text; at a large UI scale the colour note goes, then the words (x0 and xt stay).
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const bool comparing = !lab.comparison_points().empty();
  const std::string points_label = format_text(tr("x\u209c  at t = %d"), context.shown_t);
  // Data with classes (the Latent view's codes) are coloured by class, the data dimmed and the points bright.
  const bool by_class = !lab.data_labels().empty();
  const std::string note = lab.point_colors().empty() ? ""
                           : std::string("  ") + (by_class ? tr("(colour: class)") : tr("(colour: origin)"));
  const std::string comparison_label = (state.playback.forward_mode == ForwardMode::Chain)
                                           ? tr("x\u209c by the closed form")
                                           : tr("x\u209c by the chain");
  const ImU32 comparison_color = colors::with_opacity(colors::kComparison, 160);
  for (int compact = 0; compact < 3; ++compact) {
    // 0: every word; 1: without the colour note; 2: the symbols on one line.
    std::vector<std::pair<ImU32, std::string>> entries;
    if (state.layers.data)
      entries.emplace_back(with_alpha(by_class ? colors::kTextDim : colors::kData, 0.6f),
                           compact < 2 ? (by_class ? tr("x\u2080  data, dimmed") : tr("x\u2080  data")) : "x\u2080");
    if (state.layers.points)
      entries.emplace_back(by_class && !lab.point_colors().empty() ? colors::kText : colors::kPoints,
                           compact == 0   ? points_label + note
                                            : compact == 1 ? points_label
                                                           : "x\u209c");
    if (comparing) entries.emplace_back(comparison_color, comparison_label);
    if (entries.empty()) break;
    const bool one_line = compact == 2 && !comparing;
    float text_w = 0;
    for (const auto& entry : entries) {
      const float w = ImGui::CalcTextSize(entry.second.c_str()).x + 15 * s;
      text_w = one_line ? text_w + w + (text_w > 0 ? 12 * s : 0) : std::max(text_w, w);
    }
    const ImVec2 box(text_w + 14 * s, (one_line ? line : line * entries.size()) + 6 * s);
    if (compact < 2 && box.x > view.width_px * 0.34f) continue;
    check_fits(box.x, view.width_px - 8 * s, "legend");
    // The top-left or the top-right corner, whichever covers fewer of the points shown.
    const auto covered = [&](float left) {
      const auto& xy = lab.current_points();
      int count = 0;
      for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
        const ImVec2 p = view.to_pixels(xy[i], xy[i + 1]);
        count += p.x >= left && p.x <= left + box.x && p.y >= 4 * s && p.y <= 4 * s + box.y;
      }
      return count;
    };
    const float right = view.width_px - box.x - 4 * s;
    const float left = covered(4 * s) <= covered(right) ? 4 * s : right;
    ImVec2 cursor(origin.x + left + 6 * s, origin.y + 8 * s);
    draw->AddRectFilled(ImVec2(origin.x + left, origin.y + 4 * s),
                        ImVec2(origin.x + left + box.x, origin.y + 4 * s + box.y), colors::label_box(170),
                        4 * s);
    for (const auto& [color, label] : entries) {
      draw->AddCircleFilled(ImVec2(cursor.x + 5 * s, cursor.y + line * 0.45f), 5 * s, color);
      draw->AddText(ImVec2(cursor.x + 15 * s, cursor.y), colors::kText, label.c_str());
      if (one_line)
        cursor.x += ImGui::CalcTextSize(label.c_str()).x + 27 * s;
      else
        cursor.y += line;
    }
    break;
  }

  // Colour bars of the heat maps, bottom left above the axis labels.
  {
    const float width = 170 * s;
    float bottom = origin.y + view.height_px - 3.6f * ImGui::GetTextLineHeight();
    const ImVec2 left(origin.x + 12 * s, 0);
    if (state.layers.score_error && lab.data_is_mixture() && lab.has_model()) {
      char high[32];
      std::snprintf(high, sizeof high, "\u2265 %.1f", kScoreErrorScale);
      color_bar(draw, ImVec2(left.x, bottom - 10 * s), width, s, 1, tr("|\u03b5_\u03b8 \u2212 \u03b5*|  model error"), "0", high);
      bottom -= 2 * ImGui::GetTextLineHeight() + 24 * s;
      if (lab.model_is_exact()) {
        // The map is blank for a reason: say it (issue 14).
        const char* note = tr("Error 0 everywhere: this is the exact model (\u03b5\u0302 = \u03b5*).");
        const ImVec2 size = ImGui::CalcTextSize(note);
        const ImVec2 at(left.x, bottom - size.y);
        draw->AddRectFilled(ImVec2(at.x - 4 * s, at.y - 2 * s), ImVec2(at.x + size.x + 4 * s, at.y + size.y + 2 * s),
                            colors::label_box(210), 3 * s);
        draw->AddText(at, colors::kText, note);
        bottom -= size.y + 8 * s;
      }
    }
    if (state.layers.density)
      color_bar(draw, ImVec2(left.x, bottom - 10 * s), width, s, 0,
                lab.data_is_mixture() ? tr("q(x\u209c), exact") : tr("q(x\u209c), histogram"), "0",
                tr("max (\u221a scale)"));
  }

  // Statistics of x_t, bottom right above the axis labels: is it N(0, I) yet? With the comparison on,
  // one line per method.
  std::vector<std::pair<std::string, PointStats>> rows;
  const PointStats stats = lab.stats();
  const bool chain = state.playback.forward_mode == ForwardMode::Chain;
  if (stats.n > 0) rows.emplace_back(comparing ? (chain ? tr("chain") : tr("closed form")) : "", stats);
  if (comparing) rows.emplace_back(chain ? tr("closed form") : tr("chain"), lab.comparison_stats());
  float bottom = origin.y + view.height_px - ImGui::GetTextLineHeight() - 10 * s;
  const float room = view.width_px - 30 * s, right = origin.x + view.width_px - 10 * s;
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
    const PointStats& st = row->second;
    std::string line_text =
        (row->first.empty() ? std::string() : row->first + ":  ") +
        format_text(tr("mean (%.2f, %.2f)   cov [[%.2f, %.2f], [%.2f, %.2f]]"), st.mean[0], st.mean[1],
                    st.cov[0][0], st.cov[0][1], st.cov[1][0], st.cov[1][1]);
    // Too wide for the canvas (a large UI scale): the mean over the covariance, broken at the gap.
    const std::size_t gap = line_text.rfind("   ");
    if (ImGui::CalcTextSize(line_text.c_str()).x > room && gap != std::string::npos)
      line_text.replace(gap, 3, "\n");
    // Still too wide: the covariance's rows on lines of their own.
    const std::size_t rows_gap = line_text.find("], [");
    if (ImGui::CalcTextSize(line_text.c_str()).x > room && rows_gap != std::string::npos)
      line_text.replace(rows_gap, 4, "],\n[");
    bottom -= corner_readout(draw, line_text, room, right, bottom, colors::kTextDim, s, "mean/cov") + 6 * s;
  }
  // At t = T (forward at the end, reverse at the start): is x_T the N(0, I) that sampling starts from? The
  // prior term L_T per dimension (Lab::prior_kl), as in the schedule editor.
  if (context.shown_t == context.schedule.timesteps()) {
    const double kl = lab.prior_kl();
    const bool gaussian = kl < 1e-3;
    std::string text =
        format_text(gaussian ? tr("x_T is N(0, I): KL = %.2g nats/dim") : tr("x_T is NOT N(0, I): KL = %.2g nats/dim"), kl);
    // Too wide for the canvas (a large UI scale): two lines at the colon, then smaller type, as the mean/cov.
    const std::size_t colon = text.find(": ");
    if (ImGui::CalcTextSize(text.c_str()).x > room && colon != std::string::npos) text.replace(colon, 2, ":\n");
    corner_readout(draw, text, room, right, bottom,
                   gaussian ? colors::kGood : colors::kBad, s, "prior KL");
  }
}

// ============================================================================================
// [SECTION] Mouse
// ============================================================================================

void handle_mouse(PanelContext& context, CanvasView& view, ImVec2 origin) {
  Scene& state = context.state;
  ImGuiIO& io = ImGui::GetIO();
  const bool hovered = ImGui::IsItemHovered();
  const float mx = io.MousePos.x - origin.x, my = io.MousePos.y - origin.y;
  float data_x = 0, data_y = 0;
  view.to_data(mx, my, &data_x, &data_y);
  if (state.view.half_height <= 0 && hovered && (io.MouseWheel != 0 || ImGui::IsItemActive())) {
    // The fitted view becomes the user's, to pan or zoom from.
    state.view.center_x = view.center_x;
    state.view.center_y = view.center_y;
    state.view.half_height = view.half_height;
  }

  if (hovered && io.MouseWheel != 0) {
    // Zoom about the mouse: the data point under it stays under it.
    const float factor = std::pow(0.85f, io.MouseWheel);
    const float new_half = std::clamp(state.view.half_height * factor, 0.05f, 1000.0f);
    const float ratio = new_half / state.view.half_height;
    state.view.center_x = data_x + (state.view.center_x - data_x) * ratio;
    state.view.center_y = data_y + (state.view.center_y - data_y) * ratio;
    state.view.half_height = new_half;
  }
  if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(0, 4.0f) || ImGui::IsMouseDragging(1, 2.0f) ||
                                ImGui::IsMouseDragging(2, 2.0f)) && !state.drawing) {
    state.view.center_x -= io.MouseDelta.x / view.pixels_per_unit();
    state.view.center_y += io.MouseDelta.y / view.pixels_per_unit();
  }
  if (hovered && ImGui::IsMouseDoubleClicked(0) && !state.drawing) {
    state.view.center_x = state.view.center_y = 0;
    state.view.half_height = ViewState().half_height;
  }
  if (hovered && state.drawing && ImGui::IsMouseDown(0)) {
    // Place points along the stroke, one per few pixels.
    auto& drawn = state.data.drawn_points;
    const float spacing = 6.0f / view.pixels_per_unit();
    const bool far_enough = drawn.size() < 2 || std::hypot(drawn[drawn.size() - 2] - data_x, drawn.back() - data_y) > spacing;
    if (ImGui::IsMouseClicked(0) || far_enough) {
      drawn.push_back(data_x);
      drawn.push_back(data_y);
      state.data.origin = DataOrigin::Drawn;
    }
  } else if (hovered && !state.drawing && ImGui::IsMouseReleased(0) && io.MouseDragMaxDistanceSqr[0] < 16.0f) {
    // A click (not in draw mode, where clicks only draw): follow the nearest point within 12 pixels, or stop.
    const int index = context.lab->nearest_point(data_x, data_y, 12.0f * context.ui_scale / view.pixels_per_unit());
    state.followed_point = index;
  }
  if (hovered) {
    // The mouse's data coordinates, quietly in the bottom-left corner (a tooltip would cover the points).
    // Right of the y axis's tick labels, on a dark box (it used to sit on the "-3" tick).
    char text[48];
    std::snprintf(text, sizeof text, "(%.2f, %.2f)", data_x, data_y);
    const float s = context.ui_scale;
    const ImVec2 at(origin.x + ImGui::CalcTextSize("-00.0").x + 14 * s,
                    origin.y + view.height_px - 2.2f * ImGui::GetTextLineHeight());
    const ImVec2 size = ImGui::CalcTextSize(text);
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x - 4 * s, at.y - 2 * s),
                                              ImVec2(at.x + size.x + 4 * s, at.y + size.y + 2 * s),
                                              colors::label_box(200), 3 * s);
    ImGui::GetWindowDrawList()->AddText(at, colors::kText, text);
  }
}

}  // namespace

// ============================================================================================
// [SECTION] Panel
// ============================================================================================

void panel_canvas(PanelContext& context, const PanelRect& rect, const CanvasExtras* extras) {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const bool open = begin_panel("Canvas", rect, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  if (!open || !context.lab || !context.renderer) {
    ImGui::End();
    return;
  }
  Scene& state = context.state;
  Layers& layers = state.layers;

  // Layer toggles, GAN Lab style (not in presenter mode: the canvas is the slide; nor in a picture for print,
  // the only frames drawn in the light palette: check boxes mean nothing on paper): a row above the canvas
  // when they fit in one; otherwise (a large UI scale for the window) more rows, or columns at its right
  // so that the canvas keeps its height, whichever leaves the data more room.
  ImVec2 top_left = ImGui::GetCursorScreenPos();
  ImVec2 available = ImGui::GetContentRegionAvail();
  if (!context.presenter && current_palette() != Palette::Light) {
    struct Toggle {
      std::string label;
      bool* value;
      const char* tip;
      bool enabled;
    };
    const Toggle toggles[] = {
        {ui_label(tr("Data"), "layer_data"), &layers.data,
         tr("x\u2080: the clean data points, dimmed, under everything."), true},
        {ui_label(tr("Points"), "layer_points"), &layers.points,
         tr("x\u209c: the points at the current timestep, coloured by where they start (forward) or end "
            "(reverse)."),
         true},
        {ui_label(tr("Paths"), "layer_paths"), &layers.trajectories,
         tr("The path of 150 points from the start to the current step: straight-ish curves for the closed "
            "form, "
            "random walks for the chain and for DDPM sampling, smooth curves for DDIM with \u03b7 = 0."),
         true},
        {ui_label(tr("Field"), "layer_field"), &layers.field,
         tr("Arrows along \u2212\u03b5\u0302(x, t) on a grid: the direction the model pushes a point at this "
            "t. "
            "\u2212\u03b5\u0302/\u221a(1\u2212\u1fb1\u209c) is the score \u2207 log q(x\u209c): it points "
            "towards the data."),
         true},
        {ui_label(tr("Density"), "layer_density"), &layers.density,
         tr("A heat map of q(x\u209c): exact for the Gaussian mixtures (each component widens to "
            "\u1fb1\u209c s\u00b2 + 1 \u2212 \u1fb1\u209c), a smoothed histogram of the points otherwise. "
            "Square-root colour scale."),
         true},
        {ui_label(tr("Error"), "layer_error"), &layers.score_error,
         tr("Mixtures only: |\u03b5\u0302 \u2212 \u03b5*| on a grid, the model against the exact optimal "
            "predictor. "
            "A trained network is accurate where the data's noisy versions lie and wrong elsewhere."),
         context.lab->data_is_mixture()},
    };
    const ImGuiStyle& style = ImGui::GetStyle();
    const float spacing = ImGui::GetFontSize() * 0.7f, margin = style.ItemSpacing.x;
    const float row_h = ImGui::GetFrameHeight() + style.ItemSpacing.y;
    const int count = static_cast<int>(std::size(toggles));
    // Rows above the canvas: as many as the toggles flow into.
    int rows = 1;
    float x = margin, column_w = 0;
    for (int i = 0; i < count; ++i) {
      const float width = checkbox_width(toggles[i].label.c_str());
      column_w = std::max(column_w, width + margin * 2);
      if (i > 0 && x + spacing + width > available.x) {
        ++rows;
        x = margin + width;
      } else {
        x += (i > 0 ? spacing : 0.0f) + width;
      }
    }
    // Or one to three columns at its right, when that leaves the data more room (the smaller side of the
    // canvas sets their size).
    int columns = 0;
    float best = std::min(available.x, available.y - rows * row_h - style.ItemSpacing.y);
    for (int k = 1; k <= 3 && rows > 1; ++k) {
      const int per_column = (count + k - 1) / k;
      if (style.ItemSpacing.y + per_column * row_h > available.y) continue;
      const float side = std::min(available.x - k * column_w, available.y);
      if (side > best) {
        best = side;
        columns = k;
      }
    }
    const int per_column = columns > 0 ? (count + columns - 1) / columns : count;
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(spacing, style.ItemSpacing.y));
    for (int i = 0; i < count; ++i) {
      const Toggle& toggle = toggles[i];
      if (columns > 0)
        ImGui::SetCursorPos(ImVec2(available.x - (columns - i / per_column) * column_w + margin,
                                   style.ItemSpacing.y + (i % per_column) * row_h));
      else if (i == 0)
        ImGui::SetCursorPos(ImVec2(margin, style.ItemSpacing.y));
      else
        same_line_if_fits(checkbox_width(toggle.label.c_str()), -1.0f, toggle.label.c_str());
      ImGui::BeginDisabled(!toggle.enabled);
      ImGui::Checkbox(toggle.label.c_str(), toggle.value);
      ImGui::EndDisabled();
      tooltip(toggle.tip);
    }
    ImGui::PopStyleVar();
    if (columns == 0) {
      top_left = ImGui::GetCursorScreenPos();
      available = ImGui::GetContentRegionAvail();
    } else {
      available.x -= columns * column_w;
    }
  }
  note_canvas(top_left, ImVec2(top_left.x + available.x, top_left.y + available.y));
  CanvasView view;
  view.center_x = state.view.center_x;
  view.center_y = state.view.center_y;
  view.half_height = state.view.half_height;
  view.width_px = std::max(1, static_cast<int>(available.x));
  view.height_px = std::max(1, static_cast<int>(available.y));
  if (state.view.half_height <= 0) {
    // Fit the data x_0 (issue 14: the checkerboard and the pinwheel reached past the classic +-3.2), with a
    // margin that keeps the legend and the read-outs in the corners off the points.
    const FittedView fit = fit_view(context.lab->data_points(), static_cast<double>(view.width_px) / view.height_px,
                                    kClassicHalfHeight);
    view.center_x = static_cast<float>(fit.center_x);
    view.center_y = static_cast<float>(fit.center_y);
    view.half_height = static_cast<float>(fit.half_height);
  }
  const float box[4] = {view.center_x - view.half_width(), view.center_y - view.half_height,
                        view.center_x + view.half_width(), view.center_y + view.half_height};
  std::copy(box, box + 4, state.drafts.canvas_box);

  draw_gl_layers(context, view);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddImage(context.renderer->texture(), top_left,
                 ImVec2(top_left.x + view.width_px, top_left.y + view.height_px), ImVec2(0, 1), ImVec2(1, 0));
  ImGui::SetCursorScreenPos(top_left);
  ImGui::InvisibleButton("canvas", ImVec2(static_cast<float>(view.width_px), static_cast<float>(view.height_px)),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight | ImGuiButtonFlags_MouseButtonMiddle);
  draw->PushClipRect(top_left, ImVec2(top_left.x + view.width_px, top_left.y + view.height_px), true);
  draw_overlays(context, view, top_left);
  const auto to_pixels = [&](float x, float y) {
    const ImVec2 p = view.to_pixels(x, y);
    return ImVec2(top_left.x + p.x, top_left.y + p.y);
  };
  if (extras && extras->overlay) extras->overlay(draw, to_pixels);
  draw->PopClipRect();
  handle_mouse(context, view, top_left);
  if (extras && extras->hover && ImGui::IsItemHovered() && !ImGui::IsMouseDragging(0, 4.0f)) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float data_x = 0, data_y = 0;
    view.to_data(mouse.x - top_left.x, mouse.y - top_left.y, &data_x, &data_y);
    extras->hover(data_x, data_y, to_pixels);
  }
  ImGui::End();
}

}  // namespace dlab::gui
