# The translation catalogue (README.md, "Translations"), run as a script:
#
#   cmake -DMODE=update -P cmake/I18n.cmake     regenerate assets/i18n/diffusion-lab.pot from the sources and merge
#                                               it into assets/i18n/zh_CN.po (new strings come in untranslated, changed
#                                               ones fuzzy: translate them, then remove the fuzzy flag)
#   cmake -DMODE=check -DOUT_DIR=DIR -P ...     the ctest i18n_catalogue: fails when a string of app/gui marked tr("...")
#                                               or N_("...") has no non-empty, non-fuzzy Chinese translation, or when a
#                                               translation's printf directives differ from its msgid's; lists the
#                                               .po's entries that no source uses (a warning: a translation may come
#                                               in before the string it translates)
#
# Needs GNU gettext's tools (xgettext, msgmerge, msgcmp, msgfmt: apt-get install gettext); the app itself reads
# the .po with its own parser (app/gui/state/i18n.cpp).
cmake_minimum_required(VERSION 3.16)
get_filename_component(DLAB_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(NOT MODE)
  set(MODE check)
endif()
set(DLAB_PO ${DLAB_ROOT}/assets/i18n/zh_CN.po)

foreach(tool xgettext msgmerge msgcmp msgfmt)
  string(TOUPPER ${tool} var)
  find_program(DLAB_${var} ${tool})
  if(NOT DLAB_${var})
    message(FATAL_ERROR "${tool} not found: apt-get install gettext")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${DLAB_ROOT} RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    list(GET ARGN 0 tool)
    get_filename_component(tool ${tool} NAME)
    message(FATAL_ERROR "${tool} failed:\n${out}")
  endif()
endfunction()

# Every string the window shows: tr("...") where it is shown, N_("...") where it is stored (name tables, view
# registrations). Paths relative to the root, so the .pot's locations read app/gui/....
file(GLOB_RECURSE sources RELATIVE ${DLAB_ROOT} ${DLAB_ROOT}/app/gui/*.cpp ${DLAB_ROOT}/app/gui/*.h)
list(SORT sources)

if(MODE STREQUAL "update")
  set(pot ${DLAB_ROOT}/assets/i18n/diffusion-lab.pot)
elseif(MODE STREQUAL "check")
  if(NOT OUT_DIR)
    message(FATAL_ERROR "MODE=check needs -DOUT_DIR=DIR")
  endif()
  file(MAKE_DIRECTORY ${OUT_DIR})
  set(pot ${OUT_DIR}/diffusion-lab.pot)
else()
  message(FATAL_ERROR "MODE must be update or check, not '${MODE}'")
endif()

run(${DLAB_XGETTEXT} --language=C++ --from-code=UTF-8 --keyword=tr --keyword=N_ --add-comments=TRANSLATORS:
    --add-location=file --sort-by-file --package-name=diffusion-lab --msgid-bugs-address=
    -o ${pot} ${sources})

if(MODE STREQUAL "update")
  run(${DLAB_MSGMERGE} --quiet --update --backup=none --add-location=file ${DLAB_PO} ${pot})
  message(STATUS "wrote ${pot}; merged it into ${DLAB_PO}")
  return()
endif()

# Every msgid of the sources has a translation (msgcmp counts empty and fuzzy ones as missing) ...
execute_process(COMMAND ${DLAB_MSGCMP} -N ${DLAB_PO} ${pot} RESULT_VARIABLE missing ERROR_VARIABLE why)
if(NOT missing EQUAL 0)
  message(FATAL_ERROR "${why}\nStrings of the window without a Chinese translation (above): add them to "
                      "assets/i18n/zh_CN.po (cmake -DMODE=update -P cmake/I18n.cmake brings them in; README.md, "
                      "\"Translations\")")
endif()
# ... entries no source uses are listed (obsolete "#~" entries are not): a warning, since a translation may be
# committed before the string it translates ...
execute_process(COMMAND ${DLAB_MSGCMP} -N --use-untranslated ${pot} ${DLAB_PO} RESULT_VARIABLE stale ERROR_VARIABLE why)
if(NOT stale EQUAL 0)
  message(WARNING "${why}\nEntries of assets/i18n/zh_CN.po that no source uses (above): "
                  "cmake -DMODE=update -P cmake/I18n.cmake marks them obsolete")
endif()
# ... and each translation keeps its msgid's printf directives (%d, %s, %.3f ...) in order, with the c-format
# flags xgettext gives the sources' strings.
run(${DLAB_MSGMERGE} --quiet -N -o ${OUT_DIR}/zh_CN.merged.po ${DLAB_PO} ${pot})
run(${DLAB_MSGFMT} --check -o /dev/null ${DLAB_PO})
run(${DLAB_MSGFMT} --check -o /dev/null ${OUT_DIR}/zh_CN.merged.po)
message(STATUS "every string of app/gui has a Chinese translation")
