# ---- Export (issue 11): videos, pictures, numbers and "Copy as command" -------------------------------------
# Included by tests/gui/CMakeLists.txt (the dlab_gui_* functions and DLAB_GUI_ARTEFACTS come from there).
find_program(DLAB_FFPROBE ffprobe)
add_executable(dlab_csv_check csv_check.cpp)
target_compile_options(dlab_csv_check PRIVATE ${DLAB_WARNINGS})
set(art ${DLAB_GUI_ARTEFACTS})

# dlab_export_video_check(NAME FIXTURE FILE FRAMES WIDTH HEIGHT [CODEC]): ffprobe decodes FRAMES frames of WxH.
function(dlab_export_video_check name fixture file frames width height)
  if(NOT DLAB_FFPROBE)
    message(STATUS "ffprobe not found: gui_check_${name} is not registered (apt-get install ffmpeg)")
    return()
  endif()
  set(codec "")
  if(ARGC GREATER 6)
    set(codec -DCODEC=${ARGV6})
  endif()
  add_test(NAME gui_check_${name}
           COMMAND ${CMAKE_COMMAND} -DFFPROBE=${DLAB_FFPROBE} -DFILE=${art}/${file} -DFRAMES=${frames} -DWIDTH=${width}
                   -DHEIGHT=${height} ${codec} -P ${CMAKE_CURRENT_SOURCE_DIR}/check_video.cmake)
  set_tests_properties(gui_check_${name} PROPERTIES LABELS gui FIXTURES_REQUIRED ${fixture})
endfunction()

# A forward run of T = 100 played at 100 steps/s, exported at 10 fps: 11 frames (t = 0, 10, ..., 100) of the
# window drawn off screen at 640x360, as GIF, MP4 (H.264) and WebM (VP9).
set(export_forward --dataset gmm8 --n 500 --timesteps 100 --speed 100 --size 1280x720 --export-fps 10 --export-size 640x360)
dlab_gui_run(export_gif ${export_forward} --export-video ${art}/export_forward.gif --export-title "Forward: 8 Gaussians")
dlab_export_video_check(export_gif gui_export_gif export_forward.gif 11 640 360 gif)
dlab_gui_run(export_mp4 ${export_forward} --export-video ${art}/export_forward.mp4)
dlab_export_video_check(export_mp4 gui_export_mp4 export_forward.mp4 11 640 360 h264)
dlab_gui_run(export_webm ${export_forward} --export-video ${art}/export_forward.webm)
dlab_export_video_check(export_webm gui_export_webm export_forward.webm 11 640 360 vp9)
# The canvas only, of a reverse run (DDIM, 20 steps at 40 steps/s, 20 fps: 11 frames); the canvas of a
# 1280x720 window is 609x480, and H.264 (YUV 4:2:0) keeps an even 608x480.
dlab_gui_run(export_mp4_canvas --mode reverse --model exact --dataset gmm8 --n 500 --sampler ddim --steps 20 --speed 40
             --size 1280x720 --export-fps 20 --export-region canvas --export-video ${art}/export_reverse_canvas.mp4)
dlab_export_video_check(export_mp4_canvas gui_export_mp4_canvas export_reverse_canvas.mp4 11 608 480 h264)

# A cancelled export leaves no file, nor a temporary one; quitting during an export cancels it too.
dlab_gui_run(export_cancel --size 1280x720 --script ${CMAKE_CURRENT_SOURCE_DIR}/scripts/export_cancel.script)
set_tests_properties(gui_export_cancel PROPERTIES PASS_REGULAR_EXPRESSION "export of cancelled_export.mp4 cancelled")
add_test(NAME gui_check_export_cancel
         COMMAND ${CMAKE_COMMAND} -DDIR=${art} -DNAME=cancelled_export.mp4 -P ${CMAKE_CURRENT_SOURCE_DIR}/check_no_file.cmake)
set_tests_properties(gui_check_export_cancel PROPERTIES LABELS gui FIXTURES_REQUIRED gui_export_cancel)
# A file that cannot be written: one error line, exit 1; an unknown extension: exit 2.
add_test(NAME gui_export_unwritable COMMAND ${DLAB_XVFB} $<TARGET_FILE:diffusion-lab> --export-video /nonexistent/a.gif)
set_tests_properties(gui_export_unwritable PROPERTIES LABELS gui WILL_FAIL FALSE
                     PASS_REGULAR_EXPRESSION "error: --export-video: /nonexistent/a.gif: cannot write")
add_test(NAME gui_export_bad_extension COMMAND $<TARGET_FILE:diffusion-lab> --export-video a.avi)
set_tests_properties(gui_export_bad_extension PROPERTIES LABELS gui
                     PASS_REGULAR_EXPRESSION "error: --export-video: a.avi: the file name must end in .mp4")

# Pictures: the canvas at 2x is drawn again at twice the size (exactly twice the 1x picture) and is not blank.
# The 1x one is for print (--export-background white: the light theme): its edge is white, it is mostly light,
# and the points, grid and labels drawn on it make it not blank.
dlab_gui_run(export_png_1x --dataset gmm8 --n 500 --t 200 --size 1280x720 --export-png canvas ${art}/export_canvas_1x.png
             --export-background white)
dlab_gui_run(export_png_2x --dataset gmm8 --n 500 --t 200 --size 1280x720 --export-png canvas ${art}/export_canvas_2x.png
             --export-scale 2)
dlab_gui_check(export_png_2x "gui_export_png_1x;gui_export_png_2x" export_canvas_2x.png --scale-of
               ${art}/export_canvas_1x.png 2)
dlab_gui_check(export_png_1x gui_export_png_1x export_canvas_1x.png --border 255 255 255 0.9 --min-mean 200)
dlab_gui_run(export_png_plots_4x --size 1280x720 --export-png plots ${art}/export_plots_4x.png --export-scale 4
             --export-background transparent)
dlab_gui_check(export_png_plots_4x gui_export_png_plots_4x export_plots_4x.png --min-stddev 4)

# The image view's pixels (--export-png images-grid) are the PNG dlab sample writes for the same image model,
# sampler, class, guidance and seed, byte for byte (one app run also writes the per-image CSV: the class asked
# for, and the shipped shapes classifier's class and confidence).
if(TARGET dlab)
  set(export_images_sampler --sampler ddim --steps 10 --eta 0 --class 3 --guidance 3)
  dlab_gui_run(export_images_grid --view images --image-model ${art}/images_tiny.pt --mode reverse ${export_images_sampler}
               --sample-seed 7 --t 0 --size 1280x720 --export-png images-grid ${art}/export_images_grid.png
               --export-scale 2 --export-csv ${art}/export_images.csv --export-table images)
  set_tests_properties(gui_export_images_grid PROPERTIES FIXTURES_REQUIRED gui_images_tiny_model)
  add_test(NAME gui_export_dlab_sample_images
           COMMAND $<TARGET_FILE:dlab> sample --model ${art}/images_tiny.pt ${export_images_sampler} --seed 7 --n 16 --schedule linear
                   --grid-scale 2 --out ${art}/export_dlab_images_grid.png)
  set_tests_properties(gui_export_dlab_sample_images PROPERTIES LABELS gui FIXTURES_SETUP gui_export_dlab_sample_images
                       FIXTURES_REQUIRED gui_images_tiny_model ENVIRONMENT "OMP_NUM_THREADS=2")
  add_test(NAME gui_check_export_images_grid
           COMMAND ${CMAKE_COMMAND} -E compare_files ${art}/export_images_grid.png ${art}/export_dlab_images_grid.png)
  set_tests_properties(gui_check_export_images_grid PROPERTIES LABELS gui
                       FIXTURES_REQUIRED "gui_export_images_grid;gui_export_dlab_sample_images")
  add_test(NAME gui_check_export_images_csv
           COMMAND ${CMAKE_COMMAND} -DFILE=${art}/export_images.csv -DROWS=16 -DLABEL=3
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/check_images_csv.cmake)
  set_tests_properties(gui_check_export_images_csv PROPERTIES LABELS gui FIXTURES_REQUIRED gui_export_images_grid)
  # Copy as command in the image view: the printed dlab sample line writes the app's grid (each class in turn,
  # DDPM with the posterior variance: the sampler's own noise from the seeds too).
  add_test(NAME gui_export_command_images
           COMMAND ${CMAKE_COMMAND} -DAPP=$<TARGET_FILE:diffusion-lab> -DXVFB_RUN=${DLAB_XVFB_RUN} -DDLAB=$<TARGET_FILE:dlab>
                   -DNAME=${art}/export_command_images
                   "-DARGS=--view images --image-model ${art}/images_tiny.pt --mode reverse --sampler ddpm --steps 8 --sample-seed 3 --t 0"
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/export_image_command.cmake)
  set_tests_properties(gui_export_command_images PROPERTIES LABELS gui TIMEOUT 300 ENVIRONMENT "OMP_NUM_THREADS=2"
                       FIXTURES_REQUIRED gui_images_tiny_model)
endif()

# Numbers: the CSV of a finished reverse run at its end (--t 0: the cursor of a reverse run starts at x_T) equals
# dlab sample's output for the same settings and seed (x, y within float32 rounding; origin is the row), and its
# trajectories equal dlab sample --trajectory.
set(export_reverse --mode reverse --model exact --dataset gmm8 --n 500 --sampler ddpm --steps 20 --sample-seed 5 --t 0)
dlab_gui_run(export_csv_reverse ${export_reverse} --size 1280x720 --export-csv ${art}/export_reverse.csv)
dlab_gui_run(export_csv_trajectories ${export_reverse} --size 1280x720 --export-csv ${art}/export_trajectories.csv
             --export-table trajectories)
add_test(NAME gui_export_dlab_sample
         COMMAND $<TARGET_FILE:dlab> sample --model exact --dataset gmm8 --n 500 --sampler ddpm --steps 20 --seed 5
                 --schedule linear --out ${art}/export_dlab_sample.csv --trajectory ${art}/export_dlab_trajectory.csv)
set_tests_properties(gui_export_dlab_sample PROPERTIES LABELS gui FIXTURES_SETUP gui_export_dlab_sample)
add_test(NAME gui_check_export_csv_reverse
         COMMAND dlab_csv_check ${art}/export_reverse.csv ${art}/export_dlab_sample.csv --origin)
set_tests_properties(gui_check_export_csv_reverse PROPERTIES LABELS gui
                     FIXTURES_REQUIRED "gui_export_csv_reverse;gui_export_dlab_sample")
add_test(NAME gui_check_export_csv_trajectories
         COMMAND dlab_csv_check ${art}/export_trajectories.csv ${art}/export_dlab_trajectory.csv)
set_tests_properties(gui_check_export_csv_trajectories PROPERTIES LABELS gui
                     FIXTURES_REQUIRED "gui_export_csv_trajectories;gui_export_dlab_sample")
# The schedule table is dlab schedule's, byte for byte (both print core's schedule_csv).
dlab_gui_run(export_csv_schedule --schedule cosine --timesteps 500 --size 1280x720 --export-csv ${art}/export_schedule.csv
             --export-table schedule)
add_test(NAME gui_export_dlab_schedule
         COMMAND $<TARGET_FILE:dlab> schedule --schedule cosine --timesteps 500 --out ${art}/export_dlab_schedule.csv)
set_tests_properties(gui_export_dlab_schedule PROPERTIES LABELS gui FIXTURES_SETUP gui_export_dlab_schedule)
add_test(NAME gui_check_export_csv_schedule
         COMMAND ${CMAKE_COMMAND} -E compare_files ${art}/export_schedule.csv ${art}/export_dlab_schedule.csv)
set_tests_properties(gui_check_export_csv_schedule PROPERTIES LABELS gui
                     FIXTURES_REQUIRED "gui_export_csv_schedule;gui_export_dlab_schedule")

# Copy as command: the printed dlab command prints the points the app exports (forward closed form and chain,
# reverse DDIM with the exact oracle, reverse DDPM with the shipped network: at --t 0, the run's x_0).
function(dlab_export_command name args)
  add_test(NAME gui_export_command_${name}
           COMMAND ${CMAKE_COMMAND} -DAPP=$<TARGET_FILE:diffusion-lab> -DXVFB_RUN=${DLAB_XVFB_RUN} -DDLAB=$<TARGET_FILE:dlab>
                   -DCHECK=$<TARGET_FILE:dlab_csv_check> -DNAME=${art}/export_command_${name} "-DARGS=${args}"
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/export_command.cmake)
  set_tests_properties(gui_export_command_${name} PROPERTIES LABELS gui TIMEOUT 300 ENVIRONMENT "OMP_NUM_THREADS=2")
endfunction()
dlab_export_command(forward "--dataset moons --n 400 --seed 3 --t 250 --schedule cosine")
dlab_export_command(chain "--dataset gmm8 --n 300 --seed 2 --t 40 --forward-mode chain --timesteps 200")
dlab_export_command(reverse_ddim "--mode reverse --model exact --dataset gmm25 --n 400 --sampler ddim --steps 25 --sample-seed 9 --t 0")
dlab_export_command(reverse_pretrained "--mode reverse --model pretrained --dataset gmm8 --n 300 --sampler ddpm --steps 50 --sample-seed 4 --t 0")
