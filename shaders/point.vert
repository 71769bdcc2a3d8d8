#version 330 core
// Points: one GL point sprite per point (GL_POINTS with gl_PointSize), centred on the point's data position and
// sized in pixels, so a point looks the same at every zoom. One vertex per point instead of an instanced quad's
// two triangles: a software rasteriser (llvmpipe) spends most of a 10,000-point frame on triangle setup.
layout(location = 1) in vec2 a_position;  // data coordinates
layout(location = 2) in vec4 a_color;     // RGBA

uniform vec2 u_center;         // data coordinates shown at the centre of the canvas
uniform vec2 u_data_to_ndc;    // NDC units per data unit (x, y)
uniform float u_radius_px;     // disc radius in pixels

out vec4 v_color;

void main() {
  float half_size_px = u_radius_px + 0.75;  // the soft edge ends 0.75 px beyond the radius (point.frag)
  gl_Position = vec4((a_position - u_center) * u_data_to_ndc, 0.0, 1.0);
  gl_PointSize = 2.0 * half_size_px;
  v_color = a_color;
}
