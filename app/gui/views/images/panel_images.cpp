// The image view (issue 5): its controls, the grid of x_t with x0_hat and eps_hat beside it, and the
// filmstrip of one image at ten timesteps. Reads the ImageLab (image_lab.h); no LibTorch here.
//
// [SECTION] Textures
// [SECTION] Controls
// [SECTION] Grid canvas
// [SECTION] Filmstrip
#include <glad/gl.h>
// glad first: imgui's GL backend must not pull in the system GL header.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/state/i18n.h"
#include "app/gui/ui/math_text.h"
#include "app/gui/ui/widgets.h"
#include "app/gui/views/images/image_lab.h"
#include "app/gui/views/images/image_panels.h"
#include "core/point_statistics.h"

namespace dlab::gui {

// ============================================================================================
// [SECTION] Textures
// ============================================================================================

// One texture per grid: the images packed in an atlas of `cols` columns, RGBA8, nearest filtering.
struct GridTexture {
  GLuint id = 0;
  std::shared_ptr<const ImageBytes> source;  // what is uploaded (kept alive, compared by address)
  int cols = 1, rows = 1;

  ~GridTexture() {
    if (id) glDeleteTextures(1, &id);
  }

  // Uploads `images` when they differ from what is uploaded. False when there is nothing to draw.
  bool update(const std::shared_ptr<const ImageBytes>& images) {
    if (!images || images->empty()) return false;
    if (images == source) return true;
    source = images;
    const ImageBytes& b = *images;
    cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(b.count)))));
    rows = (b.count + cols - 1) / cols;
    const int width = cols * b.width, height = rows * b.height;
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4, 0);
    const std::size_t plane = static_cast<std::size_t>(b.height) * b.width;
    for (int i = 0; i < b.count; ++i) {
      const int ox = (i % cols) * b.width, oy = (i / cols) * b.height;
      const std::uint8_t* image = b.pixels.data() + static_cast<std::size_t>(i) * b.channels * plane;
      for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x) {
          std::uint8_t* out = &rgba[(static_cast<std::size_t>(oy + y) * width + ox + x) * 4];
          const std::size_t p = static_cast<std::size_t>(y) * b.width + x;
          for (int c = 0; c < 3; ++c) out[c] = image[(b.channels >= 3 ? c : 0) * plane + p];  // gray: r = g = b
          out[3] = 255;
        }
    }
    if (!id) glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);  // crisp pixels when magnified
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    return true;
  }

  // Image i as a square tile at (x, y) of `size` pixels.
  void draw(ImDrawList* draw, int i, ImVec2 pos, float size) const {
    const float u0 = static_cast<float>(i % cols) / cols, v0 = static_cast<float>(i / cols) / rows;
    draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id)), pos, ImVec2(pos.x + size, pos.y + size),
                   ImVec2(u0, v0), ImVec2(u0 + 1.0f / cols, v0 + 1.0f / rows));
  }
};

struct ImageTextures::Impl {
  GridTexture x, x0_hat, eps_hat, filmstrip;
};

ImageTextures::ImageTextures() : impl_(std::make_unique<Impl>()) {}
ImageTextures::~ImageTextures() = default;

namespace {




// The built-in data sets' class names are in the catalogue (i18n_core_labels.cpp); a folder's are its
// sub-folders' names, shown as they are.
bool builtin_images(const ImageState& images) { return images.dataset == "shapes" || images.dataset == "fashion-mnist"; }

std::string class_name(const ImageLab& images, int label, bool translate) {
  const auto& names = images.class_names();
  if (label >= 0 && label < static_cast<int>(names.size())) return translate ? tr(names[label]) : names[label];
  return format_text(tr("class %d"), label);
}

}  // namespace

// ============================================================================================
// [SECTION] Controls
// ============================================================================================

void panel_images_section(PanelContext& context, ImageLab& image_lab) {
  Scene& state = context.state;
  ImageState& images = state.images;
  ImageLab* lab = &image_lab;

  // Data set.
  const bool builtin = builtin_images(images);
  const char* shown = images.dataset == "shapes" ? tr("Shapes (built-in)")
                      : images.dataset == "fashion-mnist" ? "Fashion-MNIST"
                                                          : tr("PNG folder");
  row_label(tr("Data set"));
  std::string& folder_edit = state.drafts.image_folder;
  if (begin_combo("##image_dataset", shown)) {
    if (ImGui::Selectable(ui_label(tr("Shapes (built-in)"), "shapes").c_str(), images.dataset == "shapes")) images.dataset = "shapes";
    if (ImGui::Selectable("Fashion-MNIST", images.dataset == "fashion-mnist")) images.dataset = "fashion-mnist";
    if (ImGui::Selectable(ui_label(tr("PNG folder"), "folder").c_str(), !builtin) && builtin) images.dataset = folder_edit.empty() ? "images/" : folder_edit;
    ImGui::EndCombo();
  }
  tooltip(tr("q(x\u2080) for images: 28\u00d728 shapes drawn in code (ten classes), Fashion-MNIST's test set (the "
             "dataset-fashion-mnist package), or a folder of your own PNG images, all scaled to [\u22121, 1]."));
  if (!builtin) {
    if (folder_edit.empty()) folder_edit = images.dataset;
    row_label(tr("Folder"));
    ImGui::InputTextWithHint("##image_folder", "my_images/", &folder_edit);
    tooltip(tr("A folder of .png images (sub-folders are classes), centre-cropped and resized to 28\u00d728, in "
               "grayscale or, with Colour on, in RGB. Press Load; an error names the file that could not be read."));
    if (ImGui::Button(ui_label(tr("Load"), "load_folder").c_str())) images.dataset = folder_edit;
    const std::string colour = checkbox_label(ui_label(tr("Colour"), "image_colour"));
    same_line_if_fits(checkbox_width(colour.c_str()), -1.0f, colour.c_str());
    ImGui::Checkbox(colour.c_str(), &images.colour);
    tooltip(tr("The folder in RGB (three channels per pixel), for an RGB U-Net (dlab train --dataset DIR --colour); "
               "off: grayscale. The model's channels must match the data's."));
  }
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  row_label(tr("Images"), 3 * checkbox_width("64") + 2 * spacing);
  int count = images.count;
  for (int option : {16, 36, 64}) {
    char text[8];
    std::snprintf(text, sizeof text, "%d", option);
    if (option != 16) same_line_if_fits(checkbox_width(text), spacing, text);
    if (ImGui::RadioButton(text, count == option)) images.count = option;
    tooltip(tr("How many images the grid shows: data images x\u2080 going forward, or samples from x_T ~ N(0, I) going "
               "backward. More images cost proportionally more network time per step."));
  }
  row_label(tr("Data seed"));
  int seed = static_cast<int>(state.data.seed);
  if (ImGui::InputInt("##image_seed", &seed)) state.data.seed = static_cast<std::uint64_t>(std::max(0, seed));
  tooltip(tr("Seed of the shapes drawn and of the forward noise \u03b5 in x\u209c = \u221a\u1fb1\u209c x\u2080 + "
             "\u221a(1\u2212\u1fb1\u209c) \u03b5 (the sampler's x_T uses the Sample seed)."));
  if (lab) error_text(lab->data_error());

  // Model.
  std::string& model_edit = state.drafts.image_model;
  row_label(tr("Model"));
  ImGui::InputTextWithHint("##image_model", lab ? lab->model_path().c_str() : "assets/models/shapes.pt", &model_edit);
  tooltip(tr("A U-Net checkpoint (dlab train --dataset ... --out FILE) that predicts \u03b5\u0302(x\u209c, t). Empty: the "
             "shipped assets/models/<data set>.pt. Press Load to use the path."));
  if (ImGui::Button(ui_label(tr("Load"), "load_model").c_str())) images.model_path = model_edit;
  const std::string shipped = ui_label(tr("Shipped model"), "shipped_model");
  same_line_if_fits(button_width(shipped.c_str()), -1.0f, shipped.c_str());
  if (ImGui::Button(button_label(shipped).c_str())) images.model_path.clear(), model_edit.clear();
  tooltip(tr("Use the model shipped for this data set (assets/models/<data set>.pt, or $DLAB_MODELS_DIR)."));
  if (lab) {
    if (lab->has_model())
      dim_text(lab->model_description());
    else
      error_text(lab->model_error());
  }

  // Class and guidance (class-conditional models).
  const int classes = lab ? lab->model_classes() : 0;
  ImGui::BeginDisabled(classes == 0);
  row_label(tr("Class"));
  const bool translate = builtin_images(images);
  std::string current = images.label < 0 ? tr("Each class in turn")
                        : images.label >= classes ? tr("None (unconditional)")
                                                  : class_name(*lab, images.label, translate);
  if (begin_combo("##class", current.c_str())) {
    if (ImGui::Selectable(ui_label(tr("Each class in turn"), "each").c_str(), images.label < 0)) images.label = -1;
    for (int c = 0; c < classes; ++c)
      if (ImGui::Selectable(ui_label(class_name(*lab, c, translate).c_str(), std::to_string(c).c_str()).c_str(), images.label == c)) images.label = c;
    if (ImGui::Selectable(ui_label(tr("None (unconditional)"), "none").c_str(), classes > 0 && images.label == classes)) images.label = classes;
    ImGui::EndCombo();
  }
  tooltip(tr("The label y the model is conditioned on: \u03b5\u0302(x\u209c, t, y). Each class in turn gives image i the "
             "class i mod C; None uses the null label, the unconditional model learnt by dropping labels in training."));
  row_label(tr("Guidance w"));
  float guidance = static_cast<float>(images.guidance);
  if (ImGui::SliderFloat("##guidance", &guidance, 0.0f, 10.0f, "%.1f")) images.guidance = guidance;
  ImGui::EndDisabled();
  tooltip(tr("Classifier-free guidance (Ho & Salimans 2022): \u03b5\u0302 = \u03b5\u0302(x\u209c) + w (\u03b5\u0302(x\u209c, y) "
             "\u2212 \u03b5\u0302(x\u209c)). w = 0 ignores the class, 1 is the plain conditional model, larger w gives "
             "more typical, less varied images. The starting noise stays the same, so only the guidance changes."));

  ImGui::Checkbox(checkbox_label(ui_label(tr("Clip x\u0302\u2080 to [\u22121, 1]"), "clip_x0")).c_str(),
                  &images.clip_x0);
  tooltip(tr("At every step the sampler clamps the model's x\u0302\u2080 to the range of the data, [\u22121, 1], and "
             "re-derives \u03b5\u0302 from it (the DDPM code, improved-diffusion): it keeps a weak model from "
             "saturating. Off: the raw prediction, as in the 2D view."));

  // Columns and filmstrip.
  ImGui::Checkbox(checkbox_label(ui_label(tr("x\u0302\u2080 column"), "x0_hat")).c_str(),
                  &images.show_x0_hat);
  tooltip(tr("Beside each image, the model's guess of the clean image: x\u0302\u2080 = (x\u209c \u2212 "
             "\u221a(1\u2212\u1fb1\u209c) \u03b5\u0302)/\u221a\u1fb1\u209c (Ho et al. 2020, Eq. 15). Blurry at large t, sharp near t = 0."));
  const std::string eps_column = ui_label(tr("\u03b5\u0302 column"), "eps_hat");
  same_line_if_fits(checkbox_width(eps_column.c_str()), -1.0f, eps_column.c_str());
  ImGui::Checkbox(checkbox_label(eps_column).c_str(), &images.show_eps_hat);
  tooltip(tr("Beside each image, the noise the model sees in it, \u03b5\u0302(x\u209c, t), shown with \u00b12 as black and "
             "white. Without a model, the forward closed form shows the true \u03b5 instead."));
  ImGui::Checkbox(checkbox_label(ui_label(tr("Filmstrip"), "filmstrip")).c_str(), &images.filmstrip);
  tooltip(tr("One image at ten timesteps from t = T to 0 under the timeline: the progressive generation figure of the "
             "DDPM paper (Ho et al. 2020, Fig. 6), or the forward process of one data image."));
  if (images.filmstrip) {
    // The image slider beside the checkbox when there is room for its text, under it otherwise.
    same_line_if_fits(ImGui::CalcTextSize(format_text(tr("image %d"), 63).c_str()).x +
                      ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetFontSize() * 2);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##film_image", &images.filmstrip_image, 0, std::max(0, images.count - 1), tr("image %d"));
    tooltip(tr("Which image of the grid the filmstrip follows (counted row by row from the top left, from 0)."));
  }
}

// ============================================================================================
// [SECTION] Grid canvas
// ============================================================================================

namespace {

// A class name under its tile, at `size` pixels on one line when it fits in `room`, else on two lines
// broken where they come out most even: at a space or after '/' or '-', between Chinese characters,
// and only inside a word when there is no such place. Smaller type (down to 70% of the font) only when
// even that is too wide ("Square fra..." was cut, then shrunk to 60%: issue 14).
struct Caption {
  std::string lines[2];
  int count = 1;
  float size = 0, width = 0;  // the type size and the widest line, in pixels
};

Caption caption(const std::string& text, float size, float room, int max_lines, float smallest_share = 0.7f) {
  ImFont* font = ImGui::GetFont();
  const auto width = [&](const std::string& s, float at) {
    return font->CalcTextSizeA(at, FLT_MAX, 0.0f, s.c_str()).x;
  };
  // The places a line may end (the byte where it ends, the byte where the next one starts).
  std::vector<std::pair<std::size_t, std::size_t>> words, inside;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]), before = static_cast<unsigned char>(text[i - 1]);
    if ((byte & 0xC0) == 0x80 || before == ' ') continue;  // inside a UTF-8 character, or after a space
    if (byte == ' ')
      words.emplace_back(i, i + 1);
    else if (before == '/' || before == '-' || byte >= 0x80 || before >= 0x80)
      words.emplace_back(i, i);  // Chinese has no spaces: any two characters
    else
      inside.emplace_back(i, i);
  }
  const auto two_lines = [&](const std::vector<std::pair<std::size_t, std::size_t>>& breaks, float at,
                             Caption& out) {
    bool found = false;
    for (const auto& [end, next] : breaks) {
      Caption c;
      c.lines[0] = text.substr(0, end);
      c.lines[1] = text.substr(next);
      c.count = 2;
      c.size = at;
      c.width = std::max(width(c.lines[0], at), width(c.lines[1], at));
      if (!found || c.width < out.width) out = c, found = true;
    }
    return found && out.width <= room;
  };
  Caption c;
  const float smallest = ImGui::GetFontSize() * smallest_share;
  for (float at = size;; at = std::max(smallest, at * 0.93f)) {
    c.lines[0] = text, c.count = 1, c.size = at, c.width = width(text, at);
    if (c.width <= room) return c;
    Caption split;
    if (max_lines > 1 && two_lines(words, at, split)) return split;
    if (at <= smallest) break;
  }
  if (max_lines > 1) {
    Caption split;
    for (float at = size;; at = std::max(smallest, at * 0.93f)) {
      if (two_lines(inside, at, split) || at <= smallest) {
        if (split.count == 2 && split.width < c.width) c = split;
        break;
      }
    }
  }
  return c;  // the narrowest it can be at the smallest size (check_fits counts it if still too wide)
}

// Where the tiles of the grids of n images each go, side by side in a box of `avail` pixels under their
// titles (each column as wide as its grid or its title): one tile size for all, the number of columns
// that gives the largest tiles in the room (a square grid left most of a wide window empty: 84 px tiles
// at 1920x1080, issue 14), whole screen pixels per image pixel once an image is 3x or more (unless that
// takes more than 12% off the tiles), class names under the tiles only when they are large enough to read.
struct GridLayout {
  int cols = 1, rows = 1;
  float tile = 0, gap = 0, label_h = 0, title_h = 0, column_gap = 0;
  float label_size = 0;    // of the class names, in pixels
  float label_min = 0.7f;  // the smallest type a name may be shrunk to, a share of the font
  int label_lines = 0;     // 1 or 2 (a name wider than its tile), 0: no names
  float width() const { return cols * tile + (cols - 1) * gap; }
  float caption_room() const { return tile + gap * 0.5f; }  // a name's width at most, centred under its tile
  float height() const { return title_h + rows * (tile + label_h) + (rows - 1) * gap; }
};

GridLayout grid_layout(int n, const std::vector<float>& title_widths, ImVec2 avail,
                       const std::vector<std::string>& labels, int native) {
  const float font = ImGui::GetFontSize();
  GridLayout g;
  g.gap = std::max(2.0f, std::round(font * 0.25f));
  g.title_h = font * 1.4f;
  g.column_gap = font * 1.2f;
  g.label_size = font * 0.85f;
  // The widest grid for which the columns (each the wider of its grid and its title) fit across.
  const float across = avail.x - g.column_gap * (static_cast<float>(title_widths.size()) - 1.0f);
  const auto needed = [&](float grid_w) {
    float sum = 0;
    for (float title : title_widths) sum += std::max(grid_w, title);
    return sum;
  };
  float lo = 0, hi = std::max(0.0f, across / std::max<std::size_t>(1, title_widths.size()));
  for (int i = 0; i < 30; ++i) (needed(0.5f * (lo + hi)) <= across ? lo : hi) = 0.5f * (lo + hi);
  const float grid_w = lo;
  const auto tile_for = [&](int cols, float label_h) {
    const int rows = (n + cols - 1) / cols;
    float tile = std::floor(std::min((grid_w - g.gap * (cols - 1)) / cols,
                                     (avail.y - g.title_h - (g.gap + label_h) * rows + g.gap) / rows));
    const float whole = std::floor(tile / native) * native;  // crisp when that costs the tiles little
    if (tile >= 3.0f * native && whole >= 0.88f * tile) tile = whole;
    return std::max(4.0f, tile);
  };
  // The largest tiles; within 5% of them, the fewest empty places, then the squarer grid.
  const auto choose = [&](float label_h) {
    float best = 0;
    for (int cols = 1; cols <= n; ++cols) best = std::max(best, tile_for(cols, label_h));
    int chosen = 0;
    for (int cols = 1; cols <= n; ++cols) {
      if (tile_for(cols, label_h) < 0.95f * best) continue;
      const int rows = (n + cols - 1) / cols, chosen_rows = chosen ? (n + chosen - 1) / chosen : 0;
      const int empty = cols * rows - n, chosen_empty = chosen ? chosen * chosen_rows - n : 0;
      if (!chosen || empty < chosen_empty ||
          (empty == chosen_empty && std::abs(cols - rows) < std::abs(chosen - chosen_rows)))
        chosen = cols;
    }
    g.cols = chosen;
    g.rows = (n + chosen - 1) / chosen;
    g.label_h = label_h;
    g.tile = tile_for(chosen, label_h);
  };
  choose(0);
  if (labels.empty()) return g;
  const GridLayout bare = g;
  choose(font * 0.2f + g.label_size);
  if (g.tile < font * 2.75f) return bare;  // too small for the names
  g.label_lines = 1;
  // A name that does not fit on one line at full size: two lines, unless that takes more than 20% off the
  // tiles and every name fits on one line in smaller type (down to 70%); in a dense grid (36 or 64 images)
  // where two lines leave the tiles too small for names, one line down to 60%; names that fit in none of
  // these ways are left out rather than cut or drawn over each other.
  const auto fit = [&](const GridLayout& at, float smallest) {
    for (const std::string& label : labels)
      if (caption(label, at.label_size, at.caption_room(), 1, smallest).width > at.caption_room() + 0.5f)
        return false;
    return true;
  };
  if (fit(g, 0.85f)) return g;
  GridLayout one = g;
  choose(font * 0.2f + g.label_size * 2.0f);
  g.label_lines = 2;
  const bool two_ok = g.tile >= font * 2.75f;
  if (two_ok && g.tile >= 0.8f * one.tile) return g;
  if (fit(one, 0.7f)) return one;
  if (two_ok) return g;
  one.label_min = 0.6f;
  return fit(one, 0.6f) ? one : bare;
}

// Draws a grid of `n` images from `texture` at pos under a title, with the labels under the tiles.
void draw_grid(ImDrawList* draw, const GridTexture& texture, int n, ImVec2 pos, const GridLayout& g, const char* title,
               ImU32 title_color, const std::vector<std::string>& labels) {
  draw_math_text(draw, pos, title_color, title);
  pos.y += g.title_h;
  const float font = ImGui::GetFontSize();
  for (int i = 0; i < n; ++i) {
    const ImVec2 p(pos.x + (i % g.cols) * (g.tile + g.gap), pos.y + (i / g.cols) * (g.tile + g.gap + g.label_h));
    texture.draw(draw, i, p, g.tile);
    if (g.label_lines > 0 && i < static_cast<int>(labels.size())) {
      // Centred under the tile, a quarter of the gap into it on either side at most.
      const Caption c = caption(labels[i], g.label_size, g.caption_room(), g.label_lines, g.label_min);
      check_fits(c.width, g.caption_room(), labels[i].c_str());
      draw->PushClipRect(ImVec2(p.x - g.gap * 0.25f, p.y + g.tile),
                         ImVec2(p.x + g.tile + g.gap * 0.25f, p.y + g.tile + g.label_h + 1), true);
      for (int line = 0; line < c.count; ++line) {
        const float w = ImGui::GetFont()->CalcTextSizeA(c.size, FLT_MAX, 0.0f, c.lines[line].c_str()).x;
        draw->AddText(
            ImGui::GetFont(), c.size,
            ImVec2(p.x + std::round((g.tile - w) * 0.5f), p.y + g.tile + font * 0.1f + line * c.size),
            colors::kTextDim, c.lines[line].c_str());
      }
      draw->PopClipRect();
    }
  }
}

}  // namespace

void panel_images(PanelContext& context, ImageLab& image_lab, ImageTextures& image_textures, const PanelRect& rect) {
  if (!begin_panel("Images", rect, ImGuiWindowFlags_NoScrollbar)) {
    ImGui::End();
    return;
  }
  note_canvas(rect.pos, ImVec2(rect.pos.x + rect.size.x, rect.pos.y + rect.size.y));
  ImageLab* lab = &image_lab;
  ImageTextures* textures = &image_textures;
  if (!lab || !textures) {
    ImGui::End();
    return;
  }
  ImageTextures::Impl& tex = *textures->impl_;
  const Scene& state = context.state;
  const bool reverse = state.playback.mode == LabMode::Reverse;
  const ImageView& view = lab->view();
  const StepInfo info = lab->step_info();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();

  // Header: what is shown, and the pixel statistics of x_t (is x_T N(0, 1)?).
  ImGui::PushFont(context.fonts.heading);
  if (reverse)
    ImGui::Text(tr("Reverse: sampling x\u2080 from x_T ~ N(0, I)   t = %d"), info.t);
  else
    ImGui::Text(tr("Forward: x\u209c = \u221a\u1fb1\u209c x\u2080 + \u221a(1\u2212\u1fb1\u209c) \u03b5   t = %d"), info.t);
  ImGui::PopFont();
  const PixelStats stats = lab->pixel_stats();
  if (stats.n > 0) {
    // Beside the title when it fits, under it otherwise (wrapped if even a row is too narrow).
    const std::string text =
        format_text(tr("   pixels of x\u209c: mean %+.3f, std %.3f  (N(0, 1): 0, 1)"), stats.mean, stats.std);
    if (same_line_if_fits(ImGui::CalcTextSize(text.c_str()).x))
      ImGui::TextDisabled("%s", text.c_str());
    else
      dim_text(text.substr(text.find_first_not_of(' ')));
  }
  if (!lab->data_error().empty() && !reverse) error_text(lab->data_error());
  if (!lab->has_model()) {
    if (reverse) {
      ImGui::Spacing();
      error_text(lab->model_error());
      dim_text(tr("The reverse process needs a model that predicts \u03b5\u0302(x\u209c, t). Switch the timeline to "
                  "Forward to watch the data dissolve into noise without one."));
      ImGui::End();
      return;
    }
    dim_text(tr("No model: forward diffusion only (x\u0302\u2080 needs a model; the \u03b5 column shows the true noise)."));
  }
  if (reverse && !lab->sampling_error().empty()) error_text(lab->sampling_error());

  const int n = view.x ? view.x->count : 0;
  if (n == 0 || !tex.x.update(view.x)) {
    if (reverse && lab->reverse_status().running) dim_text(tr("Sampling..."));
    ImGui::End();
    return;
  }
  const bool has_x0 = state.images.show_x0_hat && tex.x0_hat.update(view.x0_hat);
  const bool has_eps = state.images.show_eps_hat && tex.eps_hat.update(view.eps_hat);
  // At t = 0 there is nothing to predict: those columns give their room to x_t, and a note says so, beside
  // the grid when there is room there, else in a line above it.
  const bool none_x0 = state.images.show_x0_hat && lab->has_model() && !has_x0 && info.t == 0;
  const bool none_eps =
      state.images.show_eps_hat && (lab->has_model() || !reverse) && !has_eps && info.t == 0;
  const bool want_x0 = state.images.show_x0_hat && lab->has_model() && !none_x0;
  const bool want_eps = state.images.show_eps_hat && (lab->has_model() || !reverse) && !none_eps;
  const int columns = 1 + (want_x0 ? 1 : 0) + (want_eps ? 1 : 0);
  const std::string note = std::string(none_x0 ? tr("x\u0302\u2080: none at t = 0") : "") +
                           (none_x0 && none_eps ? "   " : "") +
                           (none_eps ? tr("\u03b5\u0302: none at t = 0") : "");

  std::vector<std::string> labels;
  for (int label : view.labels) labels.push_back(class_name(*lab, label, builtin_images(state.images)));

  // The columns' titles (a prediction made at another t, forward while playing: the worker is a few steps
  // behind, names its t), or what is still missing.
  char x_title[160];
  if (reverse && view.unconditional)
    std::snprintf(x_title, sizeof x_title, "x\u209c  (t = %d)   %s", info.t, tr("unconditional"));
  else
    std::snprintf(x_title, sizeof x_title, "x\u209c  (t = %d)", info.t);
  std::string x0_title = has_x0 ? tr("x\u0302\u2080, the model's guess") : tr("x\u0302\u2080: computing...");
  std::string eps_title = !has_eps                 ? (lab->has_model() ? tr("\u03b5\u0302: computing...")
                                                                       : tr("\u03b5: the chain has no single \u03b5"))
                          : view.eps_is_true_noise ? tr("\u03b5, the true noise")
                                                   : tr("\u03b5\u0302, the predicted noise");
  if (view.prediction_t >= 0 && view.prediction_t != info.t) {
    if (has_x0) x0_title = format_text(tr("x\u0302\u2080 at t = %d"), view.prediction_t);
    if (has_eps && !view.eps_is_true_noise)
      eps_title = format_text(tr("\u03b5\u0302 at t = %d"), view.prediction_t);
  }
  std::vector<const char*> titles{x_title};
  if (want_x0) titles.push_back(x0_title.c_str());
  if (want_eps) titles.push_back(eps_title.c_str());

  ImVec2 origin, avail;
  GridLayout g;
  std::vector<float> title_widths, widths;  // of the columns: the grid, or its title when that is wider
  for (const char* title : titles) title_widths.push_back(math_text_size(title).x);
  float block = 0, x = 0, note_x = 0;
  bool note_above = false;
  const float note_w = std::max(none_x0 ? math_text_size(tr("x\u0302\u2080: none at t = 0")).x : 0.0f,
                                none_eps ? math_text_size(tr("\u03b5\u0302: none at t = 0")).x : 0.0f);
  for (int pass = 0; pass < 2; ++pass) {
    origin = ImGui::GetCursorScreenPos();
    avail = ImVec2(rect.pos.x + rect.size.x - origin.x - font * 0.6f,
                   rect.pos.y + rect.size.y - origin.y - font * 0.4f);
    g = grid_layout(n, title_widths, avail, labels, view.x->width);
    // The grids side by side, centred in the canvas.
    widths.clear();
    block = (columns - 1) * g.column_gap;
    for (float title_w : title_widths) {
      widths.push_back(std::max(g.width(), title_w));
      block += widths.back();
    }
    x = origin.x + std::max(0.0f, std::floor((avail.x - block) * 0.5f));
    note_x = x + block + g.column_gap;
    // Beside the grids when its widest part fits there (it breaks only between its parts).
    if (note.empty() || note_above || origin.x + avail.x - note_x >= note_w) break;
    math_text_wrapped(note.c_str(), colors::kTextDim, "   ");
    note_above = true;
  }
  if (note_above) note_x = 0;
  check_fits(block, avail.x, "image grids");
  check_fits(g.height(), avail.y, "image grids (height)");
  // For --stats-out: the tiles' size, how the grid is laid out, how much of the room it fills (the larger of
  // its share of the width and of the height), and the class names' lines and smallest type size.
  note_layout_value("image_tile_px", g.tile);
  note_layout_value("image_grid_cols", g.cols);
  note_layout_value("image_grid_rows", g.rows);
  note_layout_value("image_grid_fill", std::max(block / avail.x, g.height() / avail.y));
  note_layout_value("image_caption_lines", g.label_lines);
  if (g.label_lines > 0) {
    float smallest = g.label_size;
    for (const std::string& label : labels)
      smallest =
          std::min(smallest, caption(label, g.label_size, g.caption_room(), g.label_lines, g.label_min).size);
    note_layout_value("image_caption_min_size", smallest / font);
  }
  // The grids in the middle of the room when they fill its width but not its height (the rest split above and
  // below them rather than left as one empty band over the filmstrip).
  const float top = origin.y + std::max(0.0f, std::floor((avail.y - g.height()) * 0.5f));
  if (!note.empty() && note_x > 0) {
    ImGui::SetCursorScreenPos(ImVec2(note_x, top + g.title_h));
    ImGui::BeginGroup();  // its lines start under its first
    math_text_wrapped(note.c_str(), colors::kTextDim, "   ", origin.x + avail.x - note_x);
    ImGui::EndGroup();
  }
  draw_grid(draw, tex.x, n, ImVec2(x, top), g, x_title, colors::kPoints, labels);
  x += widths[0] + g.column_gap;
  if (want_x0) {
    if (has_x0)
      draw_grid(draw, tex.x0_hat, std::min(n, view.x0_hat->count), ImVec2(x, top), g, x0_title.c_str(),
                colors::kX0Hat, labels);
    else
      draw_math_text(draw, ImVec2(x, top), colors::kTextDim, x0_title.c_str());
    x += widths[1] + g.column_gap;
  }
  if (want_eps) {
    if (has_eps)
      draw_grid(draw, tex.eps_hat, std::min(n, view.eps_hat->count), ImVec2(x, top), g, eps_title.c_str(),
                colors::kEps, labels);
    else
      draw_math_text(draw, ImVec2(x, top), colors::kTextDim, eps_title.c_str());
  }
  ImGui::End();
}

// ============================================================================================
// [SECTION] Filmstrip
// ============================================================================================

namespace {

// The histogram of the pixel values of x_t against the N(0, 1) density: x_T is N(0, 1) only when the
// schedule destroys the data (try T = 50).
void draw_histogram(ImDrawList* draw, const PixelStats& stats, ImVec2 pos, ImVec2 size) {
  // The title in smaller type (down to 60%) when it is wider than the histogram (a large UI scale).
  const char* title = tr("pixels of x\u209c vs N(0, 1)");
  const float title_w = math_text_size(title).x;
  const float fit = std::clamp(size.x / title_w, 0.6f, 1.0f);
  check_fits(title_w * fit, size.x, title);
  ImGui::SetWindowFontScale(fit);
  draw_math_text(draw, pos, colors::kText, title);
  ImGui::SetWindowFontScale(1.0f);
  const float font = ImGui::GetFontSize();
  const ImVec2 p0(pos.x, pos.y + font * (0.4f + fit));
  const ImVec2 p1(pos.x + size.x, pos.y + size.y - font * 1.2f);
  draw->AddRectFilled(p0, p1, colors::kCanvas);
  if (stats.histogram.empty() || p1.y - p0.y < font) return;
  const float w = p1.x - p0.x, h = p1.y - p0.y;
  float top = 0.45f;
  for (float v : stats.histogram) top = std::max(top, v);
  top *= 1.08f;
  const int bins = static_cast<int>(stats.histogram.size());
  for (int i = 0; i < bins; ++i) {
    const float x0 = p0.x + w * i / bins, x1 = p0.x + w * (i + 1) / bins;
    const float y = p1.y - h * std::min(1.0f, stats.histogram[i] / top);
    draw->AddRectFilled(ImVec2(x0, y), ImVec2(std::max(x0 + 1.0f, x1 - 1.0f), p1.y), colors::kPoints);
  }
  ImVec2 curve[97];
  for (int i = 0; i <= 96; ++i) {
    const float x = -kHistogramRange + 2.0f * kHistogramRange * i / 96.0f;
    const float density = static_cast<float>(standard_normal_density(x));
    curve[i] = ImVec2(p0.x + w * i / 96.0f, p1.y - h * density / top);
  }
  draw->AddPolyline(curve, 97, colors::kMarker, 0, std::max(1.5f, font * 0.12f));
  for (int tick : {-3, 0, 3}) {
    const float x = p0.x + w * (tick + kHistogramRange) / (2.0f * kHistogramRange);
    char text[8];
    std::snprintf(text, sizeof text, "%d", tick);
    draw->AddLine(ImVec2(x, p1.y), ImVec2(x, p1.y + font * 0.25f), colors::kAxis);
    draw->AddText(ImVec2(x - ImGui::CalcTextSize(text).x * 0.5f, p1.y + font * 0.2f), colors::kTextDim, text);
  }
}

}  // namespace

namespace {

// The histogram's width at the right end of the filmstrip's panel: 12 fonts at most (15 took room from the
// strip).
float histogram_width(float font, const PanelRect& rect) {
  return std::floor(std::min(font * 12.0f, rect.size.x * 0.26f));
}

std::string filmstrip_title(const Scene& state) {
  return format_text(state.playback.mode == LabMode::Reverse
                         ? tr("Image %d as it is generated, t = T \u2192 0 (Ho et al. 2020, Fig. 6)")
                         : tr("Image %d as it diffuses into noise, t = 0 \u2192 T"),
                     state.images.filmstrip_image);
}

}  // namespace

float filmstrip_height(PanelContext& context, const PanelRect& rect) {
  // As panel_filmstrip lays it out: the title wrapped short of the histogram, then the ten tiles as wide as
  // the strip allows with their t labels; the histogram beside it keeps about eight lines.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const float histogram_h = font * 8.0f;
  if (!context.state.images.filmstrip) return histogram_h;
  const float left = rect.pos.x + style.WindowPadding.x;
  const float strip_right = rect.pos.x + rect.size.x - font * 0.6f - histogram_width(font, rect) - font;
  const std::string title = filmstrip_title(context.state);
  const float title_h = static_cast<float>(math_text_lines(title.c_str(), strip_right - left).size()) *
                        ImGui::GetTextLineHeightWithSpacing();
  const float tile = std::floor((strip_right - left - font * 0.5f * 9) / 10);
  return std::max(histogram_h, style.WindowPadding.y + title_h + tile + font * 1.4f + 2.0f);
}

void panel_filmstrip(PanelContext& context, ImageLab& image_lab, ImageTextures& image_textures, const PanelRect& rect) {
  if (!begin_panel("Filmstrip", rect, ImGuiWindowFlags_NoScrollbar)) {
    ImGui::End();
    return;
  }
  ImageLab* lab = &image_lab;
  ImageTextures* textures = &image_textures;
  const Scene& state = context.state;
  if (!lab || !textures) {
    ImGui::End();
    return;
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  // The histogram takes the right end of the panel, the filmstrip the rest.
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float right = rect.pos.x + rect.size.x - font * 0.6f;
  const float hist_w = histogram_width(font, rect);
  const float strip_right = right - hist_w - font;
  draw_histogram(draw, lab->pixel_stats(), ImVec2(right - hist_w, start.y),
                 ImVec2(hist_w, rect.pos.y + rect.size.y - start.y - font * 0.3f));
  if (!state.images.filmstrip) {
    ImGui::TextDisabled("%s", tr("Filmstrip off (Controls \u2192 Images \u2192 Filmstrip)."));
    ImGui::End();
    return;
  }
  ImageTextures::Impl& tex = *textures->impl_;
  const Filmstrip& strip = lab->filmstrip();
  const bool reverse = state.playback.mode == LabMode::Reverse;
  const std::string title = filmstrip_title(state);
  // Wrapped short of the histogram (the strip is narrower when the ELBO tab keeps the plots column).
  math_text_wrapped(title.c_str(), 0, " ", strip_right - ImGui::GetCursorScreenPos().x);
  if (!strip.images || !tex.filmstrip.update(strip.images)) {
    ImGui::TextDisabled("%s", reverse ? (lab->has_model() ? tr("(waiting for the sampler)") : tr("(needs a model)"))
                                      : tr("(no data)"));
    ImGui::End();
    return;
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const int slots = 10;
  const float gap = font * 0.5f;
  const float avail_w = strip_right - origin.x;
  // The t labels under the tiles, unless the panel is too low for both (a large UI scale): then the tiles.
  const float below = rect.pos.y + rect.size.y - origin.y;
  const bool with_labels = below - font * 1.4f >= font * 1.5f;
  const float avail_h = below - (with_labels ? font * 1.4f : font * 0.2f);
  float tile = std::floor(std::min((avail_w - gap * (slots - 1)) / slots, avail_h));
  const int native = strip.images->width;
  // Whole screen pixels per image pixel when that costs the tiles little (as the grid: 12% at most; flooring
  // always made 111 px tiles 84 at 1920x1080).
  const float whole = std::floor(tile / native) * native;
  if (tile >= 3.0f * native && whole >= 0.88f * tile) tile = whole;
  tile = std::max(4.0f, tile);
  note_layout_value("filmstrip_tile_px", tile);
  const int shown_t = lab->step_info().t;
  // Labels wider than a tile (small tiles, a large UI scale) go under every second or third one, not over
  // each other.
  const char* label_format = tile >= font * 4.0f ? "t = %d" : "%d";
  char widest[24];
  std::snprintf(widest, sizeof widest, label_format, 1000);
  const int every =
      std::max(1, static_cast<int>(std::ceil((ImGui::CalcTextSize(widest).x + font * 0.3f) / (tile + gap))));
  for (int i = 0; i < strip.images->count && i < static_cast<int>(strip.t.size()); ++i) {
    const ImVec2 p(origin.x + i * (tile + gap), origin.y);
    tex.filmstrip.draw(draw, i, p, tile);
    if (!with_labels || i % every != 0) continue;
    char text[24];
    std::snprintf(text, sizeof text, label_format, strip.t[i]);
    const ImVec2 size = ImGui::CalcTextSize(text);
    const bool passed = reverse ? strip.t[i] >= shown_t : strip.t[i] <= shown_t;
    draw->AddText(ImVec2(p.x + (tile - size.x) * 0.5f, p.y + tile + 2), passed ? colors::kMarker : colors::kTextDim, text);
  }
  ImGui::End();
}

}  // namespace dlab::gui
