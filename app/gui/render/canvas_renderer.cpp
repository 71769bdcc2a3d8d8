#include "app/gui/render/canvas_renderer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "app/gui/render/gl_util.h"
#include "app/gui/views/points/lab.h"

namespace dlab::gui {

namespace {

void color_to_floats(ImU32 color, float out[4]) {
  const ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
  out[0] = c.x;
  out[1] = c.y;
  out[2] = c.z;
  out[3] = c.w;
}

}  // namespace

CanvasRenderer::CanvasRenderer() {
  if (const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER))) {
    const std::string name = renderer;
    software_ = name.find("llvmpipe") != std::string::npos || name.find("softpipe") != std::string::npos;
  }
  // DLAB_POINTS_ON_CPU=0 or 1 overrides the choice (the tests draw both ways and compare the pictures).
  if (const char* forced = std::getenv("DLAB_POINTS_ON_CPU"); forced && (forced[0] == '0' || forced[0] == '1'))
    software_ = forced[0] == '1';
  point_program_ = build_program("point.vert", "point.frag");
  line_program_ = build_program("line.vert", "line.frag");
  heatmap_program_ = build_program("heatmap.vert", "heatmap.frag");

  // Points: one GL point sprite each, attribute 1 the position and 2 the colour (shaders/point.vert).
  glGenVertexArrays(1, &point_vao_);
  glBindVertexArray(point_vao_);
  glGenBuffers(1, &point_positions_);
  glBindBuffer(GL_ARRAY_BUFFER, point_positions_);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glGenBuffers(1, &point_colors_);
  glBindBuffer(GL_ARRAY_BUFFER, point_colors_);
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);

  // Lines: position and colour per vertex.
  glGenVertexArrays(1, &line_vao_);
  glBindVertexArray(line_vao_);
  glGenBuffers(1, &line_buffer_);
  glBindBuffer(GL_ARRAY_BUFFER, line_buffer_);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(LineVertex), nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(LineVertex),
                        reinterpret_cast<const void*>(offsetof(LineVertex, color)));

  // Heat map: a unit square stretched over the grid's box.
  const float unit[] = {0, 0, 1, 0, 0, 1, 1, 1};
  glGenVertexArrays(1, &heatmap_vao_);
  glBindVertexArray(heatmap_vao_);
  glGenBuffers(1, &heatmap_quad_);
  glBindBuffer(GL_ARRAY_BUFFER, heatmap_quad_);
  glBufferData(GL_ARRAY_BUFFER, sizeof unit, unit, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glGenTextures(1, &heatmap_texture_);
  glBindTexture(GL_TEXTURE_2D, heatmap_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);

  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
}

CanvasRenderer::~CanvasRenderer() {
  const GLuint buffers[] = {point_positions_, point_colors_, line_buffer_, heatmap_quad_};
  glDeleteBuffers(4, buffers);
  const GLuint arrays[] = {point_vao_, line_vao_, heatmap_vao_};
  glDeleteVertexArrays(3, arrays);
  const GLuint textures[] = {heatmap_texture_, color_texture_, background_texture_};
  glDeleteTextures(3, textures);
  glDeleteFramebuffers(1, &framebuffer_);
  glDeleteFramebuffers(1, &background_framebuffer_);
  glDeleteProgram(point_program_);
  glDeleteProgram(line_program_);
  glDeleteProgram(heatmap_program_);
}

void CanvasRenderer::resize(int width, int height) {
  if (width == target_width_ && height == target_height_ && framebuffer_) return;
  if (!framebuffer_) glGenFramebuffers(1, &framebuffer_);
  if (!color_texture_) glGenTextures(1, &color_texture_);
  glBindTexture(GL_TEXTURE_2D, color_texture_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_texture_, 0);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    throw std::runtime_error("the canvas framebuffer is incomplete");
  target_width_ = width;
  target_height_ = height;
  glBindTexture(GL_TEXTURE_2D, 0);
}

void CanvasRenderer::set_blending() {
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glDisable(GL_SCISSOR_TEST);
  glEnable(GL_BLEND);
  // Colour blends as usual; alpha accumulates so the image stays opaque where the background is.
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
}

void CanvasRenderer::begin(const CanvasView& view, ImU32 background) {
  view_ = view;
  glGetIntegerv(GL_VIEWPORT, saved_viewport_);
  resize(std::max(1, view.width_px), std::max(1, view.height_px));
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
  glViewport(0, 0, target_width_, target_height_);
  float clear[4];
  color_to_floats(background, clear);
  glClearColor(clear[0], clear[1], clear[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  set_blending();
}

bool CanvasRenderer::begin_background(const CanvasView& view, ImU32 background, std::uint64_t key) {
  const int width = std::max(1, view.width_px), height = std::max(1, view.height_px);
  // Another background colour is another palette (a picture drawn for print, theme.h): draw the grid again.
  key = key * 1000003ull + background;
  if (key == background_key_ && width == background_width_ && height == background_height_) return false;
  if (!background_framebuffer_) glGenFramebuffers(1, &background_framebuffer_);
  if (!background_texture_) glGenTextures(1, &background_texture_);
  if (width != background_width_ || height != background_height_) {
    glBindTexture(GL_TEXTURE_2D, background_texture_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, background_framebuffer_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, background_texture_, 0);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
      throw std::runtime_error("the canvas background framebuffer is incomplete");
    background_width_ = width;
    background_height_ = height;
  }
  background_key_ = key;
  view_ = view;
  glGetIntegerv(GL_VIEWPORT, saved_viewport_);
  glBindFramebuffer(GL_FRAMEBUFFER, background_framebuffer_);
  glViewport(0, 0, width, height);
  float clear[4];
  color_to_floats(background, clear);
  glClearColor(clear[0], clear[1], clear[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  set_blending();
  return true;
}

void CanvasRenderer::end_background() {
  if (software_) {  // the CPU path's copy of the background (once per change of the key)
    background_pixels_.resize(static_cast<std::size_t>(background_width_) * background_height_ * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, background_width_, background_height_, GL_RGBA, GL_UNSIGNED_BYTE,
                 background_pixels_.data());
  }
  end();
}

void CanvasRenderer::blit_background() {
  if (software_ && background_width_ == target_width_ && background_height_ == target_height_ &&
      !background_pixels_.empty()) {
    frame_pixels_ = background_pixels_;
    cpu_image_active_ = true;
    return;
  }
  glBindFramebuffer(GL_READ_FRAMEBUFFER, background_framebuffer_);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, framebuffer_);
  glBlitFramebuffer(0, 0, background_width_, background_height_, 0, 0, target_width_, target_height_,
                    GL_COLOR_BUFFER_BIT, GL_NEAREST);
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
}

void CanvasRenderer::set_view_uniforms(GLuint program) {
  const float scale_y = 1.0f / view_.half_height;
  const float scale_x = scale_y * view_.height_px / static_cast<float>(std::max(1, view_.width_px));
  glUniform2f(glGetUniformLocation(program, "u_center"), view_.center_x, view_.center_y);
  glUniform2f(glGetUniformLocation(program, "u_data_to_ndc"), scale_x, scale_y);
}

void CanvasRenderer::upload_cpu_image() {
  if (!cpu_image_active_) return;
  cpu_image_active_ = false;
  glBindTexture(GL_TEXTURE_2D, color_texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, target_width_, target_height_, GL_RGBA, GL_UNSIGNED_BYTE,
                  frame_pixels_.data());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glBindTexture(GL_TEXTURE_2D, 0);
}

// What shaders/point.vert and point.frag compute, per pixel of the point's square of half-size r + 0.75:
// coverage = 1 - smoothstep(r - 0.75, r + 0.75, distance to the centre), colour = colour x tint with alpha x
// coverage, blended as set_blending (colour: src alpha, 1 - src alpha; alpha: 1, 1 - src alpha).
void CanvasRenderer::splat_points(const float* xy, const std::uint32_t* colors, int count, float radius_px,
                                  ImU32 color, ImU32 tint) {
  const int W = target_width_, H = target_height_;
  float tint_rgba[4], uniform_rgba[4];
  color_to_floats(tint, tint_rgba);
  color_to_floats(color, uniform_rgba);
  const float scale_y = 1.0f / view_.half_height;
  const float scale_x = scale_y * view_.height_px / static_cast<float>(std::max(1, view_.width_px));
  const float half = radius_px + 0.75f, inner = std::max(0.0f, radius_px - 0.75f), outer = radius_px + 0.75f;
  const float inner2 = inner * inner, outer2 = outer * outer, width = outer - inner;
  std::uint8_t* pixels = frame_pixels_.data();
  for (int p = 0; p < count; ++p) {
    // NDC as the vertex shader, then window pixels (x right, y up; pixel centres at i + 0.5).
    const float cx = ((xy[2 * p] - view_.center_x) * scale_x + 1.0f) * 0.5f * W;
    const float cy = ((xy[2 * p + 1] - view_.center_y) * scale_y + 1.0f) * 0.5f * H;
    if (!(cx > -half && cx < W + half && cy > -half && cy < H + half)) continue;  // also NaN
    float rgba[4];
    if (colors) {
      const std::uint32_t c = colors[p];
      for (int k = 0; k < 4; ++k) rgba[k] = static_cast<float>((c >> (8 * k)) & 0xFF) / 255.0f * tint_rgba[k];
    } else {
      for (int k = 0; k < 4; ++k) rgba[k] = uniform_rgba[k] * tint_rgba[k];
    }
    // Pixels whose centre lies in the square [c - half, c + half] (GL's point rasterisation).
    const int x0 = std::max(0, static_cast<int>(std::ceil(cx - half - 0.5f)));
    const int x1 = std::min(W - 1, static_cast<int>(std::floor(cx + half - 0.5f)));
    const int y0 = std::max(0, static_cast<int>(std::ceil(cy - half - 0.5f)));
    const int y1 = std::min(H - 1, static_cast<int>(std::floor(cy + half - 0.5f)));
    for (int y = y0; y <= y1; ++y) {
      const float dy = y + 0.5f - cy;
      std::uint8_t* row = pixels + (static_cast<std::size_t>(y) * W) * 4;
      for (int x = x0; x <= x1; ++x) {
        const float dx = x + 0.5f - cx, d2 = dx * dx + dy * dy;
        if (d2 >= outer2) continue;
        float coverage = 1.0f;
        if (d2 > inner2) {
          const float t = std::clamp((std::sqrt(d2) - inner) / width, 0.0f, 1.0f);
          coverage = 1.0f - t * t * (3.0f - 2.0f * t);
          if (coverage <= 0.0f) continue;
        }
        const float a = rgba[3] * coverage, keep = 1.0f - a;
        std::uint8_t* px = row + 4 * x;
        // Rounded to the nearest of 0..255 (the sums stay in [0, 255]: a convex combination).
        for (int k = 0; k < 3; ++k)
          px[k] = static_cast<std::uint8_t>(rgba[k] * a * 255.0f + px[k] * keep + 0.5f);
        px[3] = static_cast<std::uint8_t>(a * 255.0f + px[3] * keep + 0.5f);
      }
    }
  }
}

void CanvasRenderer::draw_heatmap(const ScalarGrid& grid, int colormap, float opacity) {
  upload_cpu_image();
  const std::uint64_t key = grid.version;
  if (grid.empty()) return;
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, heatmap_texture_);
  if (key != heatmap_key_) {
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, grid.nx, grid.ny, 0, GL_RED, GL_FLOAT, grid.values.data());
    heatmap_key_ = key;
  }
  glUseProgram(heatmap_program_);
  set_view_uniforms(heatmap_program_);
  // Texel centres sit at the grid's sample points: widen the box by half a cell on each side.
  const float half_cell_x = 0.5f * (grid.box.max_x - grid.box.min_x) / std::max(1, grid.nx - 1);
  const float half_cell_y = 0.5f * (grid.box.max_y - grid.box.min_y) / std::max(1, grid.ny - 1);
  glUniform2f(glGetUniformLocation(heatmap_program_, "u_box_min"), grid.box.min_x - half_cell_x,
              grid.box.min_y - half_cell_y);
  glUniform2f(glGetUniformLocation(heatmap_program_, "u_box_max"), grid.box.max_x + half_cell_x,
              grid.box.max_y + half_cell_y);
  glUniform1i(glGetUniformLocation(heatmap_program_, "u_values"), 0);
  glUniform1i(glGetUniformLocation(heatmap_program_, "u_colormap"), colormap);
  glUniform1f(glGetUniformLocation(heatmap_program_, "u_opacity"), opacity);
  glBindVertexArray(heatmap_vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glBindTexture(GL_TEXTURE_2D, 0);
}

void CanvasRenderer::draw_lines(const std::vector<LineVertex>& vertices) {
  if (vertices.empty()) return;
  upload_cpu_image();
  glUseProgram(line_program_);
  set_view_uniforms(line_program_);
  glBindVertexArray(line_vao_);
  glBindBuffer(GL_ARRAY_BUFFER, line_buffer_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(vertices.size() * sizeof(LineVertex)),
               vertices.data(), GL_STREAM_DRAW);
  glDrawArrays(GL_LINES, 0, static_cast<GLsizei>(vertices.size()));
  glBindVertexArray(0);
}

void CanvasRenderer::draw_points(const float* xy, const std::uint32_t* colors, int count, float radius_px,
                                 ImU32 color, ImU32 tint) {
  if (count <= 0) return;
  if (cpu_image_active_) {
    splat_points(xy, colors, count, radius_px, color, tint);
    return;
  }
  glUseProgram(point_program_);
  // GL clips a point by its centre (OpenGL 3.3 core, section 2.20): a disc whose centre lies just outside the
  // canvas would vanish although part of it is inside (real GPUs do this; llvmpipe happens not to). So the
  // points are drawn with a viewport one sprite's half size wider on every side, its NDC scaled to match:
  // centres in that margin are inside the clip volume, and the framebuffer cuts the parts outside it.
  const int margin = static_cast<int>(std::ceil(radius_px + 0.75f)) + 1;
  const int width = std::max(1, view_.width_px), height = std::max(1, view_.height_px);
  glViewport(-margin, -margin, width + 2 * margin, height + 2 * margin);
  const float scale_y = 1.0f / view_.half_height * height / static_cast<float>(height + 2 * margin);
  const float scale_x = 1.0f / view_.half_height * height / static_cast<float>(width + 2 * margin);
  glUniform2f(glGetUniformLocation(point_program_, "u_center"), view_.center_x, view_.center_y);
  glUniform2f(glGetUniformLocation(point_program_, "u_data_to_ndc"), scale_x, scale_y);
  glUniform1f(glGetUniformLocation(point_program_, "u_radius_px"), radius_px);
  float tint_rgba[4];
  color_to_floats(tint, tint_rgba);
  glUniform4fv(glGetUniformLocation(point_program_, "u_tint"), 1, tint_rgba);
  glBindVertexArray(point_vao_);
  // Orphan and refill the vertex buffers every frame (the points move every frame while playing).
  glBindBuffer(GL_ARRAY_BUFFER, point_positions_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(count) * 2 * sizeof(float), xy, GL_STREAM_DRAW);
  if (colors) {
    glBindBuffer(GL_ARRAY_BUFFER, point_colors_);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(count) * sizeof(std::uint32_t), colors,
                 GL_STREAM_DRAW);
    glEnableVertexAttribArray(2);
  } else {
    glDisableVertexAttribArray(2);
    float rgba[4];
    color_to_floats(color, rgba);
    glVertexAttrib4fv(2, rgba);
  }
  glEnable(GL_PROGRAM_POINT_SIZE);  // the size comes from gl_PointSize
  glDrawArrays(GL_POINTS, 0, count);
  glDisable(GL_PROGRAM_POINT_SIZE);
  glViewport(0, 0, width, height);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void CanvasRenderer::end() {
  upload_cpu_image();
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(saved_viewport_[0], saved_viewport_[1], saved_viewport_[2], saved_viewport_[3]);
}

ImTextureID CanvasRenderer::texture() const {
  return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(color_texture_));
}

}  // namespace dlab::gui
