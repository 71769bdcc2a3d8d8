// The Latent view's windows (issue 12): its controls section, the canvas with the tracked points marked and
// the decoded image under the mouse, the grid of the tracked points' decoded images, and VAE against
// diffusion. Reads the Lab (the codes, diffused and sampled) and the LatentLab (the decoder); no LibTorch
// here.
//
// [SECTION] Textures
// [SECTION] Helpers
// [SECTION] Controls
// [SECTION] Canvas
// [SECTION] Decoded grid
// [SECTION] VAE against diffusion
#include <glad/gl.h>
// glad first: imgui's GL backend must not pull in the system GL header.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/state/i18n.h"
#include "app/gui/ui/widgets.h"
#include "app/gui/views/latent/latent_panels.h"
#include "app/gui/views/points/lab.h"

namespace dlab::gui {

// ============================================================================================
// [SECTION] Textures
// ============================================================================================

namespace {

// Gray images packed in an atlas of `cols` columns, one texture, nearest filtering (crisp pixels).
struct GrayAtlas {
  GLuint id = 0;
  std::shared_ptr<const DecodedImages> source;
  int cols = 1, rows = 1;

  ~GrayAtlas() {
    if (id) glDeleteTextures(1, &id);
  }
  GrayAtlas() = default;
  GrayAtlas(const GrayAtlas&) = delete;
  GrayAtlas& operator=(const GrayAtlas&) = delete;

  bool update(const std::shared_ptr<const DecodedImages>& images, int columns) {
    if (!images || images->empty()) return false;
    if (images == source && columns == cols) return true;
    source = images;
    const DecodedImages& b = *images;
    cols = std::max(1, columns);
    rows = (b.count + cols - 1) / cols;
    const int width = cols * b.size, height = rows * b.size;
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4, 0);
    const std::size_t plane = static_cast<std::size_t>(b.size) * b.size;
    for (int i = 0; i < b.count; ++i) {
      const int ox = (i % cols) * b.size, oy = (i / cols) * b.size;
      for (int y = 0; y < b.size; ++y)
        for (int x = 0; x < b.size; ++x) {
          std::uint8_t* out = &rgba[(static_cast<std::size_t>(oy + y) * width + ox + x) * 4];
          out[0] = out[1] = out[2] = b.pixels[i * plane + static_cast<std::size_t>(y) * b.size + x];
          out[3] = 255;
        }
    }
    if (!id) glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    return true;
  }

  void draw(ImDrawList* draw, int i, ImVec2 pos, float size) const {
    const float u0 = static_cast<float>(i % cols) / cols, v0 = static_cast<float>(i / cols) / rows;
    draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id)), pos,
                   ImVec2(pos.x + size, pos.y + size), ImVec2(u0, v0),
                   ImVec2(u0 + 1.0f / cols, v0 + 1.0f / rows));
  }
};

}  // namespace

struct LatentPanels::Textures {
  GrayAtlas grid, prior, diffusion, hover;
  std::shared_ptr<const DecodedImages> hover_images;
  float hover_x = NAN, hover_y = NAN;
};

LatentPanels::LatentPanels() : textures(std::make_unique<Textures>()) {}
LatentPanels::~LatentPanels() = default;

// ============================================================================================
// [SECTION] Helpers
// ============================================================================================

std::vector<int> tracked_points(const std::vector<int>& labels, int n, int count) {
  std::vector<int> out;
  if (static_cast<int>(labels.size()) != n || labels.empty()) {
    for (int i = 0; i < std::min(n, count); ++i) out.push_back(i);
    return out;
  }
  const int classes = *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<std::vector<int>> by_class(static_cast<std::size_t>(std::max(0, classes)));
  for (int i = 0; i < n; ++i)
    if (labels[i] >= 0) by_class[labels[i]].push_back(i);
  for (std::size_t round = 0; static_cast<int>(out.size()) < std::min(n, count); ++round) {
    bool any = false;
    for (const auto& members : by_class)
      if (round < members.size() && static_cast<int>(out.size()) < count) {
        out.push_back(members[round]);
        any = true;
      }
    if (!any) break;
  }
  return out;
}

namespace {

std::string class_label(const LatentPanels& panels, int label) {
  const auto& names = panels.lab.class_names();
  if (label >= 0 && label < static_cast<int>(names.size())) return tr(names[label]);
  return format_text(tr("class %d"), label);
}

// The class of shown point i, or -1 when the points have none yet (reverse, while sampling).
int shown_class(const Lab& lab, int i) {
  const auto& labels = lab.shown_labels();
  return i >= 0 && i < static_cast<int>(labels.size()) ? labels[i] : -1;
}

// Whether the Lab holds the latent codes (they may be missing: DLAB_MODELS_DIR without the VAE, no
// Fashion-MNIST).
bool codes_loaded(const Lab& lab) {
  return lab.data_error().empty() && !lab.data_labels().empty();
}

// The message where the codes are missing, centred in the rect's window.
void missing_message(PanelContext& context, LatentPanels& panels) {
  const std::string why = !context.lab->data_error().empty() ? context.lab->data_error() : panels.lab.error();
  ImGui::Dummy(ImVec2(0, ImGui::GetTextLineHeight()));
  ImGui::Indent(ImGui::GetFontSize());
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize());
  ImGui::TextUnformatted(tr("The Latent view needs the shipped VAE and the Fashion-MNIST images."));
  error_text(why.empty() ? std::string(tr("the latent codes are not loaded")) : why);
  dim_text(tr("The 2D points and Images views work without them."));
  ImGui::PopTextWrapPos();
  ImGui::Unindent(ImGui::GetFontSize());
}

// A number in a dark box at `at` (top-left), in `color`.
void tag(ImDrawList* draw, ImVec2 at, const char* text, ImU32 color, float s) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  draw->AddRectFilled(ImVec2(at.x, at.y), ImVec2(at.x + size.x + 6 * s, at.y + size.y + 2 * s),
                      colors::label_box(210), 3 * s);
  draw->AddText(ImVec2(at.x + 3 * s, at.y + 1 * s), color, text);
}

}  // namespace

// ============================================================================================
// [SECTION] Controls
// ============================================================================================

void latent_section(PanelContext& context, LatentPanels& panels) {
  (void)panels;  // the section reads the scene and the Lab; the panels are for later read-outs
  Scene& state = context.state;
  dim_text(tr(
      "The data: the codes z = (z\u2081, z\u2082) of the Fashion-MNIST training images under the shipped VAE "
      "(the means of q(z | x)), coloured by garment."));
  int tab = static_cast<int>(state.latent.tab);
  ImGui::RadioButton(checkbox_label(ui_label(tr("Codes"), "latent_codes")).c_str(), &tab,
                     static_cast<int>(LatentTab::Codes));
  tooltip(
      tr("The canvas: the codes diffuse and come back like any 2D data, and the grid beside it decodes 16 of "
         "them at every step."));
  const std::string compare = checkbox_label(ui_label(tr("VAE against diffusion"), "latent_compare"));
  same_line_if_fits(checkbox_width(compare.c_str()), -1.0f, compare.c_str());
  ImGui::RadioButton(compare.c_str(), &tab, static_cast<int>(LatentTab::Compare));
  tooltip(tr(
      "Images decoded from the VAE's prior z ~ N(0, I) beside images decoded from latent-diffusion samples, "
      "each with its Fr\u00e9chet distance to the test images and how far its codes lie from the data's."));
  state.latent.tab = static_cast<LatentTab>(tab);
  row_label(tr("Points n"));
  ImGui::SliderInt("##latent_n", &state.data.n, 100, 20000, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip(
      tr("How many codes are drawn from the 60,000 training images' codes, and how many samples the reverse "
         "process makes."));
  row_label(tr("Seed"));
  int seed = static_cast<int>(state.data.seed);
  if (ImGui::InputInt("##latent_seed", &seed))
    state.data.seed = static_cast<std::uint64_t>(std::max(0, seed));
  tooltip(
      tr("Seed of the codes drawn and of the forward noise \u03b5: the same seed gives the same picture."));
  if (!codes_loaded(*context.lab)) error_text(tr("The latent codes are not loaded: see the canvas."));
}

// ============================================================================================
// [SECTION] Canvas
// ============================================================================================

void panel_latent_canvas(PanelContext& context, LatentPanels& panels, const PanelRect& rect) {
  Lab& lab = *context.lab;
  if (!codes_loaded(lab)) {
    begin_panel("Canvas", rect);
    missing_message(context, panels);
    ImGui::End();
    return;
  }
  const float s = context.ui_scale;
  CanvasExtras extras;
  // The tracked points: a ring in their class's colour and their number in the grid.
  extras.overlay = [&](ImDrawList* draw, const std::function<ImVec2(float, float)>& to_pixels) {
    const auto& points = lab.current_points();
    for (std::size_t k = 0; k < panels.tracked.size(); ++k) {
      const int i = panels.tracked[k];
      if (2 * static_cast<std::size_t>(i) + 1 >= points.size()) continue;
      const ImVec2 at = to_pixels(points[2 * i], points[2 * i + 1]);
      const int label = shown_class(lab, i);
      draw->AddCircle(at, 6 * s, IM_COL32(255, 255, 255, 255), 0, 3.5f * s);
      draw->AddCircle(at, 6 * s, label >= 0 ? colors::class_color(label) : colors::kPoints, 0, 2 * s);
      const std::string number = std::to_string(k + 1);
      tag(draw, ImVec2(at.x + 7 * s, at.y - 7 * s - ImGui::GetTextLineHeight()), number.c_str(),
          colors::kText, s);
    }
  };
  // The mouse: the image the decoder makes of the code under it, and the nearest point's class.
  extras.hover = [&](float x, float y, const std::function<ImVec2(float, float)>& to_pixels) {
    LatentPanels::Textures& t = *panels.textures;
    if (x != t.hover_x || y != t.hover_y) {
      t.hover_x = x;
      t.hover_y = y;
      t.hover_images = panels.lab.decode({x, y});
    }
    if (!t.hover.update(t.hover_images, 1)) return;
    ImGui::BeginTooltip();
    const float size = 112 * s;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    t.hover.draw(ImGui::GetWindowDrawList(), 0, at, size);
    ImGui::Dummy(ImVec2(size, size));
    ImGui::Text("z = (%.2f, %.2f)", x, y);
    const float pixels_per_unit = std::max(1e-3f, to_pixels(x + 1, y).x - to_pixels(x, y).x);
    const int nearest = lab.nearest_point(x, y, 12.0f * s / pixels_per_unit);
    if (nearest >= 0) {
      const int label = shown_class(lab, nearest);
      if (label >= 0)
        ImGui::TextColored(
            ImGui::ColorConvertU32ToFloat4(colors::class_color(label)), "%s",
            format_text(tr("point %d: %s"), nearest, class_label(panels, label).c_str()).c_str());
      else
        ImGui::TextUnformatted(format_text(tr("point %d"), nearest).c_str());
    }
    ImGui::EndTooltip();
  };
  panel_canvas(context, rect, &extras);
}

// ============================================================================================
// [SECTION] Decoded grid
// ============================================================================================

void panel_latent_grid(PanelContext& context, LatentPanels& panels, const PanelRect& rect) {
  if (!begin_panel("Latent grid", rect)) {
    ImGui::End();
    return;
  }
  Lab& lab = *context.lab;
  const float s = context.ui_scale;
  ImGui::PushFont(context.fonts.heading);
  ImGui::TextUnformatted(tr("Decoded points"));
  ImGui::PopFont();
  if (!codes_loaded(lab) || !panels.lab.ready()) {
    error_text(tr("The latent codes are not loaded: see the canvas."));
    ImGui::End();
    return;
  }
  dim_text(context.state.playback.mode == LabMode::Forward
               ? tr("Each image is what the VAE's decoder makes of one marked point x\u209c: the garments "
                    "dissolve as "
                    "the points diffuse.")
               : tr("Each image is what the VAE's decoder makes of one marked point x\u209c: garments emerge "
                    "as the "
                    "points are sampled."));
  // 4 x 4 tiles as wide as the column allows, each framed in its point's class colour and numbered as on the
  // canvas.
  const int cols = 4;
  const float gap = 4 * s, width = ImGui::GetContentRegionAvail().x;
  const float tile = std::max(16.0f, std::floor((width - (cols - 1) * gap) / cols));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  LatentPanels::Textures& t = *panels.textures;
  const int count = panels.decoded ? panels.decoded->count : 0;
  const int rows = (count + cols - 1) / cols;
  if (t.grid.update(panels.decoded, cols)) {
    for (int k = 0; k < count; ++k) {
      const ImVec2 at(origin.x + (k % cols) * (tile + gap), origin.y + (k / cols) * (tile + gap));
      t.grid.draw(draw, k, at, tile);
      const int label =
          k < static_cast<int>(panels.tracked.size()) ? shown_class(lab, panels.tracked[k]) : -1;
      draw->AddRect(at, ImVec2(at.x + tile, at.y + tile),
                    label >= 0 ? colors::class_color(label) : colors::kGrid, 0, 0, 2 * s);
      const std::string number = std::to_string(k + 1);
      ImGui::PushFont(context.fonts.regular);
      tag(draw, ImVec2(at.x + 2 * s, at.y + 2 * s), number.c_str(), colors::kText, s);
      ImGui::PopFont();
    }
  }
  ImGui::Dummy(ImVec2(width, rows * (tile + gap)));
  note_layout_value("latent_tile_px", tile);

  // The classes' colours, in two columns (one when a name does not fit half the width: a large UI scale).
  const auto& names = panels.lab.class_names();
  const float swatch = ImGui::GetTextLineHeight() * 0.7f;
  float widest = 0;
  for (const std::string& name : names)
    widest = std::max(widest, ImGui::CalcTextSize(tr(name.c_str())).x + swatch + 6 * s);
  const bool two = widest <= width * 0.5f - ImGui::GetStyle().ItemSpacing.x;
  const float column = two ? width * 0.5f : width;
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (two && c % 2 == 1) ImGui::SameLine(column);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float line = ImGui::GetTextLineHeight();
    draw->AddRectFilled(ImVec2(at.x, at.y + (line - swatch) * 0.5f),
                        ImVec2(at.x + swatch, at.y + (line + swatch) * 0.5f),
                        colors::class_color(static_cast<int>(c)), 2 * s);
    ImGui::SetCursorScreenPos(ImVec2(at.x + swatch + 6 * s, at.y));
    const std::string name = tr(names[c]);
    check_fits(ImGui::CalcTextSize(name.c_str()).x + swatch + 6 * s, column, "latent class name");
    ImGui::TextUnformatted(name.c_str());
  }

  // Are the points on the class clusters? Computed when the points stand still (a few million distances).
  ImGui::Spacing();
  if (context.state.playback.playing) {
    dim_text(tr("Pause to measure how the points lie on the classes' clusters."));
  } else {
    const ClassStats stats = lab.class_stats(false);
    if (stats.valid) {
      const bool forward = context.state.playback.mode == LabMode::Forward;
      if (stats.agreement >= 0)
        ImGui::TextWrapped(
            "%s", format_text(forward ? tr("Nearest code of the point's own class: %.0f%% (chance %.0f%%)")
                                      : tr("Nearest code of the class it ends as: %.0f%% (chance %.0f%%)"),
                              100 * stats.agreement, 100 * stats.chance)
                      .c_str());
      tooltip(
          tr("The share of points whose nearest data code has the point's class (forward: the class of its "
             "x\u2080; "
             "reverse: the class it ends as). All of them at t = 0; at t = T the points have forgotten their "
             "classes."));
    }
  }
  ImGui::End();
}

// ============================================================================================
// [SECTION] VAE against diffusion
// ============================================================================================

namespace {

// Codes (x, y pairs) as small squares over the data codes (dimmed, in their classes' colours), in a square
// box showing [-4, 4]^2.
void scatter(ImDrawList* draw, ImVec2 at, float size, const Lab& lab, const std::vector<float>& codes,
             ImU32 color, float s) {
  draw->AddRectFilled(at, ImVec2(at.x + size, at.y + size), colors::kCanvas);
  const float half = 4.0f;
  const auto px = [&](float x, float y) {
    return ImVec2(at.x + (x + half) / (2 * half) * size, at.y + (half - y) / (2 * half) * size);
  };
  draw->AddLine(px(-half, 0), px(half, 0), colors::kCanvasAxis);
  draw->AddLine(px(0, -half), px(0, half), colors::kCanvasAxis);
  draw->PushClipRect(at, ImVec2(at.x + size, at.y + size), true);
  const auto& data = lab.data_points();
  const auto& labels = lab.data_labels();
  const float r = std::max(1.0f, 1.1f * s), c = std::max(0.75f, 0.8f * s);
  for (std::size_t i = 0; 2 * i + 1 < data.size(); ++i) {
    const ImVec2 p = px(data[2 * i], data[2 * i + 1]);
    draw->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r),
                        colors::with_opacity(colors::class_color(i < labels.size() ? labels[i] : -1), 150));
  }
  for (std::size_t i = 0; 2 * i + 1 < codes.size(); ++i) {
    const ImVec2 p = px(codes[2 * i], codes[2 * i + 1]);
    draw->AddRectFilled(ImVec2(p.x - c, p.y - c), ImVec2(p.x + c, p.y + c), color);
  }
  draw->PopClipRect();
  draw->AddRect(at, ImVec2(at.x + size, at.y + size), colors::kGrid);
}

}  // namespace

void panel_latent_compare(PanelContext& context, LatentPanels& panels, const PanelRect& rect) {
  if (!begin_panel("Canvas", rect)) {
    ImGui::End();
    return;
  }
  Lab& lab = *context.lab;
  const float s = context.ui_scale;
  note_canvas(rect.pos, ImVec2(rect.pos.x + rect.size.x, rect.pos.y + rect.size.y));
  ImGui::PushFont(context.fonts.heading);
  ImGui::TextUnformatted(tr("VAE against diffusion"));
  ImGui::PopFont();
  if (!codes_loaded(lab) || !panels.lab.ready()) {
    missing_message(context, panels);
    ImGui::End();
    return;
  }
  const LatentComparison& comparison = panels.lab.comparison();
  if (comparison.state == ReadoutState::Off) {
    ImGui::TextWrapped("%s", tr("The comparison needs latent-diffusion samples: a finished reverse run."));
    const ReverseStatus status = lab.reverse_status();
    if (context.state.playback.mode == LabMode::Reverse && status.running) {
      dim_text(format_text(tr("Sampling: %d of %d steps recorded."), std::max(0, status.frames - 1),
                           status.num_steps));
    } else if (ImGui::Button(ui_label(tr("Sample (reverse)"), "latent_sample").c_str())) {
      context.state.playback.mode = LabMode::Reverse;
    }
    ImGui::End();
    return;
  }
  if (comparison.state == ReadoutState::Failed) {
    error_text(comparison.error);
    ImGui::End();
    return;
  }
  if (comparison.state == ReadoutState::Computing && !comparison.prior_images)
    dim_text(tr("Decoding the samples and computing their Fr\u00e9chet distances..."));
  if (!comparison.prior_images) {
    ImGui::End();
    return;
  }
  // Two columns, the prior's and diffusion's: a title, the two numbers, the images and the codes over the
  // data's, stacked or side by side, whichever makes them larger.
  const float gap = 16 * s, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float head = 4.3f * line, footer = 3.5f * line;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  LatentPanels::Textures& t = *panels.textures;
  struct Side {
    const char* title;
    GrayAtlas* atlas;
    std::shared_ptr<const DecodedImages> images;
    const std::vector<float>* codes;
    double frechet, nearest, energy;
    ImU32 color;
    std::string distance_text, energy_text, nearest_text;
  };
  Side sides[2] = {
      {tr("VAE: z ~ N(0, I), decoded"), &t.prior, comparison.prior_images, &comparison.prior_codes,
       comparison.prior_frechet, comparison.prior_nearest_data, comparison.prior_code_energy,
       IM_COL32(255, 255, 255, 200), "", "", ""},
      {tr("Latent diffusion: samples, decoded"), &t.diffusion, comparison.diffusion_images,
       &comparison.diffusion_codes, comparison.diffusion_frechet, comparison.diffusion_nearest_data,
       comparison.diffusion_code_energy, colors::with_opacity(colors::kMarker, 200), "", "", ""},
  };
  ImFont* big = context.fonts.heading;
  float need = 0;
  for (Side& side : sides) {
    side.distance_text = format_text(tr("Fr\u00e9chet distance %.1f"), side.frechet);
    side.energy_text = format_text(tr("energy distance of the codes: %.4f"), side.energy);
    side.nearest_text = format_text(tr("mean distance to the data: %.3f"), side.nearest);
    need = std::max({need, ImGui::CalcTextSize(side.title).x, ImGui::CalcTextSize(side.energy_text.c_str()).x,
                     ImGui::CalcTextSize(side.nearest_text.c_str()).x,
                     big->CalcTextSizeA(big->FontSize, FLT_MAX, 0.0f, side.distance_text.c_str()).x});
  }
  // Two columns, the prior's and diffusion's (a title, the numbers, the images and the codes over the data's,
  // stacked or side by side, whichever makes them larger); one column, the two one under the other, when the
  // numbers do not fit half the width (a large UI scale): the panel scrolls then.
  float column = (avail.x - gap) * 0.5f;
  const bool two_columns = need <= column;
  bool side_by_side = true;
  float image_px = 0;
  if (two_columns) {
    const float room = avail.y - head - footer;
    const float stacked = std::min(column, (room - gap * 0.5f) * 0.5f),
                beside = std::min((column - gap * 0.5f) * 0.5f, room);
    side_by_side = beside > stacked;
    image_px = std::floor(std::max(40.0f, side_by_side ? beside : stacked));
  } else {
    column = avail.x;
    image_px = std::floor(
        std::max(std::min(120.0f * s, (column - gap * 0.5f) * 0.5f),
                 std::min((column - gap * 0.5f) * 0.5f, (avail.y - 2 * head - footer - gap) * 0.5f)));
  }
  const ImVec2 top = ImGui::GetCursorScreenPos();
  for (int k = 0; k < 2; ++k) {
    const Side& side = sides[k];
    const float x = two_columns ? top.x + k * (column + gap) : top.x;
    const float y0 = two_columns ? top.y : top.y + k * (head + image_px + gap);
    draw->AddText(ImVec2(x, y0), colors::kText, side.title);
    draw->AddText(big, big->FontSize, ImVec2(x, y0 + line), colors::with_opacity(side.color, 255),
                  side.distance_text.c_str());
    const float below = y0 + line + big->FontSize + 2 * s;
    draw->AddText(ImVec2(x, below), colors::kTextDim, side.energy_text.c_str());
    draw->AddText(ImVec2(x, below + ImGui::GetTextLineHeight()), colors::kTextDim, side.nearest_text.c_str());
    check_fits(need, column, "latent compare numbers");
    const float y = y0 + head;
    const int n = side.images ? side.images->count : 0;
    const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n)))));
    if (side.atlas->update(side.images, cols)) {
      const float tile = image_px / cols;
      for (int i = 0; i < n; ++i)
        side.atlas->draw(draw, i, ImVec2(x + (i % cols) * tile, y + (i / cols) * tile), tile);
    }
    const ImVec2 scatter_at =
        side_by_side ? ImVec2(x + image_px + gap * 0.5f, y) : ImVec2(x, y + image_px + gap * 0.5f);
    // The codes white in both (the classes' colours take every hue; the plots are apart anyway).
    scatter(draw, scatter_at, image_px, lab, *side.codes, IM_COL32(255, 255, 255, 200), s);
  }
  const float bottom = two_columns
                           ? top.y + head + (side_by_side ? image_px : 2 * image_px + gap * 0.5f) + gap * 0.5f
                           : top.y + 2 * (head + image_px + gap);
  ImGui::SetCursorScreenPos(ImVec2(top.x, bottom));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextWrapped(
      "%s", format_text(tr("The decoder's own floor (the decoded codes of test images): Fr\u00e9chet "
                           "distance %.1f"),
                        comparison.reconstruction_frechet)
                .c_str());
  dim_text(format_text(
      tr("Fr\u00e9chet distances on the classifier's features, %lld decoded samples each against the "
         "test images. With each grid, its codes (bright) over the data's codes, coloured by class."),
      static_cast<long long>(comparison.samples)));
  ImGui::PopTextWrapPos();
  ImGui::End();
}

}  // namespace dlab::gui
