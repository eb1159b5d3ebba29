package org.ckcoop.backbone.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
  @TempDir Path dir;

  @Test
  void everyHalfFloatWidensAndNarrowsBackExactly() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = HalfFloats.f16ToFloat((short) bits);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(f)))).isTrue();
        continue;
      }
      assertThat(HalfFloats.floatToF16(f) & 0xffff).as("half bits %04x", bits).isEqualTo(bits);
    }
  }

  @Test
  void halfFloatKnownValuesAndRounding() {
    assertThat(HalfFloats.f16ToFloat((short) 0x3c00)).isEqualTo(1.0f);
    assertThat(HalfFloats.f16ToFloat((short) 0xc000)).isEqualTo(-2.0f);
    assertThat(HalfFloats.f16ToFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties to even gives 1.
    assertThat(HalfFloats.floatToF16(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
    assertThat(HalfFloats.floatToF16(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3c01);
    assertThat(HalfFloats.floatToF16(1e6f)).isEqualTo((short) 0x7c00);
  }

  @Test
  void bfloat16IsTheHighHalfOfAFloatRoundedToNearestEven() {
    assertThat(HalfFloats.bf16ToFloat((short) 0x3f80)).isEqualTo(1.0f);
    assertThat(HalfFloats.floatToBf16(1.0f)).isEqualTo((short) 0x3f80);
    float halfway = Float.intBitsToFloat(0x3f808000); // between 0x3f80 and 0x3f81
    assertThat(HalfFloats.floatToBf16(halfway)).isEqualTo((short) 0x3f80);
    assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82);
    assertThat(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN)))).isTrue();
  }

  @Test
  void tensorsAndMetadataRoundTripInEveryType() {
    float[] values = {0f, 1f, -2.5f, 0.15625f, 1024f, -0.0078125f};
    long[] ids = {49406, 320, 1125, 49407, 0, -3};
    Path file = dir.resolve("t.safetensors");
    new SafetensorsWriter()
        .putMetadata("backbone", "abc")
        .putMetadata("paths", "[\"a.png\"]")
        .addFloats("f32", values, new long[] {2, 3}, StorageType.F32)
        .addFloats("f16", values, new long[] {6}, StorageType.F16)
        .addFloats("bf16", values, new long[] {3, 2}, StorageType.BF16)
        .addLongs("ids", ids, new long[] {1, 6})
        .addFloats("empty", new float[0], new long[] {0, 4}, StorageType.F32)
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.metadata()).containsEntry("backbone", "abc").containsEntry("paths", "[\"a.png\"]");
      assertThat(f.entries().keySet()).containsExactly("f32", "f16", "bf16", "ids", "empty");
      assertThat(f.entry("f32").shape()).containsExactly(2, 3);
      assertThat(f.entry("f16").type()).isEqualTo(StorageType.F16);
      assertThat(f.readFloats("f32")).containsExactly(values);
      assertThat(f.readFloats("f16")).containsExactly(values);
      assertThat(f.readFloats("bf16")).containsExactly(values);
      assertThat(f.readLongs("ids")).containsExactly(ids);
      assertThat(f.readFloats("empty")).isEmpty();
    }
  }

  @Test
  void headerIsPaddedToEightBytesAndDataIsLittleEndian() throws IOException {
    Path file = dir.resolve("t.safetensors");
    new SafetensorsWriter().addFloats("x", new float[] {1f}, new long[] {1}, StorageType.F32).write(file);
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(bytes.length).isEqualTo(8 + headerLength + 4);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length)).containsExactly(0, 0, (byte) 0x80, 0x3f);
  }

  @Test
  void aFailedWriteLeavesTheExistingFileUntouched() throws IOException {
    Path file = dir.resolve("keep.safetensors");
    Files.writeString(file, "precious");
    SafetensorsWriter writer = new SafetensorsWriter();
    assertThatThrownBy(() -> writer.addFloats("x", new float[3], new long[] {2, 2}, StorageType.F32))
        .hasMessageContaining("3 values do not fill shape [2, 2]");
    assertThat(Files.readString(file)).isEqualTo("precious");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aTruncatedFileNamesTheTensorThatDoesNotFit() throws IOException {
    Path file = dir.resolve("big.safetensors");
    new SafetensorsWriter()
        .addFloats("a", new float[100], new long[] {100}, StorageType.F32)
        .addFloats("b", new float[100], new long[] {10, 10}, StorageType.F32)
        .write(file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated: tensor 'b' ends at byte 800")
        .hasMessageContaining("only 790 bytes");
  }

  @Test
  void garbageIsRejectedWithTheFileName() throws IOException {
    Path tooShort = dir.resolve("short.safetensors");
    Files.write(tooShort, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> SafetensorsFile.open(tooShort))
        .hasMessageContaining(tooShort.toString())
        .hasMessageContaining("too short to be a safetensors file (3 bytes");

    Path text = dir.resolve("text.safetensors");
    Files.writeString(text, "this is not a safetensors file at all, just some text");
    assertThatThrownBy(() -> SafetensorsFile.open(text))
        .hasMessageContaining(text.toString())
        .hasMessageContaining("corrupt or not a safetensors file: the header length field says");

    Path badJson = dir.resolve("json.safetensors");
    byte[] header = "{\"a\": [1, 2".getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Files.write(badJson, b.array());
    assertThatThrownBy(() -> SafetensorsFile.open(badJson))
        .hasMessageContaining(badJson.toString())
        .hasMessageContaining("corrupt header: not valid JSON");

    assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("absent.safetensors")))
        .hasMessageContaining("absent.safetensors: file not found");
  }

  @Test
  void offsetsThatDisagreeWithTheShapeOrOverlapAreRejected() throws IOException {
    Path wrongSize = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16);
    assertThatThrownBy(() -> SafetensorsFile.open(wrongSize))
        .hasMessageContaining("tensor 'x' F32 [2, 2] needs 16 bytes but its data_offsets are [0, 12]");
    Path overlap = writeRaw(
        "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    assertThatThrownBy(() -> SafetensorsFile.open(overlap)).hasMessageContaining("tensors 'x' and 'y' overlap");
    Path dtype = writeRaw("{\"x\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    assertThatThrownBy(() -> SafetensorsFile.open(dtype)).hasMessageContaining("tensor 'x': unknown dtype 'Q4'");
  }

  private Path writeRaw(String json, int dataBytes) throws IOException {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Path file = Files.createTempFile(dir, "raw", ".safetensors");
    Files.write(file, b.array());
    return file;
  }
}
