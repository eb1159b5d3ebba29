package org.ckcoop.backbone;

import org.ckcoop.common.InputException;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.engine.EngineArrays;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ckcoop.backbone.checkpoint.CheckpointException;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.ImageNormalization;
import org.ckcoop.backbone.model.ClipNetwork;
import org.ckcoop.backbone.prompts.SharedPrefixEmbeddings;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;
import org.ckcoop.backbone.model.Precision;
import org.ckcoop.backbone.text.ClipTokenizer;

/**
 * A frozen CLIP: both towers on one device, its tokenizer, its image normalisation and its identity.
 * This is what every prompt learner and every evaluation runs on.
 *
 * <p><b>Frozen.</b> No weight ever requires a gradient; inside a {@code GradientCollector}, gradients
 * flow through the towers to whatever input the caller marked as trainable (the prompt learner's
 * context), never into the backbone.
 *
 * <p><b>Memory.</b> Every result belongs to the NDManager of the input it was computed from, never to
 * the backbone's own manager, so a caller that opens one manager per step and closes it keeps memory
 * flat over any number of steps.
 *
 * <p>The image tower is the one the checkpoint holds: a vision transformer or OpenAI's modified
 * ResNet ({@link ClipArchitecture#imageTower()}); {@code architecture().describe()}, which results
 * record with the {@link #identity()}, starts with its kind. Deep vision prompts need a ViT.
 *
 * <p>Two text entry points: {@link #encodeTokens} from token ids, and {@link #encodeTokenEmbeddings}
 * from token embeddings plus EOT positions (differentiable; what prompt learners call). Features are
 * projected and <em>not</em> normalised.
 */
public final class ClipBackbone implements AutoCloseable {
  private final ClipArchitecture architecture;
  private final ImageNormalization normalization;
  private final ClipTokenizer tokenizer;
  private final String identity;
  private final String source;
  private final NDManager manager;
  private final ClipNetwork network;
  private final Precision precision;

  private ClipBackbone(ClipCheckpoint checkpoint, ClipTokenizer tokenizer, BackboneOptions options) {
    if (tokenizer.vocabularySize() > checkpoint.architecture().vocabSize()) {
      throw new CheckpointException(
          checkpoint.source(),
          "the tokenizer has " + tokenizer.vocabularySize() + " tokens but the token embedding has only "
              + checkpoint.architecture().vocabSize() + " rows");
    }
    Device device = EngineRuntime.device(options.device());
    if (options.precision() == Precision.FP16 && !device.isGpu()) {
      throw new InputException("precision fp16 needs a GPU device; on " + EngineRuntime.name(device) + " use fp32");
    }
    this.architecture = checkpoint.architecture();
    this.normalization = checkpoint.normalization();
    this.tokenizer = tokenizer;
    this.identity = identityOf(checkpoint, tokenizer);
    this.source = checkpoint.source() + " (" + checkpoint.layout() + ")";
    this.precision = options.precision();
    this.manager = EngineRuntime.engine().newBaseManager(device);
    this.manager.setName("clip-backbone");
    try {
      this.network = new ClipNetwork(checkpoint, manager, precision);
      // From now on nothing may attach to the weights' manager: a stray attachment (an op called on
      // a weight array instead of on the per-step input) fails loudly instead of leaking.
      this.manager.cap();
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads the checkpoint folder (either layout, any of F32/F16/BF16) and its tokenizer.
   *
   * @throws CheckpointException naming the file, tensor and expected versus found shape when the
   *     checkpoint cannot be used
   */
  public static ClipBackbone load(Path path, BackboneOptions options) {
    ClipCheckpoint checkpoint = CheckpointLayout.read(path);
    Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    return new ClipBackbone(checkpoint, ClipTokenizer.fromFolder(folder), options);
  }

  /** Loads a checkpoint on the CPU in FP32. */
  public static ClipBackbone load(Path path) {
    return load(path, BackboneOptions.defaults());
  }

  /** Builds a backbone from checkpoint weights already in memory and a tokenizer. */
  public static ClipBackbone create(ClipCheckpoint checkpoint, ClipTokenizer tokenizer, BackboneOptions options) {
    return new ClipBackbone(checkpoint, tokenizer, options);
  }

  /**
   * Returns the backbone identity: a SHA-256 over the weights' values, the architecture, the image
   * normalisation and the tokenizer. The same model in either layout and in any dtype that holds the
   * same values has the same identity; results record it.
   */
  public String identity() {
    return identity;
  }

  private static String identityOf(ClipCheckpoint checkpoint, ClipTokenizer tokenizer) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(("clip-backbone/1|" + checkpoint.contentHash() + "|" + tokenizer.identity()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns where the checkpoint came from and its layout, for logs and provenance. */
  public String source() {
    return source;
  }

  /** Returns every size of the model. */
  public ClipArchitecture architecture() {
    return architecture;
  }

  /** Returns the image normalisation the checkpoint states (CLIP's by default). */
  public ImageNormalization normalization() {
    return normalization;
  }

  /** Returns the checkpoint's tokenizer. */
  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  /** Returns the device the weights live on. */
  public Device device() {
    return manager.getDevice();
  }

  /** Returns the compute precision. */
  public Precision precision() {
    return precision;
  }

  /** Returns the stored log-temperature; logits are {@code exp(logitScale) * cos(image, text)}. */
  public float logitScale() {
    return network.logitScale();
  }

  /**
   * Encodes normalised pixels [N, 3, R, R] into projected image features [N, embed] (F32). The result
   * belongs to {@code pixels}' manager.
   *
   * @throws IllegalArgumentException when the shape is not [N, 3, R, R] at this model's resolution
   */
  public NDArray encodeImages(NDArray pixels) {
    encodeImagesShapeCheck(pixels);
    return network.encodeImages(pixels);
  }

  /**
   * Encodes normalised pixels [N, 3, R, R] with deep vision prompts (see {@link VisionLayerPrompts}):
   * differentiable with respect to the prompts, never the weights. The result belongs to
   * {@code pixels}' manager.
   *
   * @throws IllegalArgumentException when a shape does not fit this model (prompt width, more prompt
   *     layers than blocks after the first), or when prompts are given and the image tower is not a ViT
   */
  public NDArray encodeImages(NDArray pixels, VisionLayerPrompts prompts) {
    if (prompts == null) {
      return encodeImages(pixels);
    }
    if (!architecture.hasVitImageTower()) {
      throw new IllegalArgumentException(
          "deep vision prompts need a ViT image tower; this backbone's is " + architecture.imageTower().label());
    }
    int width = architecture.vision().width();
    int blocks = architecture.vision().layers();
    if (prompts.first().getShape().get(1) != width) {
      throw new IllegalArgumentException("vision prompts have shape " + prompts.first().getShape()
          + ", expected (V, " + width + ") (the vision width)");
    }
    if (prompts.layers().size() > blocks - 1) {
      throw new IllegalArgumentException(prompts.layers().size() + " deeper vision prompt layers, but the vision tower"
          + " has only " + (blocks - 1) + " blocks after the first");
    }
    encodeImagesShapeCheck(pixels);
    return network.encodeImages(pixels, prompts);
  }

  private void encodeImagesShapeCheck(NDArray pixels) {
    Shape s = pixels.getShape();
    int r = architecture.imageResolution();
    if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != r || s.get(3) != r) {
      throw new IllegalArgumentException("pixels have shape " + s + ", expected (N, 3, " + r + ", " + r + ")");
    }
  }

  /**
   * Encodes token ids [N, L] (int64, L at most the context length, each row with an EOT) into
   * projected text features [N, embed] (F32), read at each row's first EOT. The result belongs to
   * {@code tokens}' manager.
   */
  public NDArray encodeTokens(NDArray tokens) {
    Shape s = tokens.getShape();
    if (s.dimension() != 2 || s.get(1) > architecture.contextLength()) {
      throw new IllegalArgumentException(
          "tokens have shape " + s + ", expected (N, L) with L <= " + architecture.contextLength());
    }
    long[] ids = tokens.toType(DataType.INT64, false).toLongArray();
    int length = Math.toIntExact(s.get(1));
    long[][] rows = new long[Math.toIntExact(s.get(0))][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Arrays.copyOfRange(ids, i * length, (i + 1) * length);
      for (int j = 0; j < length; j++) {
        if (rows[i][j] < 0 || rows[i][j] >= architecture.vocabSize()) {
          throw new IllegalArgumentException(
              "token id " + rows[i][j] + " at row " + i + ", position " + j + " is outside the vocabulary [0, "
                  + architecture.vocabSize() + ")");
        }
      }
    }
    return network.encodeTokenEmbeddings(network.embedTokens(tokens), tokenizer.eotPositions(rows));
  }

  /**
   * Encodes token embeddings [N, L, width] whose EOT tokens sit at {@code eotPositions} into projected
   * text features [N, embed] (F32). Differentiable with respect to {@code embeddings}. Positions
   * after the last EOT are cut before the blocks run (exact under the causal mask). The result belongs
   * to {@code embeddings}' manager.
   */
  public NDArray encodeTokenEmbeddings(NDArray embeddings, int[] eotPositions) {
    checkTokenEmbeddings(embeddings, eotPositions);
    return network.encodeTokenEmbeddings(embeddings, eotPositions.clone());
  }

  private void checkTokenEmbeddings(NDArray embeddings, int[] eotPositions) {
    Shape s = embeddings.getShape();
    int width = architecture.text().width();
    if (s.dimension() != 3 || s.get(2) != width || s.get(1) > architecture.contextLength()) {
      throw new IllegalArgumentException("token embeddings have shape " + s + ", expected (N, L, " + width
          + ") with L <= " + architecture.contextLength());
    }
    if (eotPositions.length != s.get(0)) {
      throw new IllegalArgumentException(
          eotPositions.length + " EOT positions for " + s.get(0) + " sequences");
    }
    for (int i = 0; i < eotPositions.length; i++) {
      if (eotPositions[i] < 0 || eotPositions[i] >= s.get(1)) {
        throw new IllegalArgumentException(
            "EOT position " + eotPositions[i] + " of sequence " + i + " is outside [0, " + s.get(1) + ")");
      }
    }
  }

  /**
   * As {@link #encodeTokenEmbeddings(NDArray, int[])}, with deep text prompts (see
   * {@link TextLayerPrompts}): differentiable with respect to the embeddings and the prompts, never the
   * weights. Null or empty prompts give exactly the result without them.
   *
   * @throws IllegalArgumentException when a shape does not fit this model (prompt width, more prompt
   *     layers than blocks after the first, prompts reaching past a sequence's EOT)
   */
  public NDArray encodeTokenEmbeddings(NDArray embeddings, int[] eotPositions, TextLayerPrompts prompts) {
    if (prompts == null || prompts.layers().isEmpty()) {
      return encodeTokenEmbeddings(embeddings, eotPositions);
    }
    checkTextPrompts(prompts);
    for (int i = 0; i < eotPositions.length; i++) {
      if (eotPositions[i] <= prompts.tokens()) {
        throw new IllegalArgumentException("sequence " + i + " has its EOT at " + eotPositions[i]
            + ", inside the deep prompts' positions 1.." + prompts.tokens());
      }
    }
    checkTokenEmbeddings(embeddings, eotPositions);
    return network.encodeTokenEmbeddings(embeddings, eotPositions.clone(), prompts);
  }

  /**
   * Encodes sequences whose first positions are shared per group (see {@link SharedPrefixEmbeddings}):
   * the same features as {@link #encodeTokenEmbeddings(NDArray, int[], TextLayerPrompts)} on the
   * assembled sequences, up to rounding, with the prefix computed once per group. Deep text prompts
   * (null or empty for none) must lie inside the prefix. The result [G * R, embed] (F32) belongs to the
   * rest's manager.
   *
   * @throws IllegalArgumentException when a shape does not fit this model (width, context length,
   *     prompt width or layers) or the deep prompts reach past the prefix
   */
  public NDArray encodeTokenEmbeddings(SharedPrefixEmbeddings embeddings, TextLayerPrompts prompts) {
    int width = architecture.text().width();
    Shape p = embeddings.prefix().getShape();
    if (p.get(2) != width || embeddings.length() > architecture.contextLength()) {
      throw new IllegalArgumentException("shared-prefix embeddings have width " + p.get(2) + " and length "
          + embeddings.length() + ", expected width " + width + " and length <= " + architecture.contextLength());
    }
    if (prompts != null && !prompts.layers().isEmpty()) {
      checkTextPrompts(prompts);
      if (1 + prompts.tokens() > embeddings.prefixLength()) {
        throw new IllegalArgumentException("deep text prompts replace positions 1.." + prompts.tokens()
            + ", past the shared prefix of " + embeddings.prefixLength() + " positions");
      }
    }
    return network.encodeTokenEmbeddings(embeddings, prompts);
  }

  private void checkTextPrompts(TextLayerPrompts prompts) {
    int width = architecture.text().width();
    int blocks = architecture.text().layers();
    if (prompts.layers().get(0).getShape().get(1) != width) {
      throw new IllegalArgumentException("text prompts have shape " + prompts.layers().get(0).getShape()
          + ", expected (n, " + width + ") (the text width)");
    }
    if (prompts.layers().size() > blocks - 1) {
      throw new IllegalArgumentException(prompts.layers().size() + " deeper text prompt layers, but the text tower"
          + " has only " + (blocks - 1) + " blocks after the first");
    }
  }

  /**
   * Looks up token ids [N, L] in the frozen token-embedding table: [N, L, width], on the ids' manager.
   * Prompt learners build their prompts from these.
   */
  public NDArray embedTokens(NDArray tokens) {
    return network.embedTokens(tokens);
  }

  /**
   * Tokenizes texts with the checkpoint's tokenizer into [N, contextLength] ids on {@code manager}.
   */
  public NDArray tokenize(NDManager target, List<String> texts) {
    return tokenIds(target, tokenizer.tokenize(texts, architecture.contextLength()));
  }

  /** Returns token-id rows of equal length as an int64 array [N, L] on {@code target}. */
  public static NDArray tokenIds(NDManager target, long[][] rows) {
    int length = rows.length == 0 ? 0 : rows[0].length;
    long[] flat = new long[rows.length * length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * length, length);
    }
    return EngineArrays.of(target, flat, new Shape(rows.length, length));
  }

  /**
   * Returns a copy of the token-embedding table [vocab, width] as F32 on {@code target} (for the
   * k-means dictionary, for example).
   */
  public NDArray tokenEmbeddingTable(NDManager target) {
    NDArray table = network.tokenEmbedding();
    return EngineArrays.of(target, table.toFloatArray(), table.getShape());
  }

  /** Releases the weights. */
  @Override
  public void close() {
    manager.close();
  }
}
