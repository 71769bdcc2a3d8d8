# diffusion-lab: the desktop app (Dear ImGui + GLFW + OpenGL 3.3 core through a glad loader).
# Included by the top-level CMakeLists.txt when DLAB_BUILD_GUI is ON.
#
# - glad: the GL loader is generated at build time by the glad 2 generator of the Debian package
#   python3-glad. It must run with the system python (/usr/bin/python3): a pyenv python on PATH
#   does not have the module.
# - shaders/: embedded into the binary at build time (cmake/EmbedShaders.cmake writes a .cpp with the
#   file contents as string literals), so the app needs no files at run time but its fonts.
# - Folders: state/ and timeline/ (torch-free, GL-free, unit-tested), compute/ and views/*/compute/ (the
#   only files that include LibTorch; they use the precompiled header), and the GL and ImGui files
#   (shell/, panels/, views/*, render/, ui/) that never parse LibTorch.

# - DLAB_BUILD_GUI_APP=OFF: only dlab_gui_state and dlab_gui_compute (and their tests), without any GL
#   package: the ThreadSanitizer build of scripts/setup.sh test.

if(DLAB_BUILD_GUI_APP)
find_package(PkgConfig REQUIRED)
pkg_check_modules(DLAB_IMGUI REQUIRED IMPORTED_TARGET imgui)
find_path(DLAB_IMGUI_BACKENDS_DIR imgui_impl_glfw.h HINTS ${DLAB_IMGUI_INCLUDE_DIRS} PATH_SUFFIXES backends
          DOC "Dear ImGui's GLFW and OpenGL 3 backend headers (Debian: /usr/include/imgui/backends)")
if(NOT DLAB_IMGUI_BACKENDS_DIR)
  message(FATAL_ERROR "imgui_impl_glfw.h not found: apt-get install libimgui-dev, or configure with -DDLAB_BUILD_GUI=OFF")
endif()
find_package(glfw3 3.3 REQUIRED)
find_package(OpenGL REQUIRED)
# The export of videos (app/gui/export): FFmpeg's libraries (MP4 H.264, WebM VP9) and giflib (GIF).
pkg_check_modules(DLAB_AV IMPORTED_TARGET libavcodec libavformat libswscale libavutil)
find_package(GIF)
if(NOT DLAB_AV_FOUND OR NOT GIF_FOUND)
  message(FATAL_ERROR "the video export needs FFmpeg's and giflib's headers: apt-get install libavcodec-dev "
                      "libavformat-dev libswscale-dev libgif-dev (scripts/setup.sh deps), or configure with -DDLAB_BUILD_GUI=OFF")
endif()

# ---- glad: GL 3.3 core loader, generated into the build dir -----------------------------------------
find_program(DLAB_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT DLAB_SYSTEM_PYTHON)
  message(FATAL_ERROR "diffusion-lab needs /usr/bin/python3 with the glad generator (apt-get install python3-glad), "
                      "or configure with -DDLAB_BUILD_GUI=OFF")
endif()
execute_process(COMMAND ${DLAB_SYSTEM_PYTHON} -c "import glad" RESULT_VARIABLE DLAB_GLAD_MISSING
                OUTPUT_QUIET ERROR_QUIET)
if(DLAB_GLAD_MISSING)
  message(FATAL_ERROR "${DLAB_SYSTEM_PYTHON} cannot import glad: apt-get install python3-glad, "
                      "or configure with -DDLAB_BUILD_GUI=OFF")
endif()

set(DLAB_GLAD_DIR ${CMAKE_CURRENT_BINARY_DIR}/glad)
add_custom_command(
  OUTPUT ${DLAB_GLAD_DIR}/src/gl.c ${DLAB_GLAD_DIR}/include/glad/gl.h
  COMMAND ${DLAB_SYSTEM_PYTHON} -m glad --quiet --reproducible --api gl:core=3.3 --out-path ${DLAB_GLAD_DIR} c
  COMMENT "Generating the OpenGL 3.3 core loader with glad"
  VERBATIM)
add_library(dlab_glad STATIC ${DLAB_GLAD_DIR}/src/gl.c)
target_include_directories(dlab_glad PUBLIC ${DLAB_GLAD_DIR}/include)
target_link_libraries(dlab_glad PUBLIC ${CMAKE_DL_LIBS})

# ---- shaders embedded as string literals --------------------------------------------------------------
file(GLOB DLAB_SHADER_FILES CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.vert ${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.frag)
set(DLAB_EMBEDDED_SHADERS ${CMAKE_CURRENT_BINARY_DIR}/generated/embedded_shaders.cpp)
string(REPLACE ";" "|" DLAB_SHADER_FILE_LIST "${DLAB_SHADER_FILES}")  # a list survives the command line
add_custom_command(
  OUTPUT ${DLAB_EMBEDDED_SHADERS}
  COMMAND ${CMAKE_COMMAND} "-DDLAB_SHADER_FILES=${DLAB_SHADER_FILE_LIST}" -DDLAB_OUTPUT=${DLAB_EMBEDDED_SHADERS}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedShaders.cmake
  DEPENDS ${DLAB_SHADER_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedShaders.cmake
  COMMENT "Embedding shaders/ into the diffusion-lab binary"
  VERBATIM)
endif()

# ---- the app's state: the Scene, the control registry, scene files, scripts and the timeline -----------
# Torch-free and GL-free (unit-tested without a window: tests/gui_state).
find_package(nlohmann_json REQUIRED)
file(GLOB DLAB_GUI_STATE_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/app/gui/state/*.cpp
     ${CMAKE_CURRENT_SOURCE_DIR}/app/gui/timeline/*.cpp)
add_library(dlab_gui_state STATIC ${DLAB_GUI_STATE_SOURCES})
target_link_libraries(dlab_gui_state PUBLIC dlab_core nlohmann_json::nlohmann_json)
target_compile_options(dlab_gui_state PRIVATE ${DLAB_WARNINGS})

# ---- the LibTorch side of the app: every compute/ folder (forward process, samplers, models, training) --
# This folder name is the build's LibTorch boundary: only these files use the precompiled header.
file(GLOB DLAB_GUI_COMPUTE_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/app/gui/compute/*.cpp
     ${CMAKE_CURRENT_SOURCE_DIR}/app/gui/views/*/compute/*.cpp)
add_library(dlab_gui_compute STATIC ${DLAB_GUI_COMPUTE_SOURCES})
target_link_libraries(dlab_gui_compute PUBLIC dlab_gui_state dlab_core)
target_compile_options(dlab_gui_compute PRIVATE ${DLAB_WARNINGS})
target_precompile_headers(dlab_gui_compute REUSE_FROM dlab_core)

# ---- diffusion-lab: windows, widgets and GL; no LibTorch parsing here ---------------------------------
if(NOT DLAB_BUILD_GUI_APP)
  return()
endif()
file(GLOB_RECURSE DLAB_GUI_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/app/gui/*.cpp)
list(FILTER DLAB_GUI_SOURCES EXCLUDE REGEX "/compute/[^/]*\\.cpp$")
list(FILTER DLAB_GUI_SOURCES EXCLUDE REGEX "/app/gui/(state|timeline)/")
add_executable(diffusion-lab ${DLAB_GUI_SOURCES} ${DLAB_EMBEDDED_SHADERS})
target_link_libraries(diffusion-lab PRIVATE dlab_gui_compute dlab_gui_state dlab_glad PkgConfig::DLAB_IMGUI glfw OpenGL::GL
                                            PkgConfig::DLAB_AV GIF::GIF)
target_compile_options(diffusion-lab PRIVATE ${DLAB_WARNINGS})
target_include_directories(diffusion-lab PRIVATE ${DLAB_IMGUI_BACKENDS_DIR})
target_compile_definitions(diffusion-lab PRIVATE DLAB_VERSION="${PROJECT_VERSION}")
