# Every slide of one lesson renders: the app opens the lesson, shows each slide in turn with Page Down (as a
# clicker does), and writes a screenshot and the statistics of each; each must show the right slide, its
# text with every placeholder replaced (by a number, or "–" while a value such as a finished run's quality is
# not computed yet), and a picture that is not blank.
#   cmake -DDIFFUSION_LAB=app -DSTATS_CHECK=tool -DPNG_CHECK=tool -DLESSON=file.json -DTAG=name [-DARGS=...]
#         -P lesson_tour.cmake        (in the artefacts folder; ARGS: --lang zh, --presenter, ...)
file(READ ${LESSON} lesson_json)
string(JSON slide_count LENGTH "${lesson_json}" slides)
get_filename_component(name ${LESSON} NAME_WE)
set(script "${CMAKE_CURRENT_BINARY_DIR}/tour_${TAG}_${name}.script")
set(lines "")
math(EXPR last "${slide_count} - 1")
foreach(k RANGE 0 ${last})
  math(EXPR number "${k} + 1")
  # A few frames per slide: a reverse run goes on sampling in its worker (waiting for 1000 DDPM steps on every
  # slide would take minutes on a CI machine); the picture shows what is recorded so far.
  string(APPEND lines "wait 4\nstats tour_${TAG}_${name}_${number}.json\n"
                      "screenshot tour_${TAG}_${name}_${number}.png\nkey pagedown\n")
endforeach()
string(APPEND lines "quit\n")
file(WRITE ${script} "${lines}")
separate_arguments(extra UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${DIFFUSION_LAB} --lesson ${LESSON} --size 1920x1080 --script ${script} ${extra}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "${name} (${ARGS}): exit code ${code}\n${out}\n${err}")
endif()
foreach(k RANGE 1 ${slide_count})
  execute_process(COMMAND ${STATS_CHECK} tour_${TAG}_${name}_${k}.json --equals slide ${k} --equals slides ${slide_count}
                          --lacks slide_text "{" RESULT_VARIABLE code OUTPUT_VARIABLE out
                          ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${name} slide ${k} (${ARGS}):\n${err}")
  endif()
  execute_process(COMMAND ${PNG_CHECK} tour_${TAG}_${name}_${k}.png --size 1920x1080 --min-stddev 8 RESULT_VARIABLE code
                  ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${name} slide ${k} (${ARGS}): ${err}")
  endif()
endforeach()
message(STATUS "${name} (${ARGS}): ${slide_count} slides")
