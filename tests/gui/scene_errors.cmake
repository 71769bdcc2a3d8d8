# Each unusable scene file: diffusion-lab --open FILE --screenshot X exits 1 with exactly one line on stderr,
# "error: FILE: FIELD: ...", naming what to fix. Run with -DDIFFUSION_LAB=path in the folder of the files.
set(expected
    "future_version.json: version: version 2 was written by a newer Diffusion Lab"
    "unknown_value.json: settings.sampler: unknown value 'warp-drive'"
    "missing_model.json: settings.image-model: the model 'no_such_model.pt' does not exist"
    "malformed.json: not a scene file \\(invalid JSON")
foreach(entry ${expected})
  string(REGEX MATCH "^[a-z_]+\\.json" file "${entry}")
  execute_process(COMMAND ${DIFFUSION_LAB} --open ${file} --screenshot never.png RESULT_VARIABLE code
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 1)
    message(FATAL_ERROR "${file}: exit code ${code}, expected 1")
  endif()
  if(NOT err MATCHES "^error: ${entry}[^\n]*\n$")
    message(FATAL_ERROR "${file}: expected one line 'error: ${entry}...', got:\n${err}")
  endif()
endforeach()
