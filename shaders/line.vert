#version 330 core
// Coloured line segments in data coordinates: grid, axes, trajectories and the eps_hat field.
layout(location = 0) in vec2 a_position;
layout(location = 1) in vec4 a_color;

uniform vec2 u_center;
uniform vec2 u_data_to_ndc;

out vec4 v_color;

void main() {
  gl_Position = vec4((a_position - u_center) * u_data_to_ndc, 0.0, 1.0);
  v_color = a_color;
}
