# Hostile and careless input to diffusion-lab (issue 15). Run with -DDIFFUSION_LAB=path -DXVFB="xvfb-run;..."
# -DWORK=folder -DMODE=flags|fonts|scripts.
#   flags: each bad flag exits 2 with exactly one line on stderr, "error: ...", naming the flag.
#   class: -DMODEL=a 10-class U-Net: `set class 100000` fails the script at its line, naming the model's range
#          (before, the value silently became the null label); `set class 10`, the null label, is fine.
#   fonts: each unusable --font or DLAB_FONT (missing, empty, a folder, a text file, DejaVu Sans cut at several
#          lengths) prints one line "error: --font 'F': REASON; using the default font instead", and the app
#          still renders its window and exits 0 (before, 11 of 13 such files crashed it).
function(expect_one_error_line err what pattern)
  string(REGEX MATCHALL "(^|\n)error: " lines "${err}")
  list(LENGTH lines count)
  if(NOT count EQUAL 1 OR NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "${what}: expected one line matching '${pattern}', got:\n${err}")
  endif()
endfunction()

if(MODE STREQUAL "flags")
  set(cases "--frames|0" "--frames" "--ui-scale|100" "--no-such-flag" "--script|${WORK}/no_such.script"
            "--frames|99999999999999")
  set(patterns "^error: --frames: " "^error: --frames" "^error: --ui-scale: " "^error: [^\n]*--no-such-flag"
               "^error: --script: " "^error: --frames")
  foreach(index RANGE 5)
    list(GET cases ${index} case)
    list(GET patterns ${index} pattern)
    string(REPLACE "|" ";" args "${case}")
    execute_process(COMMAND ${DIFFUSION_LAB} ${args} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT code EQUAL 2)
      message(FATAL_ERROR "${case}: exit code ${code}, expected 2; stderr:\n${err}")
    endif()
    if(NOT err MATCHES "^error: [^\n]*\n$" OR NOT err MATCHES "${pattern}")
      message(FATAL_ERROR "${case}: expected one line '${pattern}...', got:\n${err}")
    endif()
  endforeach()
  return()
endif()

if(MODE STREQUAL "scripts")
  # --timeout ends a script that waits too long: exit 1 naming the file; a wait that would never end is refused
  # with file and line before the window opens (exit 2).
  file(WRITE ${WORK}/long_wait.script "wait 100000\n")
  execute_process(COMMAND ${XVFB} ${DIFFUSION_LAB} --script ${WORK}/long_wait.script --timeout 3 --size 640x480
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 1)
    message(FATAL_ERROR "--timeout 3: exit code ${code}, expected 1; stderr:\n${err}")
  endif()
  expect_one_error_line("${err}" "--timeout" "error: [^\n]*long_wait.script: not finished after 3 s \\(--timeout\\)\n")
  file(WRITE ${WORK}/forever.script "# waits a year\nwait 2000000000\n")
  execute_process(COMMAND ${XVFB} ${DIFFUSION_LAB} --script ${WORK}/forever.script --size 640x480
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(code EQUAL 0)
    message(FATAL_ERROR "wait 2000000000: exit code 0; stderr:\n${err}")
  endif()
  expect_one_error_line("${err}" "wait 2000000000" "error: [^\n]*forever.script:2: wait 2000000000: the frames to wait")
  return()
endif()

if(MODE STREQUAL "class")
  set(script ${WORK}/class_range.script)
  file(WRITE ${script} "# a model of 10 classes: -1, 0..9 and 10 (the null label)\nwait-sampling\nset class 10\n"
                       "wait-sampling\nset class 100000\nwait-sampling\nscreenshot ${WORK}/class_range.png\n")
  # The app on the tiny model with ARGN exits 2 with one line matching `pattern` and never writes `shot`.
  function(expect_class_refused what pattern shot)
    file(REMOVE ${shot})
    execute_process(COMMAND ${XVFB} ${DIFFUSION_LAB} --view images --image-model ${MODEL} --mode reverse --sampler ddim
                            --steps 5 --size 640x480 ${ARGN}
                    RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT code EQUAL 2)
      message(FATAL_ERROR "${what}: exit code ${code}, expected 2; stderr:\n${err}")
    endif()
    expect_one_error_line("${err}" "${what}" "${pattern}")
    if(EXISTS ${shot})
      message(FATAL_ERROR "${what}: the app went on after the failed value (${shot} was written)")
    endif()
  endfunction()
  expect_class_refused("set class 100000"
                       "error: [^\n]*class_range.script:5: class 100000 is out of range for the model [^\n]*images_tiny.pt \\(10 classes\\): allowed -1 \\(each class in turn\\), 0\\.\\.9, or 10 \\(the null label"
                       ${WORK}/class_range.png --script ${script})
  # The same class as a flag: exit 2 naming --class, no screenshot.
  expect_class_refused("--class 100000"
                       "error: --class: class 100000 is out of range for the model [^\n]*images_tiny.pt \\(10 classes\\)"
                       ${WORK}/class_flag.png --class 100000 --screenshot ${WORK}/class_flag.png)
  return()
endif()

# fonts
set(dejavu /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)
file(MAKE_DIRECTORY ${WORK}/fonts/folder.ttf)
file(WRITE ${WORK}/fonts/empty.ttf "")
file(WRITE ${WORK}/fonts/text.ttf "this is not a font, only some text that is long enough\n")
set(fonts ${WORK}/fonts/missing.ttf ${WORK}/fonts/empty.ttf ${WORK}/fonts/folder.ttf ${WORK}/fonts/text.ttf)
set(reasons "No such file" "the file is empty" "it is a folder" "not a TrueType or OpenType font")
if(EXISTS ${dejavu})
  foreach(bytes 11 100 1000 100000 700000)
    execute_process(COMMAND head -c ${bytes} ${dejavu} OUTPUT_FILE ${WORK}/fonts/cut${bytes}.ttf)
    list(APPEND fonts ${WORK}/fonts/cut${bytes}.ttf)
    list(APPEND reasons "(truncated|not a TrueType)")
  endforeach()
endif()
list(LENGTH fonts count)
math(EXPR last "${count} - 1")
foreach(index RANGE ${last})
  list(GET fonts ${index} font)
  list(GET reasons ${index} reason)
  set(shot ${WORK}/fonts/shot${index}.png)
  file(REMOVE ${shot})
  if(index EQUAL 3)  # one through the environment
    execute_process(COMMAND ${CMAKE_COMMAND} -E env DLAB_FONT=${font} ${XVFB} ${DIFFUSION_LAB} --size 640x480 --frames 2
                            --screenshot ${shot} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(flag "DLAB_FONT")
  else()
    execute_process(COMMAND ${XVFB} ${DIFFUSION_LAB} --font ${font} --size 640x480 --frames 2 --screenshot ${shot}
                    RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(flag "--font")
  endif()
  if(NOT code EQUAL 0 OR NOT EXISTS ${shot})
    message(FATAL_ERROR "${flag} ${font}: exit code ${code} (expected 0 and a screenshot); stderr:\n${err}")
  endif()
  expect_one_error_line("${err}" "${flag} ${font}" "error: ${flag} '[^\n]*': ${reason}[^\n]*; using the default font instead\n")
endforeach()
