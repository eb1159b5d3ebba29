package org.ckcoop.backbone.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small crafted archives that once crashed the reader or exhausted memory (declared lengths of
 * gigabytes, exponential or self-containing values, a module containing itself, overflowing or
 * repeating views, entries that inflate to gigabytes): each is refused with the file and the
 * problem named, never an OutOfMemoryError, StackOverflowError or unnamed exception. Every archive
 * is written here with {@code java.util.zip} from a hand-assembled pickle.
 */
class TorchHostileArchiveTest {
  private static final Duration QUICK = Duration.ofSeconds(20);

  @TempDir Path dir;

  // ---- 1. length-prefixed opcodes -------------------------------------------------------------

  @Test
  void aDeclaredLengthBeyondThePickleIsRefusedBeforeAnythingIsAllocated() throws IOException {
    Object[][] cases = {
        {"BINBYTES8", 0x8e, 8, 0x7ffffff0L},
        {"BINUNICODE8", 0x8d, 8, 0x7ffffff0L},
        {"BYTEARRAY8", 0x96, 8, 0x7ffffff0L},
        {"BINBYTES", (int) 'B', 4, 0xfffffff0L},
        {"BINUNICODE", (int) 'X', 4, 0x7ffffff0L},
        {"BINSTRING", (int) 'T', 4, 0x7ffffff0L},
        {"LONG4", 0x8b, 4, 0x7ffffff0L},
        {"SHORT_BINBYTES", (int) 'C', 1, 200L},
        {"SHORT_BINUNICODE", 0x8c, 1, 200L},
        {"SHORT_BINSTRING", (int) 'U', 1, 200L},
        {"LONG1", 0x8a, 1, 200L},
        {"BINBYTES8", 0x8e, 8, -1L},
        {"BINSTRING", (int) 'T', 4, -16L},
    };
    for (Object[] c : cases) {
      long declared = (Long) c[3];
      Pickle p = new Pickle().proto(4).op((Integer) c[1]).raw(le(declared, (Integer) c[2])).op('.');
      Path file = stateDict(c[0] + "-" + declared + ".pt", p.bytes());
      assertTimeoutPreemptively(QUICK, () -> assertThatThrownBy(() -> TorchCheckpointFile.open(file))
          .isInstanceOf(TorchCheckpointException.class)
          .hasMessageStartingWith(file + ": corrupt archive/data.pkl: not a readable pickle (opcode " + c[0]
              + " declares " + declared + " bytes of data, but only 1 bytes of the pickle remain)"));
    }
  }

  @Test
  void aTextIntOfMoreDigitsThanPythonParsesIsRefused() throws IOException {
    Pickle p = new Pickle().proto(2).op('L').raw(("1".repeat(100_000) + "L\n").getBytes(StandardCharsets.US_ASCII))
        .op('.');
    Path file = stateDict("long.pt", p.bytes());
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: a text-form int (LONG) of 100001 characters, more than 4300");
  }

  // ---- 2. bounded messages ----------------------------------------------------------------------

  @Test
  void aRefusalMessageAboutMemoSharedTuplesStaysShort() throws IOException {
    // t0 = (); t(i+1) = (t(i), t(i)), 45 levels: printed whole, 2^45 leaves
    Pickle p = new Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").op(')').binput(0).op('0');
    for (int i = 0; i < 45; i++) {
      p.binget(i).binget(i).op(0x86).binput(i + 1).op('0');
    }
    p.binget(45).op(0x85).op('R').op('.');
    Path file = stateDict("dag.pt", p.bytes());
    assertTimeoutPreemptively(QUICK, () -> assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: torch._utils._rebuild_tensor_v2 called with (((…), (…))), "
            + "expected (storage, offset, size, stride, ...)"));
  }

  @Test
  void aRefusalMessageAboutDeeplyNestedTuplesStaysShort() throws IOException {
    Pickle p = new Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").op(')');
    for (int i = 0; i < 200_000; i++) {
      p.op(0x85);
    }
    p.op(0x85).op('R').op('.');
    Path file = stateDict("deep.pt", p.bytes());
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: torch._utils._rebuild_tensor_v2 called with (((…)))");
  }

  @Test
  void describeShowsTwoLevelsAndEightItems() {
    assertThat(RestrictedTorchUnpickler.describe(new Object[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
        .isEqualTo("(1, 2, 3, 4, 5, 6, 7, 8, … (10 items))");
    assertThat(RestrictedTorchUnpickler.describe(new Object[] {new Object[] {new Object[] {1}}, "x".repeat(100)}))
        .isEqualTo("(((…)), '" + "x".repeat(64) + "…')");
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("k", java.util.List.of(1, 2));
    assertThat(RestrictedTorchUnpickler.describe(m)).isEqualTo("{'k': [1, 2]}");
    assertThat(RestrictedTorchUnpickler.describe(new byte[5])).isEqualTo("bytes of length 5");
  }

  @Test
  void aSelfContainingListAsADictKeyIsRefused() throws IOException {
    // d = {}; l = []; l.append(l); d[l] = None: Java would hash l forever
    Pickle p = new Pickle().proto(2).op('}').op(']').binput(0).binget(0).op('a').op('N').op('s').op('.');
    Path file = stateDict("selfkey.pt", p.bytes());
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: a list is used as a dict key or set item (SETITEM)");
  }

  // ---- 3. TorchScript module cycles and blow-ups ------------------------------------------------

  @Test
  void aTorchScriptModuleContainingItselfIsRefusedWithTheAttributePath() throws IOException {
    // m = M(); m.a = A(); m.a.back = m
    Pickle p = new Pickle().proto(2).global("__torch__.m", "M").op(')').op(0x81).binput(0).op('}')
        .str("a").global("__torch__.m", "A").op(')').op(0x81).op('}').str("back").binget(0).op('s').op('b')
        .op('s').op('b').op('.');
    Path file = stateDict("cycle.pt", p.bytes());
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .isInstanceOf(TorchCheckpointException.class)
        .hasMessageStartingWith(file + ": refused: TorchScript attribute 'a.back' is the module __torch__.m.M that "
            + "encloses it: the module tree is a cycle");
  }

  @Test
  void aTorchScriptModuleTreeOfExponentiallyManyPathsIsRefused() throws IOException {
    // m0 = M(); m(i+1).l = m(i).r = m(i): 2^40 attribute paths
    Pickle p = new Pickle().proto(2).global("__torch__.m", "M").binput(0).op('0').binget(0).op(')').op(0x81)
        .binput(1).op('0');
    for (int i = 1; i <= 40; i++) {
      p.binget(0).op(')').op(0x81).op('}').str("l").binget(i).op('s').str("r").binget(i).op('s').op('b')
          .binput(i + 1).op('0');
    }
    p.binget(41).op('.');
    Path file = stateDict("shared.pt", p.bytes());
    assertTimeoutPreemptively(QUICK, () -> assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: its TorchScript module tree has more than 4194304 attributes "
            + "(submodules shared many times over; at 'l.l.l."));
  }

  @Test
  void aTorchScriptModuleTreeDeeperThanAHundredLevelsIsRefused() throws IOException {
    Pickle p = new Pickle().proto(2).global("__torch__.m", "M").binput(0).op('0').binget(0).op(')').op(0x81);
    for (int i = 0; i < 150; i++) {
      p.binput(1).op('0').binget(0).op(')').op(0x81).op('}').str("c").binget(1).op('s').op('b');
    }
    p.op('.');
    Path file = stateDict("deepmodule.pt", p.bytes());
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: its TorchScript module tree is more than 100 levels deep (at 'c.c.c.");
  }

  // ---- 4. views -----------------------------------------------------------------------------------

  @Test
  void anOverflowingStrideIsRefusedNamingTheTensor() throws IOException {
    Path file = tensorArchive("overflow.pt", 1, 0, new long[] {3}, new long[] {1L << 62});
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessage(file + ": corrupt: tensor 'w' [3] (stride [4611686018427387904], offset 0) overflows a 64-bit "
            + "element count or storage index");
  }

  @Test
  void aNegativeStorageOffsetIsRefused() throws IOException {
    Path file = tensorArchive("negoff.pt", 2, -1, new long[] {1}, new long[] {1});
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": corrupt: tensor 'w' [1] (stride [1], offset -1) of storage '0' "
            + "(2 elements) has a negative size, stride, offset or storage size");
  }

  @Test
  void aStrideZeroViewOfMoreElementsThanItsStorageIsRefusedWhenOpened() throws IOException {
    Path file = tensorArchive("stride0.pt", 1, 0, new long[] {1L << 29}, new long[] {0});
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: tensor 'w' [536870912] (stride [0], offset 0) has 536870912 "
            + "elements but its storage '0' only 1");
  }

  @Test
  void aTensorOfMoreElementsThanAJavaArrayIsRefusedWhenOpened() throws IOException {
    Path file = tensorArchive("huge.pt", 1, 0, new long[] {3_000_000_000L}, new long[] {0});
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": tensor 'w' [3000000000] (stride [0], offset 0) has 3000000000 elements, "
            + "more than the 2147483639 a Java array holds");
  }

  @Test
  void aTensorOfMoreThan64DimensionsIsRefused() throws IOException {
    long[] ones = new long[100];
    java.util.Arrays.fill(ones, 1);
    Path file = tensorArchive("dims.pt", 1, 0, ones, ones);
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessage(file + ": corrupt: tensor 'w' has 100 dimensions, more than 64");
  }

  @Test
  void legitimateViewsOfASharedStorageStillRead() throws IOException {
    // a 2x3 transpose (stride (1, 2)) and a stride-0 expand within its storage's size
    Path file = tensorArchive("transpose.pt", 6, 0, new long[] {3, 2}, new long[] {1, 3});
    try (TorchCheckpointFile f = TorchCheckpointFile.open(file)) {
      assertThat(f.readFloats("w")).containsExactly(0f, 3f, 1f, 4f, 2f, 5f);
    }
    Path expand = tensorArchive("expand.pt", 6, 2, new long[] {2, 3}, new long[] {0, 1});
    try (TorchCheckpointFile f = TorchCheckpointFile.open(expand)) {
      assertThat(f.readFloats("w")).containsExactly(2f, 3f, 4f, 2f, 3f, 4f);
    }
  }

  // ---- 5. compression ------------------------------------------------------------------------------

  @Test
  void aCompressedStorageEntryIsRefused() throws IOException {
    Path file = dir.resolve("deflated.pt");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/data.pkl", tensorPickle(6, 0, new long[] {6}, new long[] {1}), true);
      put(out, "archive/data/0", floats(6), false);
    }
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: storage entry archive/data/0 of tensor 'w' is compressed (zip "
            + "method 8); torch.save and torch.jit.save store tensor data uncompressed");
  }

  @Test
  void aDataPklInflatingBeyondTheBudgetIsRefused() throws IOException {
    Path file = dir.resolve("bomb.pt");
    byte[] pickle = new byte[17 << 20];
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/data.pkl", pickle, false);
    }
    assertThat(Files.size(file)).isLessThan(1 << 20);
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: archive/data.pkl is 17825792 bytes, more than the 16777216 bytes "
            + "left of the 16777216 that data.pkl and code/ may take in an archive of this size");
  }

  @Test
  void codeFilesInflatingBeyondTheBudgetTogetherAreRefused() throws IOException {
    // a module M with submodules of classes A, B, C, each declared in its own 6 MiB code file
    Pickle p = new Pickle().proto(2).global("__torch__.m", "M").op(')').op(0x81).op('}');
    for (String c : new String[] {"A", "B", "C"}) {
      p.str(c.toLowerCase()).global("__torch__." + c.toLowerCase(), c).op(')').op(0x81).op('s');
    }
    p.op('b').op('.');
    Path file = dir.resolve("codebomb.pt");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/data.pkl", p.bytes(), true);
      put(out, "archive/code/__torch__/m.py", "class M(Module):\n  __parameters__ = []\n"
          .getBytes(StandardCharsets.UTF_8), false);
      for (String c : new String[] {"A", "B", "C"}) {
        String code = "class " + c + "(Module):\n  __parameters__ = []\n" + "#".repeat(6 << 20) + "\n";
        put(out, "archive/code/__torch__/" + c.toLowerCase() + ".py", code.getBytes(StandardCharsets.UTF_8), false);
      }
    }
    long size = ("class C(Module):\n  __parameters__ = []\n" + "#".repeat(6 << 20) + "\n").length();
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: archive/code/__torch__/c.py is " + size + " bytes, more than the ")
        .hasMessageContaining("bytes left of the 16777216 that data.pkl and code/ may take");
  }

  @Test
  void aCodeFileOfManyClassesIsParsedOnce() throws IOException {
    int classes = 20_000;
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < classes; i++) {
      code.append("class C").append(i).append("(Module):\n  __parameters__ = [\"w").append(i)
          .append("\", ]\n  __buffers__ = [\"b\", ]\n  def forward(self):\n    return self.w\n");
    }
    Path file = dir.resolve("classes.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/code/__torch__/m.py", code.toString().getBytes(StandardCharsets.UTF_8), false);
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ScriptModuleDeclarations declarations =
          new ScriptModuleDeclarations(zip, "archive/", new ArchiveEntries(file, zip, Files.size(file)));
      assertTimeoutPreemptively(QUICK, () -> {
        for (int i = 0; i < classes; i++) {
          assertThat(declarations.stateNames("__torch__.m.C" + i)).contains(Set.of("w" + i, "b"));
        }
      });
      assertThat(declarations.stateNames("__torch__.m.Absent")).isEqualTo(Optional.empty());
      assertThat(declarations.stateNames("__torch__.other.C1")).isEqualTo(Optional.empty());
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** A pickle assembled opcode by opcode. */
  static final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle op(int opcode) {
      out.write(opcode);
      return this;
    }

    Pickle raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Pickle proto(int version) {
      return op(0x80).op(version);
    }

    Pickle global(String module, String name) {
      return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    Pickle str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return op('X').raw(le(b.length, 4)).raw(b);
    }

    Pickle integer(long value) {
      return op(0x8a).op(8).raw(le(value, 8));
    }

    Pickle binput(int i) {
      return op('q').op(i);
    }

    Pickle binget(int i) {
      return op('h').op(i);
    }

    Pickle tuple(long... values) {
      op('(');
      for (long v : values) {
        integer(v);
      }
      return op('t');
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  static byte[] le(long value, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    return b;
  }

  /** {'w': _rebuild_tensor_v2(storage '0' of {@code elements} floats, offset, shape, stride)}. */
  static byte[] tensorPickle(long elements, long offset, long[] shape, long[] stride) {
    Pickle p = new Pickle().proto(2).op('}').str("w").global("torch._utils", "_rebuild_tensor_v2").op('(')
        .op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(elements).op('t')
        .op('Q').integer(offset).tuple(shape).tuple(stride).op(0x89).op('t').op('R').op('s').op('.');
    return p.bytes();
  }

  private Path tensorArchive(String name, int elements, long offset, long[] shape, long[] stride) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/data.pkl", tensorPickle(elements, offset, shape, stride), true);
      put(out, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII), true);
      put(out, "archive/data/0", floats(elements), true);
    }
    return file;
  }

  private static byte[] floats(int n) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(i);
    }
    return b.array();
  }

  private Path stateDict(String name, byte[] pickle) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/data.pkl", pickle, true);
      put(out, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII), true);
    }
    return file;
  }

  private static void put(ZipOutputStream out, String name, byte[] data, boolean stored) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    if (stored) {
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(data.length);
      CRC32 crc = new CRC32();
      crc.update(data);
      entry.setCrc(crc.getValue());
    } else {
      entry.setMethod(ZipEntry.DEFLATED);
    }
    out.putNextEntry(entry);
    out.write(data);
    out.closeEntry();
  }
}
