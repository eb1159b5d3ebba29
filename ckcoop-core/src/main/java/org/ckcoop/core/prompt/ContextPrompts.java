package org.ckcoop.core.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.EngineRuntime;
import org.ckcoop.backbone.InputException;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.backbone.EngineArrays;

/**
 * The fixed part of CoOp-style soft prompts for a list of classes, and the placement of learned
 * context vectors into them.
 *
 * <p>For each class the placeholder prompt {@code "<placeholder> <class name>."} is tokenised exactly
 * as CoOp does (class name with {@code _} replaced by a space), giving the EOT position and the
 * fixed token embeddings (SOT, class-name tokens, ".", EOT, padding). The context occupies
 * {@code nCtx} positions, arranged by {@link ClassTokenPosition}. Sequences are stored only up to the
 * longest class's EOT (positions after it cannot matter under the causal mask).
 *
 * <p>{@link #assemble} computes {@code fixed + P @ ctx}, where {@code P} is a one-hot placement
 * [C, L, nCtx]; it is differentiable with respect to the context and its result belongs to the
 * caller's manager.
 */
public final class ContextPrompts implements AutoCloseable {
  private final List<String> classNames;
  private final int contextLength;
  private final int width;
  private final int[] eot;
  private final NDManager manager;
  private final NDArray fixed;
  private final NDArray placement;

  private ContextPrompts(List<String> classNames, int contextLength, int width, int[] eot,
      NDManager manager, NDArray fixed, NDArray placement) {
    this.classNames = classNames;
    this.contextLength = contextLength;
    this.width = width;
    this.eot = eot;
    this.manager = manager;
    this.fixed = fixed;
    this.placement = placement;
  }

  /**
   * Builds the prompts.
   *
   * @param backbone the frozen CLIP (tokenizer and token embeddings)
   * @param classNames class names in label order
   * @param placeholder the context's placeholder text, e.g. {@code "X X X X"} or {@code "a photo of a"};
   *     it must tokenise to exactly {@code nCtx} tokens
   * @param nCtx the number of context vectors
   * @param position where the class name goes
   * @throws InputException naming the class when a prompt does not fit the context length
   */
  public static ContextPrompts build(
      ClipBackbone backbone, List<String> classNames, String placeholder, int nCtx, ClassTokenPosition position) {
    ClipTokenizer tokenizer = backbone.tokenizer();
    int context = backbone.architecture().contextLength();
    int width = backbone.architecture().text().width();
    int[] placeholderIds = tokenizer.encode(placeholder);
    if (placeholderIds.length != nCtx) {
      throw new IllegalArgumentException("placeholder '" + placeholder + "' has " + placeholderIds.length
          + " tokens, expected n_ctx = " + nCtx);
    }
    int classes = classNames.size();
    long[][] arranged = new long[classes][];
    int[][] ctxPositions = new int[classes][nCtx];
    int[] eot = new int[classes];
    for (int c = 0; c < classes; c++) {
      String name = classNames.get(c).replace('_', ' ');
      int[] nameIds = tokenizer.encode(name);
      int[] rest = tokenizer.encode(".");
      int length = 1 + nCtx + nameIds.length + rest.length + 1;
      if (length > context) {
        throw new InputException("class name '" + classNames.get(c) + "'", "its prompt needs " + length
            + " tokens but the backbone's context length is " + context);
      }
      long[] ids = new long[length];
      int at = 0;
      ids[at++] = tokenizer.sotTokenId();
      int k = 0;
      int half = nCtx / 2;
      int before = switch (position) {
        case END -> nCtx;
        case MIDDLE -> half;
        case FRONT -> 0;
      };
      for (; k < before; k++) {
        ctxPositions[c][k] = at;
        ids[at++] = placeholderIds[k];
      }
      for (int id : nameIds) {
        ids[at++] = id;
      }
      for (; k < nCtx; k++) {
        ctxPositions[c][k] = at;
        ids[at++] = placeholderIds[k];
      }
      for (int id : rest) {
        ids[at++] = id;
      }
      eot[c] = at;
      ids[at] = tokenizer.eotTokenId();
      arranged[c] = ids;
    }
    int cut = Arrays.stream(eot).max().orElse(0) + 1;
    long[] flat = new long[classes * cut];
    for (int c = 0; c < classes; c++) {
      System.arraycopy(arranged[c], 0, flat, c * cut, arranged[c].length);
    }
    float[] fixed;
    try (NDManager tmp = EngineRuntime.engine().newBaseManager(backbone.device())) {
      fixed = backbone.embedTokens(EngineArrays.of(tmp, flat, new Shape(classes, cut))).toFloatArray();
    }
    float[] placement = new float[classes * cut * nCtx];
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < nCtx; k++) {
        int p = ctxPositions[c][k];
        placement[(c * cut + p) * nCtx + k] = 1f;
        Arrays.fill(fixed, (c * cut + p) * width, (c * cut + p + 1) * width, 0f);
      }
    }
    NDManager manager = EngineRuntime.engine().newBaseManager(backbone.device());
    NDArray fixedArray = EngineArrays.of(manager, fixed, new Shape(classes, cut, width));
    NDArray placementArray = EngineArrays.of(manager, placement, new Shape(classes, cut, nCtx));
    manager.cap();
    return new ContextPrompts(List.copyOf(classNames), nCtx, width, eot, manager, fixedArray, placementArray);
  }

  /** Returns the class names, in label order. */
  public List<String> classNames() {
    return classNames;
  }

  /** Returns the number of context vectors. */
  public int contextVectors() {
    return contextLength;
  }

  /** Returns each class's EOT position. */
  public int[] eotPositions() {
    return eot.clone();
  }

  /**
   * Places context vectors into every class's prompt.
   *
   * @param manager the caller's manager (the result belongs to it)
   * @param context [nCtx, width] shared by all classes, or [C, nCtx, width] class-specific
   * @return token embeddings [C, L, width]
   */
  public NDArray assemble(NDManager manager, NDArray context) {
    Shape s = context.getShape();
    boolean shared = s.dimension() == 2 && s.get(0) == contextLength && s.get(1) == width;
    boolean perClass = s.dimension() == 3 && s.get(0) == classNames.size() && s.get(1) == contextLength && s.get(2) == width;
    if (!shared && !perClass) {
      throw new IllegalArgumentException("context has shape " + s + ", expected (" + contextLength + ", " + width
          + ") or (" + classNames.size() + ", " + contextLength + ", " + width + ")");
    }
    return view(manager, placement).matMul(context).add(view(manager, fixed));
  }

  /**
   * Places a different context for each image into every class's prompt (CoCoOp).
   *
   * @param context [B, nCtx, width]
   * @return token embeddings [B * C, L, width], image-major; EOT positions from
   *     {@link #eotPositions(int)}
   */
  public NDArray assemblePerImage(NDManager manager, NDArray context) {
    Shape s = context.getShape();
    if (s.dimension() != 3 || s.get(1) != contextLength || s.get(2) != width) {
      throw new IllegalArgumentException("context has shape " + s + ", expected (B, " + contextLength + ", " + width + ")");
    }
    long b = s.get(0);
    long c = classNames.size();
    long l = fixed.getShape().get(1);
    NDArray placed = view(manager, placement).expandDims(0).matMul(context.expandDims(1)); // [B, C, L, W]
    return placed.add(view(manager, fixed).expandDims(0)).reshape(b * c, l, width);
  }

  /** Returns the EOT positions for {@code images} x C prompts from {@link #assemblePerImage}. */
  public int[] eotPositions(int images) {
    int[] out = new int[images * eot.length];
    for (int i = 0; i < images; i++) {
      System.arraycopy(eot, 0, out, i * eot.length, eot.length);
    }
    return out;
  }

  private static NDArray view(NDManager manager, NDArray array) {
    return array.get(manager, new NDIndex("..."));
  }

  /**
   * Returns the token embeddings [n, width] of {@code words} (without SOT/EOT), for initialising a
   * context from words as CoOp's {@code ctx_init} does.
   */
  public static float[] wordEmbeddings(ClipBackbone backbone, String words) {
    int[] ids = backbone.tokenizer().encode(words);
    long[] longs = Arrays.stream(ids).asLongStream().toArray();
    try (NDManager tmp = EngineRuntime.engine().newBaseManager(backbone.device())) {
      return backbone.embedTokens(EngineArrays.of(tmp, longs, new Shape(1, longs.length))).toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
