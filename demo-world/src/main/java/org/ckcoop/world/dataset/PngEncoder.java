package org.ckcoop.world.dataset;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.ckcoop.backbone.image.RgbImage;

/**
 * A minimal PNG encoder for 8-bit RGB images: signature, {@code IHDR}, one {@code IDAT} (every row
 * with the "Sub" filter, deflated at level 6) and {@code IEND}; no metadata, so equal pixels give
 * equal bytes with a given zlib. (Another zlib build may compress differently; the world's hashes
 * are therefore taken over pixels, never over PNG bytes.)
 */
public final class PngEncoder {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private PngEncoder() {}

  /** Returns the PNG file of {@code image}. */
  public static byte[] encode(RgbImage image) {
    int width = image.width();
    int height = image.height();
    byte[] rgb = image.toByteArray();
    int stride = width * 3;
    byte[] raw = new byte[height * (stride + 1)];
    for (int y = 0; y < height; y++) {
      int row = y * (stride + 1);
      raw[row] = 1; // Sub: each byte minus the same channel of the pixel to its left
      for (int i = 0; i < stride; i++) {
        int left = i >= 3 ? rgb[y * stride + i - 3] : 0;
        raw[row + 1 + i] = (byte) (rgb[y * stride + i] - left);
      }
    }
    Deflater deflater = new Deflater(6);
    byte[] compressed;
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 2 + 64);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        int n = deflater.deflate(buffer);
        z.write(buffer, 0, n);
      }
      compressed = z.toByteArray();
    } finally {
      deflater.end();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length + 64);
    out.writeBytes(SIGNATURE);
    byte[] header = new byte[13];
    putInt(header, 0, width);
    putInt(header, 4, height);
    header[8] = 8; // bit depth
    header[9] = 2; // colour type: RGB
    chunk(out, "IHDR", header);
    chunk(out, "IDAT", compressed);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] length = new byte[4];
    putInt(length, 0, data.length);
    out.writeBytes(length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    byte[] sum = new byte[4];
    putInt(sum, 0, (int) crc.getValue());
    out.writeBytes(sum);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
