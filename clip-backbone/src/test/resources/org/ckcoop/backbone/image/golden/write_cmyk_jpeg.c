/* Writes a 4-component JPEG with libjpeg from raw CMYK bytes (as Pillow stores CMYK;I, i.e. Adobe's
 * inverted convention), either as plain CMYK or transformed to YCCK. Used once by cmyk_fixtures.py;
 * neither the tests nor CI build it.
 *   gcc -O2 -o /tmp/write_cmyk_jpeg write_cmyk_jpeg.c -ljpeg
 *   write_cmyk_jpeg IN.raw W H QUALITY cmyk|ycck OUT.jpg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

int main(int argc, char **argv) {
  if (argc != 7) { fprintf(stderr, "usage: IN.raw W H QUALITY cmyk|ycck OUT.jpg\n"); return 2; }
  int w = atoi(argv[2]), h = atoi(argv[3]), q = atoi(argv[4]);
  unsigned char *pixels = malloc((size_t) w * h * 4);
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(pixels, 1, (size_t) w * h * 4, in) != (size_t) w * h * 4) { perror("read"); return 1; }
  fclose(in);
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  FILE *out = fopen(argv[6], "wb");
  jpeg_stdio_dest(&c, out);
  c.image_width = w;
  c.image_height = h;
  c.input_components = 4;
  c.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_set_colorspace(&c, strcmp(argv[5], "ycck") == 0 ? JCS_YCCK : JCS_CMYK); /* writes the Adobe marker */
  jpeg_set_quality(&c, q, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = pixels + (size_t) c.next_scanline * w * 4;
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  fclose(out);
  jpeg_destroy_compress(&c);
  free(pixels);
  return 0;
}
