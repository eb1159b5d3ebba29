package org.ckcoop.backbone.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.pytorch.TorchCheckpointFile.Kind;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch reader on files torch 1.13 wrote ({@code tools/reference/make_torch_fixtures.py}):
 * every format gives the safetensors original's values; hostile, legacy, corrupt and unsupported
 * files are refused with the file and the problem named.
 */
class TorchCheckpointFileTest {
  /** The file the hostile fixtures' commands would create if anything ran them. */
  static final Path MARKER = Path.of("/tmp/ckcoop-pickle-was-executed");

  @TempDir Path dir;

  static Path torch(String relative) {
    return GoldenFixtures.path("torch/" + relative);
  }

  private static void assertBitIdentical(TorchCheckpointFile torch, SafetensorsFile original) {
    assertThat(new TreeSet<>(torch.entries().keySet())).isEqualTo(new TreeSet<>(original.entries().keySet()));
    for (TensorEntry e : original.entries().values()) {
      TorchTensorEntry t = torch.entry(e.name());
      assertThat(t.shape()).as(e.name()).containsExactly(e.shape());
      float[] expected = original.readFloats(e.name());
      float[] actual = torch.readFloats(e.name());
      int[] expectedBits = new int[expected.length];
      int[] actualBits = new int[actual.length];
      for (int i = 0; i < expected.length; i++) {
        expectedBits[i] = Float.floatToRawIntBits(expected[i]);
        actualBits[i] = Float.floatToRawIntBits(actual[i]);
      }
      assertThat(actualBits).as(e.name()).containsExactly(expectedBits);
    }
  }

  @Test
  void openClipBinIsBitIdenticalToTheF32Safetensors() {
    try (TorchCheckpointFile bin = TorchCheckpointFile.open(torch("tiny-b/open_clip-bin/open_clip_pytorch_model.bin"));
        SafetensorsFile original = GoldenFixtures.golden("tiny-b/open_clip/open_clip_model.safetensors")) {
      assertThat(bin.kind()).isEqualTo(Kind.STATE_DICT);
      assertThat(bin.wrapperKey()).isEmpty();
      assertThat(bin.removedPrefix()).isEmpty();
      assertThat(bin.entries().values()).extracting(TorchTensorEntry::type).containsOnly(StorageType.F32);
      assertThat(bin.entries()).hasSize(38);
      assertBitIdentical(bin, original);
    }
  }

  @Test
  void huggingFaceBinInBf16ReadsTheBf16SafetensorsValuesAndItsI64Buffers() {
    try (TorchCheckpointFile bin = TorchCheckpointFile.open(torch("tiny-b/hf-eps-bin/pytorch_model.bin"));
        SafetensorsFile original = GoldenFixtures.golden("tiny-b/hf-eps/model.safetensors")) {
      Map<String, TorchTensorEntry> entries = bin.entries();
      assertThat(entries.get("text_model.embeddings.position_ids").type()).isEqualTo(StorageType.I64);
      assertThat(bin.readLongs("text_model.embeddings.position_ids"))
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
      assertThat(entries.get("vision_model.embeddings.position_ids").shape()).containsExactly(1, 17);
      for (TensorEntry e : original.entries().values()) {
        assertThat(entries.get(e.name()).type()).as(e.name()).isEqualTo(StorageType.BF16);
        assertThat(bin.readFloats(e.name())).as(e.name()).containsExactly(original.readFloats(e.name()));
      }
      assertThat(entries).hasSize(original.entries().size() + 2);
    }
  }

  @Test
  void stridedViewsOffsetsExpandsAndSharedStoragesReadAsTorchMadeThemContiguous() {
    try (TorchCheckpointFile views = TorchCheckpointFile.open(torch("misc/views.pt"));
        SafetensorsFile expected = SafetensorsFile.open(torch("misc/views-expected.safetensors"))) {
      assertThat(views.entries().keySet()).containsExactlyInAnyOrderElementsOf(expected.entries().keySet());
      for (TensorEntry e : expected.entries().values()) {
        TorchTensorEntry t = views.entry(e.name());
        assertThat(t.shape()).as(e.name()).containsExactly(e.shape());
        if (e.type() == StorageType.I64) {
          assertThat(views.readLongs(e.name())).as(e.name()).containsExactly(expected.readLongs(e.name()));
        } else {
          assertThat(views.readFloats(e.name())).as(e.name()).containsExactly(expected.readFloats(e.name()));
        }
      }
      TorchTensorEntry base = views.entry("base");
      TorchTensorEntry transposed = views.entry("transposed");
      TorchTensorEntry columns = views.entry("columns_2_5_step_2");
      TorchTensorEntry expanded = views.entry("expanded");
      assertThat(base.isContiguous()).isTrue();
      assertThat(transposed.isContiguous()).isFalse();
      assertThat(transposed.stride()).containsExactly(1, 6);
      assertThat(views.entry("rows_1_3").storageOffset()).isEqualTo(6);
      assertThat(columns.storageOffset()).isEqualTo(2);
      assertThat(columns.stride()).containsExactly(6, 2);
      assertThat(expanded.stride()).containsExactly(0, 0);
      assertThat(expanded.storageOffset()).isEqualTo(13);
      assertThat(views.readFloats("expanded")).containsOnly(14f / 8);
      assertThat(views.readFloats("scalar")).containsExactly(3f);
      assertThat(views.readFloats("transposed")).startsWith(1f / 8, 7f / 8, 13f / 8, 19f / 8, 2f / 8);
      assertThat(views.entry("empty").elementCount()).isZero();
      assertThat(views.readFloats("empty")).isEmpty();
      // one storage for base and its five views
      assertThat(List.of("transposed", "rows_1_3", "columns_2_5_step_2", "expanded", "scalar"))
          .extracting(n -> views.entry(n).storageKey()).containsOnly(base.storageKey());
      assertThat(views.entry("half_view").type()).isEqualTo(StorageType.F16);
      assertThat(views.entry("bf16").type()).isEqualTo(StorageType.BF16);
      assertThat(views.entry("double").type()).isEqualTo(StorageType.F64);
      assertThat(views.readFloats("double")).containsExactly(0.1f, 1e-3f, -2.5f, 3.0f);
      assertThat(views.readLongs("long")).containsExactly(-2, 3, 5, 6);
    }
  }

  @Test
  void aWrappedDdpCheckpointOfSharedNonContiguousViewsGivesTheOriginalTensors() {
    try (TorchCheckpointFile wrapped = TorchCheckpointFile.open(torch("tiny-b/wrapped-pt/tiny-b.pt"));
        SafetensorsFile original = GoldenFixtures.golden("tiny-b/open_clip/open_clip_model.safetensors")) {
      assertThat(wrapped.wrapperKey()).contains("state_dict");
      assertThat(wrapped.removedPrefix()).isEqualTo("module.");
      assertThat(wrapped.entries().values()).extracting(TorchTensorEntry::storageKey).containsOnly("0");
      assertThat(wrapped.entries().values().stream().filter(e -> !e.isContiguous()).count()).isEqualTo(13);
      assertThat(wrapped.entries().values()).extracting(TorchTensorEntry::storageOffset).doesNotHaveDuplicates();
      assertBitIdentical(wrapped, original);
    }
  }

  @Test
  void aTorchScriptArchiveGivesItsParametersAndBuffersUnderStateDictNames() {
    try (TorchCheckpointFile script = TorchCheckpointFile.open(torch("tiny-b/torchscript/tiny-b-vit.pt"));
        SafetensorsFile original = GoldenFixtures.golden("tiny-b/open_clip/open_clip_model.safetensors")) {
      assertThat(script.kind()).isEqualTo(Kind.TORCHSCRIPT_MODULE);
      Set<String> expected = new TreeSet<>(original.entries().keySet());
      expected.addAll(List.of("input_resolution", "context_length", "vocab_size"));
      assertThat(new TreeSet<>(script.entries().keySet())).isEqualTo(expected);
      assertThat(script.entries()).containsKey("visual.transformer.resblocks.0.attn.in_proj_weight")
          .doesNotContainKey("training");
      assertThat(script.readLongs("input_resolution")).containsExactly(32);
      assertThat(script.readLongs("vocab_size")).containsExactly(600);
      for (TensorEntry e : original.entries().values()) {
        assertThat(script.entry(e.name()).type()).as(e.name()).isEqualTo(StorageType.F16);
        assertThat(script.readFloats(e.name())).as(e.name()).containsExactly(original.readFloats(e.name()));
      }
    }
  }

  @Test
  void aScriptedModuleGivesOnlyItsDeclaredParametersAndBuffers() {
    try (TorchCheckpointFile scripted = TorchCheckpointFile.open(torch("misc/scripted-attributes.pt"))) {
      assertThat(scripted.kind()).isEqualTo(Kind.TORCHSCRIPT_MODULE);
      // torch.jit.load(...).state_dict(): the plain tensor 'mask' and the list 'tensors' are not in it
      assertThat(new TreeSet<>(scripted.entries().keySet()))
          .containsExactly("blocks.0.bias", "blocks.0.weight", "buf", "linear.bias", "linear.weight");
      assertThat(scripted.readFloats("buf")).containsExactly(1f);
      assertThat(scripted.entry("linear.weight").shape()).containsExactly(2, 2);
    }
  }

  @Test
  void theResNetFixturesHoldOneStateDictInThreeFiles() throws IOException {
    List<String> lines = Files.readAllLines(torch("resnet/state-dict-names.txt"));
    try (TorchCheckpointFile bin = TorchCheckpointFile.open(torch("resnet/rn-tiny.bin"));
        TorchCheckpointFile script = TorchCheckpointFile.open(torch("resnet/rn-tiny-torchscript.pt"))) {
      assertThat(bin.entries()).hasSize(lines.size()).containsKeys(
          "visual.conv1.weight", "visual.bn1.running_var", "visual.layer1.0.downsample.0.weight",
          "visual.layer4.0.conv3.weight", "visual.attnpool.positional_embedding", "visual.attnpool.q_proj.weight",
          "visual.attnpool.c_proj.bias", "transformer.resblocks.0.attn.in_proj_weight", "text_projection");
      for (String line : lines) {
        String[] f = line.split("\t");
        TorchTensorEntry e = bin.entry(f[0]);
        assertThat(Arrays.toString(e.shape())).as(f[0]).isEqualTo(f[2]);
        assertThat(e.type()).as(f[0]).isEqualTo(f[1].equals("int64") ? StorageType.I64 : StorageType.F16);
        assertThat(script.entry(f[0]).shape()).as(f[0]).containsExactly(e.shape());
        if (e.type() == StorageType.I64) {
          assertThat(script.readLongs(f[0])).as(f[0]).containsExactly(bin.readLongs(f[0]));
        } else {
          assertThat(script.readFloats(f[0])).as(f[0]).containsExactly(bin.readFloats(f[0]));
        }
      }
      assertThat(script.entries()).hasSize(lines.size() + 3);
      assertThat(script.readLongs("input_resolution")).containsExactly(64);
    }
  }

  @Test
  void osSystemIsRefusedNamingTheGlobalAndTheFileAndNothingRuns() throws IOException {
    Files.deleteIfExists(MARKER);
    for (String[] c : new String[][] {
        {"misc/refused-os-system.pt", "'os.system'"},
        {"misc/refused-builtins-eval.pt", "'builtins.eval'"},
        {"misc/refused-posix-system.pt", "'posix.system'"}}) {
      Path file = torch(c[0]);
      assertThatThrownBy(() -> TorchCheckpointFile.open(file))
          .isInstanceOf(TorchCheckpointException.class)
          .hasMessageStartingWith(file + ": refused: the pickle names the Python global " + c[1])
          .hasMessageContaining("nothing was loaded or executed");
    }
    assertThat(MARKER).doesNotExist();
  }

  @Test
  void aPickledModuleIsRefusedWithTheStateDictHint() {
    Path file = torch("misc/whole-module.pt");
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": refused: the pickle names the Python global 'torch.nn.modules.linear.Linear'")
        .hasMessageContaining("save model.state_dict() instead");
  }

  @Test
  void theLegacyFormatIsRefusedWithHowToResave() {
    Path file = torch("misc/legacy-format.pt");
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessage(file + ": is in PyTorch's legacy (pre-1.6, non-zip) format, which is not read because it "
            + "cannot be unpickled safely record by record; re-save it with PyTorch 1.6 or later "
            + "(torch.save(torch.load(f), f2)) or convert it to safetensors");
  }

  @Test
  void anUnsupportedStorageTypeIsNamedWithTheTensor() {
    Path file = torch("misc/complex64.pt");
    assertThatThrownBy(() -> TorchCheckpointFile.open(file))
        .hasMessageStartingWith(file + ": tensor 'weight' is stored as torch.ComplexFloatStorage, which is not "
            + "supported (supported storages: torch.FloatStorage, torch.HalfStorage, torch.BFloat16Storage");
  }

  @Test
  void truncatedAndCorruptZipsNameTheFile() throws IOException {
    byte[] good = Files.readAllBytes(torch("tiny-b/open_clip-bin/open_clip_pytorch_model.bin"));
    Path truncated = dir.resolve("truncated.bin");
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    assertThatThrownBy(() -> TorchCheckpointFile.open(truncated))
        .hasMessageStartingWith(truncated + ": corrupt or truncated zip archive (");
    Path empty = dir.resolve("empty.pt");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> TorchCheckpointFile.open(empty))
        .hasMessage(empty + ": too short to be a PyTorch checkpoint (0 bytes)");
    Path text = dir.resolve("notes.pt");
    Files.writeString(text, "hello world");
    assertThatThrownBy(() -> TorchCheckpointFile.open(text))
        .hasMessageStartingWith(text + ": not a PyTorch checkpoint: a torch.save or torch.jit.save file is a zip");
    Path plainPickle = dir.resolve("plain.pkl");
    Files.write(plainPickle, new byte[] {(byte) 0x80, 0x04, 0x4e, 0x2e});
    assertThatThrownBy(() -> TorchCheckpointFile.open(plainPickle))
        .hasMessageStartingWith(plainPickle + ": is a plain pickle, not a torch.save zip archive");
    assertThatThrownBy(() -> TorchCheckpointFile.open(dir.resolve("absent.bin")))
        .hasMessage(dir.resolve("absent.bin") + ": file not found");
  }

  @Test
  void aShortOrMissingStorageEntryIsReportedWithTheTensor() throws IOException {
    Path source = torch("misc/views.pt");
    Path shortStorage = rewrite(source, "short.pt", (name) -> name.endsWith("/data/0") ? 10 : -1);
    assertThatThrownBy(() -> TorchCheckpointFile.open(shortStorage))
        .hasMessageStartingWith(shortStorage + ": truncated: storage entry views/data/0 of tensor 'base' has 10 "
            + "bytes, expected 96 (24 x F32)");
    Path missing = rewrite(source, "missing.pt", (name) -> name.endsWith("/data/0") ? -2 : -1);
    assertThatThrownBy(() -> TorchCheckpointFile.open(missing))
        .hasMessageStartingWith(missing + ": truncated or corrupt: tensor 'base' needs storage entry views/data/0, "
            + "which is missing");
    Path noPickle = rewrite(source, "nopickle.pt", (name) -> name.endsWith("data.pkl") ? -2 : -1);
    assertThatThrownBy(() -> TorchCheckpointFile.open(noPickle))
        .hasMessage(noPickle + ": is a zip archive but not a PyTorch checkpoint: it has no <archive>/data.pkl");
    Path badPickle = rewrite(source, "badpickle.pt", (name) -> name.endsWith("data.pkl") ? 40 : -1);
    assertThatThrownBy(() -> TorchCheckpointFile.open(badPickle))
        .hasMessageStartingWith(badPickle + ": corrupt views/data.pkl: not a readable pickle (");
  }

  @Test
  void protocol4PicklesAndTorch2ByteOrderRecordsAreRead() throws IOException {
    try (TorchCheckpointFile p4 = TorchCheckpointFile.open(torch("misc/protocol4.pt"))) {
      assertThat(p4.entries().keySet()).containsExactly("weight", "bias");
      assertThat(p4.readFloats("weight")).containsExactly(1f, 2f, 3f, 4f);
      assertThat(p4.readFloats("bias")).containsExactly(0.5f, -0.5f);
    }
    Path little = rewrite(torch("misc/views.pt"), "little.pt", name -> -1, "views/byteorder", "little");
    try (TorchCheckpointFile f = TorchCheckpointFile.open(little)) {
      assertThat(f.readFloats("scalar")).containsExactly(3f);
    }
    Path big = rewrite(torch("misc/views.pt"), "big.pt", name -> -1, "views/byteorder", "big");
    assertThatThrownBy(() -> TorchCheckpointFile.open(big))
        .hasMessageStartingWith(big + ": its storages are big-endian; only little-endian checkpoints are read");
  }

  @Test
  void parametersSizesBytesAndTorch2RebuildSpellingsAreAccepted() throws IOException {
    Path file = torch("misc/values-and-parameters.pt");
    try (TorchCheckpointFile values = TorchCheckpointFile.open(file)) {
      assertThat(values.entries().keySet())
          .containsExactly("parameter", "tensor_with_state", "parameter_with_state");
      assertThat(values.readFloats("parameter")).containsExactly(0f, 1f, 2f, 3f);
      assertThat(values.entry("parameter").shape()).containsExactly(2, 2);
      assertThat(values.readFloats("tensor_with_state")).containsExactly(7f, 7f);
      assertThat(values.readFloats("parameter_with_state")).containsExactly(1f, 1f, 1f);
    }
    byte[] pickle;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      pickle = zip.getInputStream(zip.getEntry("values-and-parameters/data.pkl")).readAllBytes();
    }
    RestrictedTorchUnpickler unpickler = new RestrictedTorchUnpickler(file);
    Map<?, ?> root = (Map<?, ?>) unpickler.loads(pickle);
    unpickler.close();
    assertThat((Object[]) root.get("size")).containsExactly(2, 3);
    assertThat((byte[]) root.get("blob")).containsExactly(new byte[] {0, (byte) 0xff, 97, 98});
    assertThat(root.keySet().stream().map(String::valueOf).toList()).containsExactly(
        "parameter", "size", "blob", "tensor_with_state", "parameter_with_state");
  }

  @Test
  void pickleShapesThatAreNotStateDictsAreExplained() throws IOException {
    Path noTensors = archive("no-tensors.pt", new byte[] {
        (byte) 0x80, 0x02, '}', 'q', 0, 'X', 1, 0, 0, 0, 'a', 'K', 1, 's', '.'});
    assertThatThrownBy(() -> TorchCheckpointFile.open(noTensors))
        .hasMessageStartingWith(noTensors + ": holds a dict without tensors (keys [a]); expected a state dict");
    Path list = archive("list.pt", new byte[] {(byte) 0x80, 0x02, ']', '.'});
    assertThatThrownBy(() -> TorchCheckpointFile.open(list))
        .hasMessage(list + ": holds a list, expected a state dict (name -> tensor) or a TorchScript module");
    Path ext = archive("ext.pt", new byte[] {(byte) 0x80, 0x02, (byte) 0x82, 1, '.'});
    assertThatThrownBy(() -> TorchCheckpointFile.open(ext))
        .hasMessageStartingWith(ext + ": refused: it names a global through the copyreg extension registry");
    byte[] stackGlobal = ("\u0080\u0004\u008c\u0002os\u008c\u0006system\u0093.")
        .getBytes(StandardCharsets.ISO_8859_1);
    Path sg = archive("stack-global.pt", stackGlobal);
    assertThatThrownBy(() -> TorchCheckpointFile.open(sg))
        .hasMessageStartingWith(sg + ": refused: the pickle names the Python global 'os.system'");
  }

  @Test
  void everyAllowedGlobalIsDocumented() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "backbone.md"));
    for (String global : TorchCheckpointFile.ALLOWED_GLOBALS) {
      String name = global.split(" ")[0];
      assertThat(doc).as(name).contains("`" + name + "`");
    }
    assertThat(TorchCheckpointFile.ALLOWED_GLOBALS).contains("collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter", "torch.FloatStorage",
        "torch.HalfStorage", "torch.BFloat16Storage").doesNotContain("os.system", "builtins.eval");
  }

  private Path archive(String name, byte[] pickle) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      put(out, "archive/data.pkl", pickle);
      put(out, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  /**
   * Copies a zip, cutting entries to the length {@code cut} gives (-1: keep, -2: drop).
   */
  private Path rewrite(Path source, String name, java.util.function.ToIntFunction<String> cut, String... extra)
      throws IOException {
    Path file = dir.resolve(name);
    try (ZipFile in = new ZipFile(source.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Enumeration<? extends ZipEntry> it = in.entries(); it.hasMoreElements(); ) {
        ZipEntry e = it.nextElement();
        int length = cut.applyAsInt(e.getName());
        if (length == -2) {
          continue;
        }
        byte[] data = in.getInputStream(e).readAllBytes();
        put(out, e.getName(), length < 0 ? data : Arrays.copyOf(data, length));
      }
      for (int i = 0; i < extra.length; i += 2) {
        put(out, extra[i], extra[i + 1].getBytes(StandardCharsets.US_ASCII));
      }
    }
    return file;
  }

  private static void put(ZipOutputStream out, String name, byte[] data) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    out.putNextEntry(entry);
    out.write(data);
    out.closeEntry();
  }
}
