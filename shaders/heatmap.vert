#version 330 core
// A textured rectangle over the data-space box where a scalar field (density, score error) was evaluated.
layout(location = 0) in vec2 a_corner;  // in [0, 1]^2

uniform vec2 u_center;
uniform vec2 u_data_to_ndc;
uniform vec2 u_box_min;  // data-space box of the texture
uniform vec2 u_box_max;

out vec2 v_uv;

void main() {
  vec2 position = mix(u_box_min, u_box_max, a_corner);
  gl_Position = vec4((position - u_center) * u_data_to_ndc, 0.0, 1.0);
  v_uv = a_corner;
}
