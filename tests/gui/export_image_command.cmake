# "Copy as command" in the image view (issue 11): the dlab sample line the app prints writes the PNG grid the app
# exports for the same scene (--export-png images-grid at --export-scale 2, the command's --grid-scale 2), byte
# for byte.
# cmake -DAPP=diffusion-lab -DXVFB_RUN=xvfb-run -DDLAB=dlab -DNAME=tag -DARGS="scene flags" -P export_image_command.cmake
separate_arguments(args UNIX_COMMAND "${ARGS}")
file(REMOVE_RECURSE ${NAME}_dir)
file(MAKE_DIRECTORY ${NAME}_dir)
execute_process(COMMAND ${XVFB_RUN} -a -s "-screen 0 1920x1080x24" ${APP} --size 1280x720 ${args} --print-command
                        --export-png images-grid ${NAME}_app.png --export-scale 2
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "diffusion-lab failed (${status}): ${out} ${err}")
endif()
string(REGEX MATCH "dlab sample[^\n]*" command "${out}")
if(NOT command)
  message(FATAL_ERROR "no dlab sample command line in: ${out}")
endif()
message(STATUS "the app printed: ${command}")
string(REGEX REPLACE "^dlab " "" rest "${command}")
separate_arguments(rest UNIX_COMMAND "${rest}")
execute_process(COMMAND ${DLAB} ${rest} WORKING_DIRECTORY ${NAME}_dir RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the printed command failed (${status}): ${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${NAME}_app.png ${NAME}_dir/samples.png RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the app's image grid differs from the PNG the printed command wrote")
endif()
