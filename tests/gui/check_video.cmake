# cmake -DFFPROBE=... -DFILE=... -DFRAMES=N -DWIDTH=W -DHEIGHT=H [-DCODEC=name] -P check_video.cmake
# The video has N decoded frames of W x H (ffprobe -count_frames decodes every frame).
execute_process(COMMAND ${FFPROBE} -v error -count_frames -select_streams v:0
                        -show_entries stream=codec_name,width,height,nb_read_frames -of csv=p=0 ${FILE}
                OUTPUT_VARIABLE info RESULT_VARIABLE status OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ffprobe cannot read ${FILE}")
endif()
message(STATUS "${FILE}: ${info} (codec,width,height,frames)")
string(REPLACE "," ";" fields "${info}")
list(GET fields 0 codec)
list(GET fields 1 width)
list(GET fields 2 height)
list(GET fields 3 frames)
if(NOT width EQUAL WIDTH OR NOT height EQUAL HEIGHT OR NOT frames EQUAL FRAMES)
  message(FATAL_ERROR "${FILE}: ${frames} frames of ${width}x${height}, expected ${FRAMES} of ${WIDTH}x${HEIGHT}")
endif()
if(DEFINED CODEC AND NOT codec STREQUAL CODEC)
  message(FATAL_ERROR "${FILE}: codec ${codec}, expected ${CODEC}")
endif()
