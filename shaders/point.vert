#version 330 core
// Instanced points: one quad per point (corner in [-1, 1]^2), centred on the point's data position and
// sized in pixels, so a point looks the same at every zoom.
layout(location = 0) in vec2 a_corner;    // per vertex
layout(location = 1) in vec2 a_position;  // per instance, data coordinates
layout(location = 2) in vec4 a_color;     // per instance, RGBA

uniform vec2 u_center;         // data coordinates shown at the centre of the canvas
uniform vec2 u_data_to_ndc;    // NDC units per data unit (x, y)
uniform vec2 u_pixel_to_ndc;   // 2 / canvas size in pixels
uniform float u_radius_px;     // disc radius in pixels

out vec2 v_offset_px;  // offset from the point's centre, in pixels
out vec4 v_color;

void main() {
  float half_size_px = u_radius_px + 1.0;  // one pixel of margin for the soft edge
  vec2 centre_ndc = (a_position - u_center) * u_data_to_ndc;
  gl_Position = vec4(centre_ndc + a_corner * half_size_px * u_pixel_to_ndc, 0.0, 1.0);
  v_offset_px = a_corner * half_size_px;
  v_color = a_color;
}
