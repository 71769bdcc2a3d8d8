#version 330 core
// A round disc with an antialiased rim, tinted by a uniform (dims the data layer under the points).
in vec4 v_color;

uniform float u_radius_px;
uniform vec4 u_tint;

out vec4 frag_color;

void main() {
  // gl_PointCoord runs over [0, 1]^2 across the sprite: the offset from its centre in pixels.
  vec2 offset_px = (gl_PointCoord * 2.0 - 1.0) * (u_radius_px + 0.75);
  float distance_px = length(offset_px);
  float coverage = 1.0 - smoothstep(u_radius_px - 0.75, u_radius_px + 0.75, distance_px);
  if (coverage <= 0.0) discard;
  vec4 color = v_color * u_tint;
  frag_color = vec4(color.rgb, color.a * coverage);
}
