#include "app/gui/render/gl_util.h"

#include <stdexcept>
#include <vector>

namespace dlab::gui {

namespace {

// The compiler's or linker's log of a shader or program object.
template <class GetIv, class GetLog>
std::string info_log(GLuint object, GetIv get_iv, GetLog get_log) {
  GLint length = 0;
  get_iv(object, GL_INFO_LOG_LENGTH, &length);
  std::vector<char> log(static_cast<std::size_t>(std::max(1, length)));
  get_log(object, length, nullptr, log.data());
  return log.data();
}

GLuint compile(GLenum type, const char* name) {
  const char* source = embedded_shader(name);
  if (!source) throw std::runtime_error(std::string("shader ") + name + " is not embedded in the binary");
  const GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    const std::string log = info_log(shader, glGetShaderiv, glGetShaderInfoLog);
    glDeleteShader(shader);
    throw std::runtime_error(std::string("shaders/") + name + ": " + log);
  }
  return shader;
}

}  // namespace

GLuint build_program(const char* vertex_name, const char* fragment_name) {
  const GLuint vertex = compile(GL_VERTEX_SHADER, vertex_name);
  GLuint fragment = 0;
  try {
    fragment = compile(GL_FRAGMENT_SHADER, fragment_name);
  } catch (...) {
    glDeleteShader(vertex);
    throw;
  }
  const GLuint program = glCreateProgram();
  glAttachShader(program, vertex);
  glAttachShader(program, fragment);
  glLinkProgram(program);
  glDeleteShader(vertex);
  glDeleteShader(fragment);
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    const std::string log = info_log(program, glGetProgramiv, glGetProgramInfoLog);
    glDeleteProgram(program);
    throw std::runtime_error(std::string("linking ") + vertex_name + " + " + fragment_name + ": " + log);
  }
  return program;
}

std::string gl_description() {
  const auto text = [](GLenum name) {
    const auto* value = reinterpret_cast<const char*>(glGetString(name));
    return std::string(value ? value : "?");
  };
  return text(GL_RENDERER) + ", OpenGL " + text(GL_VERSION);
}

}  // namespace dlab::gui
