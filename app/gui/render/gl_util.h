// Small OpenGL helpers: programs built from the shaders embedded at build time (shaders/*.vert|frag,
// see cmake/EmbedShaders.cmake), and a vendor/version string for logs.
#pragma once

#include <glad/gl.h>

#include <string>

namespace dlab::gui {

// The text of an embedded shader file such as "point.vert", or nullptr.
const char* embedded_shader(const char* name);

// Compiles and links a program from two embedded shader files. Throws std::runtime_error with the
// compiler log on failure.
GLuint build_program(const char* vertex_name, const char* fragment_name);

std::string gl_description();  // "renderer, version"

}  // namespace dlab::gui
