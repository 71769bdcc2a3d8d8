#version 330 core
// A round disc with an antialiased rim, tinted by a uniform (dims the data layer under the points).
in vec2 v_offset_px;
in vec4 v_color;

uniform float u_radius_px;
uniform vec4 u_tint;

out vec4 frag_color;

void main() {
  float distance_px = length(v_offset_px);
  float coverage = 1.0 - smoothstep(u_radius_px - 0.75, u_radius_px + 0.75, distance_px);
  if (coverage <= 0.0) discard;
  vec4 color = v_color * u_tint;
  frag_color = vec4(color.rgb, color.a * coverage);
}
