# cmake -DDIR=... -DNAME=... -P check_no_file.cmake: no file DIR/NAME and no temporary DIR/NAME.* or DIR/.NAME*
# is left behind (a cancelled export writes nothing).
file(GLOB left ${DIR}/${NAME} ${DIR}/${NAME}.* ${DIR}/.${NAME}*)
if(left)
  message(FATAL_ERROR "left behind: ${left}")
endif()
