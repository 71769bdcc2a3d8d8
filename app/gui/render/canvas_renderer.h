// The GL side of the 2D canvas: an offscreen framebuffer the canvas panel shows as an image, with
// the heat map layers, the grid, and the points drawn as GL point sprites (one vertex per point, a round soft
// disc in the fragment shader: shaders/point.vert, point.frag), so 10,000 points cost one draw call. Arrows,
// paths and labels are drawn over the image by the panel with ImGui's antialiased draw list. On a software
// rasteriser (llvmpipe: about 1 us of setup per point, 11 ms for 10,000) the points over the cached
// background are splatted on the CPU instead, with the shader's coverage and blending, into a copy of the
// background read back once, and the image is uploaded as one texture.
#pragma once

#include <glad/gl.h>
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace dlab::gui {

struct ScalarGrid;

// Maps data coordinates to the canvas: `center` is shown in the middle, `half_height` data units
// from the middle to the top edge; x uses the same scale (square pixels).
struct CanvasView {
  float center_x = 0, center_y = 0;
  float half_height = 3;
  int width_px = 1, height_px = 1;

  float pixels_per_unit() const { return height_px / (2.0f * half_height); }
  float half_width() const { return half_height * width_px / static_cast<float>(height_px); }
  // Pixel offsets from the canvas's top-left corner.
  ImVec2 to_pixels(float x, float y) const {
    return ImVec2(width_px * 0.5f + (x - center_x) * pixels_per_unit(),
                  height_px * 0.5f - (y - center_y) * pixels_per_unit());
  }
  void to_data(float px, float py, float* x, float* y) const {
    *x = center_x + (px - width_px * 0.5f) / pixels_per_unit();
    *y = center_y - (py - height_px * 0.5f) / pixels_per_unit();
  }
};

struct LineVertex {
  float x, y;
  std::uint32_t color;  // ImU32 (RGBA8, red in the low byte)
};

class CanvasRenderer {
 public:
  CanvasRenderer();  // needs a current GL 3.3 context; throws std::runtime_error if a shader fails
  ~CanvasRenderer();
  CanvasRenderer(const CanvasRenderer&) = delete;
  CanvasRenderer& operator=(const CanvasRenderer&) = delete;

  // Starts drawing into the offscreen target (resized to the view) and clears it.
  void begin(const CanvasView& view, ImU32 background);
  // A static background (grid and data points) kept in its own target while `key` stays the same:
  // begin_background returns false when the cached one is still valid (then draw nothing into it);
  // otherwise draw into it and call end_background. blit_background copies it into the canvas.
  // On a software rasteriser this halves the cost of a frame of playback with 10,000 data points.
  bool begin_background(const CanvasView& view, ImU32 background, std::uint64_t key);
  void end_background();
  void blit_background();
  // A scalar grid in [0, 1] through a colour map (0: viridis for densities, 1: inferno for errors).
  // The texture is re-uploaded only when the grid's version changes.
  void draw_heatmap(const ScalarGrid& grid, int colormap, float opacity);
  void draw_lines(const std::vector<LineVertex>& vertices);
  // Points as x, y pairs; colors is RGBA8 per point or nullptr for `color` everywhere; tint multiplies.
  void draw_points(const float* xy, const std::uint32_t* colors, int count, float radius_px, ImU32 color,
                   ImU32 tint);
  // Back to the window's framebuffer.
  void end();

  // The finished image for ImGui::Image (its rows are bottom-up: use uv0 = (0, 1), uv1 = (1, 0)).
  ImTextureID texture() const;

 private:
  void resize(int width, int height);
  void set_view_uniforms(GLuint program);

  void set_blending();
  // The software path: the CPU image is the canvas from blit_background until end (or a GL draw).
  void splat_points(const float* xy, const std::uint32_t* colors, int count, float radius_px, ImU32 color,
                    ImU32 tint);
  void upload_cpu_image();

  bool software_ = false;          // GL_RENDERER is a CPU rasteriser (llvmpipe, softpipe)
  bool cpu_image_active_ = false;  // frame_pixels_ holds the canvas; the texture is behind
  std::vector<std::uint8_t> background_pixels_, frame_pixels_;  // RGBA8, bottom row first (as GL)

  CanvasView view_;
  GLint saved_viewport_[4] = {0, 0, 0, 0};
  GLuint framebuffer_ = 0, color_texture_ = 0;
  int target_width_ = 0, target_height_ = 0;
  GLuint background_framebuffer_ = 0, background_texture_ = 0;
  int background_width_ = 0, background_height_ = 0;
  std::uint64_t background_key_ = ~0ull;

  GLuint point_program_ = 0, line_program_ = 0, heatmap_program_ = 0;
  GLuint point_vao_ = 0, point_positions_ = 0, point_colors_ = 0;
  GLuint line_vao_ = 0, line_buffer_ = 0;
  GLuint heatmap_vao_ = 0, heatmap_quad_ = 0, heatmap_texture_ = 0;
  std::uint64_t heatmap_key_ = ~0ull;
};

}  // namespace dlab::gui
