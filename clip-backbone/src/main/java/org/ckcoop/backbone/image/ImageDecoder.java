package org.ckcoop.backbone.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG and JPEG files to {@link RgbImage} with the result of PIL's {@code
 * Image.open(p).convert("RGB")}.
 *
 * <p>javax.imageio parses the file; the samples are then taken straight from the raster and mapped
 * by the rules below. {@code BufferedImage.getRGB} is never used: it converts grey, 16-bit and
 * ICC-tagged images through colour spaces (a linear-grey to sRGB curve, for one), which PIL does
 * not do.
 *
 * <ul>
 *   <li>RGB 8-bit: the samples. RGBA: the alpha is dropped, not composited (PIL's {@code
 *       rgba2rgb}); the colour of fully transparent pixels is kept.
 *   <li>Grey (1, 2, 4, 8 bit) and grey+alpha: {@code r = g = b = grey}, low bit depths scaled to
 *       0..255 ({@code v * 255 / (2^bits - 1)}, PIL's {@code 1}, {@code L;2}, {@code L;4}).
 *   <li>Palette (1..8 bit): the palette's RGB entry; a {@code tRNS} transparency is ignored, as in
 *       PIL's {@code convert("RGB")}.
 *   <li>16-bit RGB, RGBA and grey+alpha: the high byte of each sample, which is what PIL's {@code
 *       RGB;16B}, {@code RGBA;16B} and {@code LA;16B} unpackers do.
 *   <li>16-bit grey: also the high byte. <b>Deviation from PIL</b>: PIL opens it as mode {@code I}
 *       and {@code convert("RGB")} clips the 16-bit value to 255, so almost every pixel turns
 *       white; that is a PIL quirk rather than a meaningful picture, so this decoder uses the same
 *       high-byte rule ({@code v >> 8}) that PIL applies to every other 16-bit layout, including
 *       16-bit grey+alpha, and that libpng's {@code strip_16} uses; it is never more than 1 away
 *       from {@code round(v * 255 / 65535)}.
 *   <li>JPEG: RGB (YCbCr converted by the decoder) or grey. ImageIO's libjpeg 6b and Pillow's
 *       libjpeg-turbo may round a few samples differently; see the tests for the measured
 *       difference.
 *   <li>CMYK and YCCK JPEGs (4 components): as Pillow's {@code convert("RGB")}. Pillow reads every
 *       4-component JPEG as Adobe's inverted CMYK ({@code CMYK;I}; libjpeg first turns YCCK, Adobe
 *       transform 2, into CMYK with its fixed-point YCbCr tables, reproduced here) and converts with
 *       {@code nk = 255 - k; r = nk - muldiv255(c, nk)} (Pillow 9's {@code cmyk2rgb}). The raw samples
 *       come from ImageIO's raster read, which does no colour conversion.
 *   <li>Colour profiles (iCCP, gAMA, embedded ICC) are ignored, as PIL ignores them. (ImageIO's
 *       JPEG reader would otherwise convert a JPEG with a non-sRGB ICC profile to sRGB; that
 *       conversion is switched off.)
 * </ul>
 *
 * <p>Errors are {@link ImageReadException}s naming the file: a missing or unreadable file, an
 * empty file, a format other than PNG/JPEG, CMYK, corrupt data, and truncation. A truncated file
 * is never returned half-decoded: truncated PNG data fails in the inflater, and a JPEG whose data
 * ends early (libjpeg's "Premature end of JPEG file" or ImageIO's "Missing EOI marker" warning)
 * is rejected, as PIL rejects it with "image file is truncated". A PNG missing only its final
 * {@code IEND} chunk decodes, as in PIL. Other libjpeg warnings (extraneous bytes before a marker)
 * are tolerated, as PIL tolerates them. Images above PIL's decompression-bomb limit ({@value
 * #MAX_PIXELS} pixels) are rejected.
 */
public final class ImageDecoder {
  /** PIL's {@code 2 * Image.MAX_IMAGE_PIXELS}, above which it raises {@code DecompressionBombError}. */
  public static final long MAX_PIXELS = 2L * (1024L * 1024 * 1024 / 4 / 3);

  private ImageDecoder() {}

  /**
   * Reads and decodes a PNG or JPEG file.
   *
   * @throws ImageReadException if the file is missing, unreadable, not a supported image, or
   *     corrupt; the message names the file
   */
  public static RgbImage read(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageReadException(file.toString(), "no such file", e);
    } catch (AccessDeniedException e) {
      throw new ImageReadException(file.toString(), "permission denied", e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (Files.isDirectory(file)) {
        why = "is a directory";
      }
      throw new ImageReadException(file.toString(), "cannot read file (" + why + ")", e);
    }
    return decode(data, file.toString());
  }

  /**
   * Decodes the bytes of a PNG or JPEG file; {@code source} names them in error messages.
   *
   * @throws ImageReadException if the bytes are not a supported image or are corrupt
   */
  public static RgbImage decode(byte[] data, String source) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(source, "source");
    if (data.length == 0) {
      throw new ImageReadException(source, "empty file");
    }
    Format format = Format.sniff(data);
    if (format == null) {
      String other = otherFormat(data);
      if (other != null) {
        throw new ImageReadException(
            source, "unsupported image format " + other + " (only PNG and JPEG are decoded)");
      }
      throw new ImageReadException(
          source, "not a PNG or JPEG image (starts with " + hexPrefix(data) + ")");
    }
    int jpegComponents = 0;
    JpegHeader jpeg = format == Format.JPEG ? JpegHeader.read(data) : null;
    if (jpeg != null) {
      jpegComponents = jpeg.components();
      if (jpegComponents != 1 && jpegComponents != 3 && jpegComponents != 4 && jpegComponents != -1) {
        throw new ImageReadException(
            source, "unsupported JPEG with " + jpegComponents + " colour components");
      }
    }

    ImageReader reader = readerFor(format, source);
    List<String> warnings = new ArrayList<>();
    BufferedImage image;
    RgbImage fourComponents = null;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      // PNG: ignoreMetadata so that chunks after IDAT (a missing IEND) do not matter, as in PIL.
      reader.setInput(in, true, format == Format.PNG);
      reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
      long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
      if (pixels > MAX_PIXELS) {
        throw new ImageReadException(
            source,
            "image too large: " + reader.getWidth(0) + "x" + reader.getHeight(0) + " exceeds "
                + MAX_PIXELS + " pixels (PIL's decompression-bomb limit)");
      }
      ImageReadParam param = reader.getDefaultReadParam();
      if (format == Format.JPEG) {
        // With an embedded ICC profile, ImageIO's JPEG reader would convert the decoded RGB from
        // that profile to sRGB in Java; PIL never does. Naming the bands (an identity mapping)
        // makes the reader keep libjpeg's output as it is (JPEGImageReader.checkColorConversion
        // returns early when bands are given).
        int bands = jpegComponents > 0 ? jpegComponents : reader.getRawImageType(0).getNumBands();
        int[] identity = new int[bands];
        for (int b = 0; b < bands; b++) {
          identity[b] = b;
        }
        param.setSourceBands(identity);
        param.setDestinationBands(identity);
      }
      if (jpegComponents == 4) {
        Raster raw = reader.readRaster(0, param);
        // as libjpeg: with an Adobe marker, transform 0 is CMYK and any other YCCK; without one, CMYK
        fourComponents = FourComponentJpeg.toRgb(raw, jpeg.adobeTransform() > 0);
        image = null;
      } else {
        image = reader.read(0, param);
      }
    } catch (ImageReadException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      String truncation = warnings.stream().filter(ImageDecoder::isTruncation).findFirst()
          .orElse(null);
      if (truncation != null) {
        throw new ImageReadException(
            source, "truncated " + format.label + " (decoder: " + truncation + "; "
                + describe(e) + ")", e);
      }
      throw new ImageReadException(
          source, "corrupt or truncated " + format.label + " (" + describe(e) + ")", e);
    } finally {
      reader.dispose();
    }
    for (String warning : warnings) {
      if (isTruncation(warning)) {
        throw new ImageReadException(
            source, "truncated " + format.label + " (decoder: " + warning + ")");
      }
    }
    return fourComponents != null ? fourComponents : toRgb(image, format, source);
  }

  private enum Format {
    PNG("png", "PNG"),
    JPEG("jpeg", "JPEG");

    final String imageIoName;
    final String label;

    Format(String imageIoName, String label) {
      this.imageIoName = imageIoName;
      this.label = label;
    }

    static Format sniff(byte[] d) {
      if (d.length >= 8
          && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G'
          && d[4] == 0x0D && d[5] == 0x0A && d[6] == 0x1A && d[7] == 0x0A) {
        return PNG;
      }
      if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8
          && (d[2] & 0xFF) == 0xFF) {
        return JPEG;
      }
      return null;
    }
  }

  private static String otherFormat(byte[] d) {
    if (startsWith(d, "GIF8")) {
      return "GIF";
    }
    if (startsWith(d, "BM")) {
      return "BMP";
    }
    if (startsWith(d, "RIFF") && d.length >= 12 && new String(d, 8, 4,
        java.nio.charset.StandardCharsets.ISO_8859_1).equals("WEBP")) {
      return "WebP";
    }
    if (startsWith(d, "II*\0") || startsWith(d, "MM\0*")) {
      return "TIFF";
    }
    if (d.length >= 12 && new String(d, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)
        .equals("ftyp")) {
      return "HEIF/AVIF (ISO media)";
    }
    return null;
  }

  private static boolean startsWith(byte[] d, String prefix) {
    if (d.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if ((d[i] & 0xFF) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String hexPrefix(byte[] d) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, d.length); i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02x", d[i] & 0xFF));
    }
    return sb.toString();
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (sb.length() > 0) {
        sb.append(": ");
      }
      sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  private static boolean isTruncation(String warning) {
    // ImageIO's JPEGImageReader warning 0, and libjpeg's JWRN_JPEG_EOF.
    return warning.contains("Missing EOI") || warning.contains("Premature end of JPEG file");
  }

  /** Prefers the JDK's own reader so results do not depend on other ImageIO plugins present. */
  private static ImageReader readerFor(Format format, String source) {
    Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format.imageIoName);
    ImageReader first = null;
    while (it.hasNext()) {
      ImageReader r = it.next();
      if (r.getClass().getName().startsWith("com.sun.imageio.plugins.")) {
        if (first != null) {
          first.dispose();
        }
        return r;
      }
      if (first == null) {
        first = r;
      } else {
        r.dispose();
      }
    }
    if (first == null) {
      throw new ImageReadException(source, "no ImageIO reader for " + format.label);
    }
    return first;
  }

  // ------------------------------------------------------------------ raster to RGB

  private static RgbImage toRgb(BufferedImage image, Format format, String source) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];

    if (cm instanceof IndexColorModel icm) {
      int size = icm.getMapSize();
      byte[] reds = new byte[size];
      byte[] greens = new byte[size];
      byte[] blues = new byte[size];
      icm.getReds(reds);
      icm.getGreens(greens);
      icm.getBlues(blues);
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        int o = y * w * 3;
        for (int x = 0; x < w; x++) {
          int i = row[x];
          if (i >= size) {
            throw new ImageReadException(
                source, "corrupt " + format.label + ": palette index " + i + " outside the "
                    + size + "-entry palette");
          }
          out[o++] = reds[i];
          out[o++] = greens[i];
          out[o++] = blues[i];
        }
      }
      return RgbImage.wrap(w, h, out);
    }

    if (!(cm instanceof ComponentColorModel)) {
      throw new ImageReadException(
          source, "unsupported " + format.label + " pixel layout (" + cm.getClass().getSimpleName()
              + ")");
    }
    int csType = cm.getColorSpace().getType();
    int colours = cm.getNumColorComponents();
    boolean grey = csType == ColorSpace.TYPE_GRAY && colours == 1;
    boolean rgb = csType == ColorSpace.TYPE_RGB && colours == 3;
    if (!grey && !rgb) {
      throw new ImageReadException(
          source, "unsupported " + format.label + " colour space ("
              + colourSpaceName(csType) + ", " + colours + " colour components)");
    }
    int bits = cm.getComponentSize(0);
    int transfer = raster.getTransferType();
    if (!(bits == 8 && transfer == DataBuffer.TYPE_BYTE)
        && !(bits == 16 && transfer == DataBuffer.TYPE_USHORT)) {
      throw new ImageReadException(
          source, "unsupported " + format.label + " sample size (" + bits + " bits)");
    }
    int shift = bits - 8; // 16-bit: keep the high byte
    int[] bands = grey ? new int[] {0, 0, 0} : new int[] {0, 1, 2};
    if (!copyComponents(raster, bands, shift, w, h, out)) {
      int nb = raster.getNumBands();
      int[] row = new int[w * nb];
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        int o = y * w * 3;
        for (int x = 0; x < w; x++) {
          int p = x * nb;
          out[o++] = (byte) (row[p + bands[0]] >>> shift);
          out[o++] = (byte) (row[p + bands[1]] >>> shift);
          out[o++] = (byte) (row[p + bands[2]] >>> shift);
        }
      }
    }
    return RgbImage.wrap(w, h, out);
  }

  /** Fast path straight from the data buffer; false when the layout is not a plain one. */
  private static boolean copyComponents(
      Raster raster, int[] bands, int shift, int w, int h, byte[] out) {
    SampleModel sm = raster.getSampleModel();
    if (!(sm instanceof ComponentSampleModel csm)
        || raster.getMinX() != 0 || raster.getMinY() != 0
        || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
      return false;
    }
    DataBuffer db = raster.getDataBuffer();
    int pixelStride = csm.getPixelStride();
    int scanline = csm.getScanlineStride();
    int[] bankIndices = csm.getBankIndices();
    int[] bandOffsets = csm.getBandOffsets();
    int[] base = new int[3];
    if (db instanceof DataBufferByte dbb) {
      byte[][] data = new byte[3][];
      for (int c = 0; c < 3; c++) {
        int band = bands[c];
        data[c] = dbb.getData(bankIndices[band]);
        base[c] = dbb.getOffsets()[bankIndices[band]] + bandOffsets[band];
      }
      byte[] r = data[0];
      byte[] g = data[1];
      byte[] b = data[2];
      int o = 0;
      for (int y = 0; y < h; y++) {
        int row = y * scanline;
        int pr = base[0] + row;
        int pg = base[1] + row;
        int pb = base[2] + row;
        for (int x = 0; x < w; x++) {
          out[o++] = r[pr];
          out[o++] = g[pg];
          out[o++] = b[pb];
          pr += pixelStride;
          pg += pixelStride;
          pb += pixelStride;
        }
      }
      return true;
    }
    if (db instanceof DataBufferUShort dbs) {
      short[][] data = new short[3][];
      for (int c = 0; c < 3; c++) {
        int band = bands[c];
        data[c] = dbs.getData(bankIndices[band]);
        base[c] = dbs.getOffsets()[bankIndices[band]] + bandOffsets[band];
      }
      int o = 0;
      for (int y = 0; y < h; y++) {
        int row = y * scanline;
        for (int x = 0; x < w; x++) {
          int p = row + x * pixelStride;
          out[o++] = (byte) ((data[0][base[0] + p] & 0xFFFF) >>> shift);
          out[o++] = (byte) ((data[1][base[1] + p] & 0xFFFF) >>> shift);
          out[o++] = (byte) ((data[2][base[2] + p] & 0xFFFF) >>> shift);
        }
      }
      return true;
    }
    return false;
  }

  private static String colourSpaceName(int type) {
    switch (type) {
      case ColorSpace.TYPE_CMYK:
        return "CMYK";
      case ColorSpace.TYPE_YCbCr:
        return "YCbCr";
      case ColorSpace.TYPE_GRAY:
        return "grey";
      case ColorSpace.TYPE_RGB:
        return "RGB";
      default:
        return "colour space type " + type;
    }
  }

  /** Just enough JPEG marker parsing to find the frame header's component count. */
  /**
   * What the decoder needs from a JPEG's segments before the first scan, read in one walk.
   *
   * @param components the number of components in the first SOFn segment, or -1 if none is found
   * @param adobeTransform the colour transform of the last Adobe APP14 segment (libjpeg keeps the last:
   *     0 none/CMYK, 1 YCbCr, 2 YCCK), or -1 without one
   */
  private record JpegHeader(int components, int adobeTransform) {
    static JpegHeader read(byte[] d) {
      int components = -1;
      int transform = -1;
      int p = 2;
      while (p + 4 <= d.length) {
        if ((d[p] & 0xFF) != 0xFF) {
          break;
        }
        int marker = d[p + 1] & 0xFF;
        if (marker == 0xFF) { // fill byte
          p++;
          continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
          p += 2;
          continue;
        }
        if (marker == 0xDA || marker == 0xD9) {
          break;
        }
        int length = (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
        boolean sof = marker >= 0xC0 && marker <= 0xCF
            && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof && components == -1) {
          components = p + 9 < d.length ? d[p + 9] & 0xFF : -1;
        }
        if (marker == 0xEE && length >= 14 && p + 4 + 12 <= d.length
            && new String(d, p + 4, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("Adobe")) {
          transform = d[p + 4 + 11] & 0xFF;
        }
        p += 2 + length;
      }
      return new JpegHeader(components, transform);
    }
  }
}
