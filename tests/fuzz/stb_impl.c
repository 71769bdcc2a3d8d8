/* stb_image and stb_image_resize compiled here with the fuzzer's instrumentation (the app links Debian's libstb,
   built from the same headers). */
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_resize.h>
