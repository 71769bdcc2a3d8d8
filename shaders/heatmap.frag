#version 330 core
// Maps a scalar texture in [0, 1] through a colour map: 0 = density (dark blue to warm yellow, like
// matplotlib's "viridis"), 1 = error (black to red to yellow, like "inferno").
in vec2 v_uv;

uniform sampler2D u_values;
uniform int u_colormap;
uniform float u_opacity;

out vec4 frag_color;

vec3 viridis(float x) {
  const vec3 c0 = vec3(0.267, 0.005, 0.329);
  const vec3 c1 = vec3(0.229, 0.322, 0.546);
  const vec3 c2 = vec3(0.128, 0.567, 0.551);
  const vec3 c3 = vec3(0.369, 0.789, 0.383);
  const vec3 c4 = vec3(0.993, 0.906, 0.144);
  float s = clamp(x, 0.0, 1.0) * 4.0;
  if (s < 1.0) return mix(c0, c1, s);
  if (s < 2.0) return mix(c1, c2, s - 1.0);
  if (s < 3.0) return mix(c2, c3, s - 2.0);
  return mix(c3, c4, s - 3.0);
}

vec3 inferno(float x) {
  const vec3 c0 = vec3(0.001, 0.000, 0.014);
  const vec3 c1 = vec3(0.341, 0.062, 0.429);
  const vec3 c2 = vec3(0.735, 0.216, 0.330);
  const vec3 c3 = vec3(0.978, 0.557, 0.035);
  const vec3 c4 = vec3(0.988, 0.998, 0.645);
  float s = clamp(x, 0.0, 1.0) * 4.0;
  if (s < 1.0) return mix(c0, c1, s);
  if (s < 2.0) return mix(c1, c2, s - 1.0);
  if (s < 3.0) return mix(c2, c3, s - 2.0);
  return mix(c3, c4, s - 3.0);
}

void main() {
  float value = texture(u_values, v_uv).r;
  vec3 color = (u_colormap == 0) ? viridis(value) : inferno(value);
  // Low values fade into the background so the points stay readable.
  float alpha = u_opacity * smoothstep(0.0, 0.08, value);
  frag_color = vec4(color, alpha);
}
