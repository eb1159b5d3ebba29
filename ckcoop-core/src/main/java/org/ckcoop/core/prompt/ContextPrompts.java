package org.ckcoop.core.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.prompts.SharedPrefixEmbeddings;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.common.engine.EngineArrays;

/**
 * The fixed part of CoOp-style soft prompts for a list of classes, and the placement of learned
 * context vectors into them.
 *
 * <p>Tokenisation and arrangement are those of the official code (KaiyangZhou/CoOp commit
 * ff61507c, {@code trainers/coop.py} {@code PromptLearner.__init__} lines 98-110 and {@code forward}
 * lines 118-182; CoCoOp's {@code trainers/cocoop.py} lines 104-116 and KgCoOp's
 * {@code KgCoOp/trainers/kgcoop.py} (htyao89/KgCoOp) build the same prompts with the "end"
 * arrangement):
 *
 * <ul>
 *   <li>per class, {@code name = classname.replace("_", " ")} and the WHOLE string
 *       {@code placeholder + " " + name + "."} is tokenised with {@code clip.tokenize} (SOT, ids, EOT,
 *       zeros up to the context length). Because CLIP's pre-tokeniser keeps a run of punctuation
 *       together, a name ending in punctuation merges with the period: {@code "cat (tabby)."} ends in
 *       the single token {@code ")."}, not {@code ")"} and {@code "."};
 *   <li>the text feature is read at {@code tokenized_prompts.argmax(dim=-1)}: the first position of the
 *       largest id (the EOT in CLIP vocabularies), the same for every class-token position;
 *   <li>{@code token_prefix} is position 0 and {@code token_suffix} the positions after
 *       {@code 1 + n_ctx}; {@link ClassTokenPosition#END} places the context at positions
 *       {@code 1..n_ctx}: [prefix | ctx | suffix];
 *   <li>{@link ClassTokenPosition#MIDDLE} and {@link ClassTokenPosition#FRONT} split the suffix BY COUNT
 *       at {@code name_len = len(_tokenizer.encode(name))}, the name tokenised alone:
 *       {@code class_i = suffix[:name_len]}, {@code suffix_i = suffix[name_len:]}, arranged as
 *       [prefix | ctx[:n_ctx // 2] | class_i | ctx[n_ctx // 2:] | suffix_i] or
 *       [prefix | class_i | ctx | suffix_i]. When the name's own tokens differ from the whole
 *       string's, whatever tokens sit there are split: for "cat (tabby)" {@code class_i} holds
 *       {@code cat ( tabby ).}; for a name whose own tokenisation is longer ("wait-.." alone is 3
 *       tokens, "wait-..." 2) it even holds the EOT, and the feature is still read at the argmax
 *       position, which then holds a context vector. This is reproduced as is.
 * </ul>
 *
 * <p>Sequences are stored only up to the longest class's EOT (positions after it cannot matter under
 * the causal mask); a context vector placed after that cut is dropped for the same reason.
 *
 * <p>{@link #assemble} computes {@code fixed + P @ ctx}, where {@code P} is a one-hot placement
 * [C, L, nCtx]; it is differentiable with respect to the context and its result belongs to the
 * caller's manager.
 */
public final class ContextPrompts implements AutoCloseable {
  /** In {@link #tokenIds()}, the value at a position that holds a context vector. */
  static final long CONTEXT_SLOT = -1;

  private final List<String> classNames;
  private final int contextLength;
  private final int width;
  private final int[] eot;
  private final long[][] tokenIds;
  private final NDManager manager;
  private final NDArray fixed;
  private final NDArray placement;
  private final int sharedLength;
  private final NDArray fixedPrefix;
  private final NDArray placementPrefix;
  private final NDArray fixedRest;
  private final NDArray placementRest;

  private ContextPrompts(List<String> classNames, int contextLength, int width, int[] eot, long[][] tokenIds,
      NDManager manager, NDArray fixed, NDArray placement, int sharedLength) {
    this.classNames = classNames;
    this.contextLength = contextLength;
    this.width = width;
    this.eot = eot;
    this.tokenIds = tokenIds;
    this.manager = manager;
    this.fixed = fixed;
    this.placement = placement;
    this.sharedLength = sharedLength;
    long cut = fixed.getShape().get(1);
    fixedPrefix = fixed.get(new NDIndex("0:1, :{}, :", sharedLength));
    placementPrefix = placement.get(new NDIndex("0:1, :{}, :", sharedLength));
    fixedRest = fixed.get(new NDIndex(":, {}:{}, :", sharedLength, cut));
    placementRest = placement.get(new NDIndex(":, {}:{}, :", sharedLength, cut));
  }

  /**
   * Builds the prompts.
   *
   * @param backbone the frozen CLIP (tokenizer and token embeddings)
   * @param classNames class names in label order
   * @param placeholder the context's placeholder text (CoOp's {@code prompt_prefix}), e.g.
   *     {@code "X X X X"} or {@code "a photo of a"}; it must tokenise to exactly {@code nCtx} tokens, or
   *     (class token at the end) to more: then its tokens after the first {@code nCtx} stay fixed
   *     between the context and the class name, as in ProGrad's official prompts, where a template
   *     with a comma has one token more than words
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
    boolean longerAtEnd = position == ClassTokenPosition.END && placeholderIds.length > nCtx;
    if (placeholderIds.length != nCtx && !longerAtEnd) {
      throw new IllegalArgumentException("placeholder '" + placeholder + "' has " + placeholderIds.length
          + " tokens, expected n_ctx = " + nCtx + (position == ClassTokenPosition.END ? " or more" : ""));
    }
    int classes = classNames.size();
    long[][] arranged = new long[classes][];
    int[][] ctxPositions = new int[classes][];
    int[] eot = new int[classes];
    for (int c = 0; c < classes; c++) {
      String name = classNames.get(c).replace('_', ' ');
      int[] body = tokenizer.encode(placeholder + " " + name + ".");
      int length = body.length + 2;
      if (length > context) {
        throw new InputException("class name '" + classNames.get(c) + "'", "its prompt needs " + length
            + " tokens but the backbone's context length is " + context);
      }
      long[] tokenized = new long[context]; // clip.tokenize: SOT, ids, EOT, zeros
      tokenized[0] = tokenizer.sotTokenId();
      for (int i = 0; i < body.length; i++) {
        tokenized[1 + i] = body[i];
      }
      tokenized[length - 1] = tokenizer.eotTokenId();
      eot[c] = argmax(tokenized);
      ctxPositions[c] = new int[nCtx];
      arranged[c] = arrange(tokenized, nCtx, tokenizer.encode(name).length, position, ctxPositions[c]);
    }
    int cut = Arrays.stream(eot).max().orElse(0) + 1;
    long[][] kept = new long[classes][];
    long[] flat = new long[classes * cut];
    for (int c = 0; c < classes; c++) {
      kept[c] = Arrays.copyOf(arranged[c], cut);
      for (int p = 0; p < cut; p++) {
        flat[c * cut + p] = kept[c][p] == CONTEXT_SLOT ? 0 : kept[c][p];
      }
    }
    float[] fixed;
    try (NDManager tmp = EngineRuntime.engine().newBaseManager(backbone.device())) {
      fixed = backbone.embedTokens(EngineArrays.of(tmp, flat, new Shape(classes, cut))).toFloatArray();
    }
    float[] placement = new float[classes * cut * nCtx];
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < nCtx; k++) {
        int p = ctxPositions[c][k];
        if (p < cut) {
          placement[(c * cut + p) * nCtx + k] = 1f;
          Arrays.fill(fixed, (c * cut + p) * width, (c * cut + p + 1) * width, 0f);
        }
      }
    }
    NDManager manager = EngineRuntime.engine().newBaseManager(backbone.device());
    NDArray fixedArray = EngineArrays.of(manager, fixed, new Shape(classes, cut, width));
    NDArray placementArray = EngineArrays.of(manager, placement, new Shape(classes, cut, nCtx));
    ContextPrompts prompts = new ContextPrompts(List.copyOf(classNames), nCtx, width, eot, kept, manager, fixedArray,
        placementArray, sharedLength(kept, ctxPositions, eot));
    manager.cap();
    return prompts;
  }

  /**
   * The number of leading positions that hold the same thing in every class's prompt (the same token,
   * or the same context vector), at most up to the first EOT: CoOp's [SOT | context] with the class
   * at the end, more when every name starts with the same tokens.
   */
  static int sharedLength(long[][] kept, int[][] ctxPositions, int[] eot) {
    int limit = Arrays.stream(eot).min().orElse(0);
    int shared = 0;
    while (shared < limit && samePlaceInEveryClass(kept, ctxPositions, shared)) {
      shared++;
    }
    return shared;
  }

  private static boolean samePlaceInEveryClass(long[][] kept, int[][] ctxPositions, int p) {
    for (int c = 1; c < kept.length; c++) {
      if (kept[c][p] != kept[0][p] || contextAt(ctxPositions[c], p) != contextAt(ctxPositions[0], p)) {
        return false;
      }
    }
    return true;
  }

  private static int contextAt(int[] positions, int p) {
    for (int k = 0; k < positions.length; k++) {
      if (positions[k] == p) {
        return k;
      }
    }
    return -1;
  }

  /** {@code tokens.argmax()}: the first position of the largest id. */
  private static int argmax(long[] tokens) {
    int best = 0;
    for (int i = 1; i < tokens.length; i++) {
      if (tokens[i] > tokens[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * CoOp's {@code PromptLearner.forward} arrangement over the full context length: the token id at
   * each position, or {@link #CONTEXT_SLOT} where context vector k sits ({@code ctxPositions[k]}).
   * Python's slicing clamps, so {@code name_len} beyond the suffix takes all of it.
   */
  private static long[] arrange(long[] tokenized, int nCtx, int nameLength, ClassTokenPosition position,
      int[] ctxPositions) {
    int total = tokenized.length;
    long[] out = new long[total];
    int suffixStart = 1 + nCtx;
    int suffixLength = total - suffixStart;
    int classLength = Math.min(nameLength, suffixLength);
    int before = switch (position) {
      case END -> nCtx;
      case MIDDLE -> nCtx / 2;
      case FRONT -> 0;
    };
    int inClass = position == ClassTokenPosition.END ? 0 : classLength;
    int at = 0;
    out[at++] = tokenized[0];
    int k = 0;
    for (; k < before; k++) {
      ctxPositions[k] = at;
      out[at++] = CONTEXT_SLOT;
    }
    for (int i = 0; i < inClass; i++) {
      out[at++] = tokenized[suffixStart + i];
    }
    for (; k < nCtx; k++) {
      ctxPositions[k] = at;
      out[at++] = CONTEXT_SLOT;
    }
    for (int i = inClass; i < suffixLength; i++) {
      out[at++] = tokenized[suffixStart + i];
    }
    if (at != total) {
      throw new IllegalStateException(at + " positions arranged, expected " + total);
    }
    return out;
  }

  /** Returns the class names, in label order. */
  public List<String> classNames() {
    return classNames;
  }

  /** Returns the number of context vectors. */
  public int contextVectors() {
    return contextLength;
  }

  /**
   * Returns, per class, the token id at each stored position of the arranged prompt ({@code -1} where a
   * context vector sits), up to the longest class's EOT: what the official arrangement holds there.
   */
  long[][] tokenIds() {
    long[][] out = new long[tokenIds.length][];
    for (int c = 0; c < tokenIds.length; c++) {
      out[c] = tokenIds[c].clone();
    }
    return out;
  }

  /**
   * Returns each class's EOT position: {@code argmax} of the whole prompt's token ids, where the text
   * feature is read (for every class-token position).
   */
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
    checkContext(context.getShape());
    return place(manager, placement, fixed, context);
  }

  /**
   * Checks a context for {@link #assemble}: returns true for [nCtx, width] (shared by all classes),
   * false for [C, nCtx, width] (class-specific).
   *
   * @throws IllegalArgumentException naming both expected shapes otherwise
   */
  private boolean checkContext(Shape s) {
    boolean shared = s.dimension() == 2 && s.get(0) == contextLength && s.get(1) == width;
    boolean perClass = s.dimension() == 3 && s.get(0) == classNames.size() && s.get(1) == contextLength && s.get(2) == width;
    if (!shared && !perClass) {
      throw new IllegalArgumentException("context has shape " + s + ", expected (" + contextLength + ", " + width
          + ") or (" + classNames.size() + ", " + contextLength + ", " + width + ")");
    }
    return shared;
  }

  /** {@code fixed + placement @ context} over the positions of the given placement and fixed part. */
  private static NDArray place(NDManager manager, NDArray placement, NDArray fixed, NDArray context) {
    return view(manager, placement).matMul(context).add(view(manager, fixed));
  }

  /**
   * As {@link #place} with one context per image, [B, nCtx, width]: [B * C, positions, width],
   * image-major.
   */
  private NDArray placePerImage(NDManager manager, NDArray placement, NDArray fixed, NDArray context) {
    long b = context.getShape().get(0);
    long positions = fixed.getShape().get(1);
    NDArray placed = view(manager, placement).expandDims(0).matMul(context.expandDims(1)); // [B, C, positions, W]
    return placed.add(view(manager, fixed).expandDims(0)).reshape(b * classNames.size(), positions, width);
  }

  /**
   * Returns the number of leading positions every class's prompt shares (see {@link #encode}); 0 or 1
   * when only SOT or nothing is shared.
   */
  public int sharedLength() {
    return sharedLength;
  }

  /**
   * Encodes every class's prompt with {@code context} placed into it: the features of
   * {@code backbone.encodeTokenEmbeddings(assemble(manager, context), eotPositions(), layers)}. When
   * the context is shared by all classes and the prompts share their first positions ({@link
   * #sharedLength()} of at least 2: CoOp's [SOT | context] before the class name), those positions
   * run through the text tower once instead of once per class ({@code SharedPrefixEmbeddings}): the
   * same numbers up to rounding, with the prefix's share of the work divided by the number of
   * classes.
   *
   * @param layers deep text prompts, or null
   * @return text features [C, embed], on {@code manager}
   */
  public NDArray encode(ClipBackbone backbone, NDManager manager, NDArray context, TextLayerPrompts layers) {
    if (checkContext(context.getShape()) && canShare(layers)) {
      NDArray prefix = place(manager, placementPrefix, fixedPrefix, context);
      NDArray rest = place(manager, placementRest, fixedRest, context);
      return backbone.encodeTokenEmbeddings(new SharedPrefixEmbeddings(prefix, rest, eot), layers);
    }
    return backbone.encodeTokenEmbeddings(assemble(manager, context), eot.clone(), layers);
  }

  /**
   * Encodes every class's prompt with a different context per image (CoCoOp): the features of
   * {@code backbone.encodeTokenEmbeddings(assemblePerImage(manager, context), eotPositions(B))}, with
   * the shared positions run once per image (see {@link #encode}).
   *
   * @param context [B, nCtx, width]
   * @return text features [B * C, embed], image-major, on {@code manager}
   */
  public NDArray encodePerImage(ClipBackbone backbone, NDManager manager, NDArray context) {
    checkPerImageContext(context.getShape());
    int images = Math.toIntExact(context.getShape().get(0));
    if (canShare(null)) {
      NDArray prefix = place(manager, placementPrefix, fixedPrefix, context); // [B, P, W]
      NDArray rest = placePerImage(manager, placementRest, fixedRest, context);
      return backbone.encodeTokenEmbeddings(new SharedPrefixEmbeddings(prefix, rest, eotPositions(images)), null);
    }
    return backbone.encodeTokenEmbeddings(assemblePerImage(manager, context), eotPositions(images));
  }

  /**
   * Whether {@link #encode} may share the prefix: true unless the system property
   * {@code ckcoop.shared_prefix} is {@code false} (for benchmarks and for checking that a result does
   * not depend on it).
   */
  static boolean sharingEnabled() {
    return !"false".equalsIgnoreCase(System.getProperty("ckcoop.shared_prefix"));
  }

  private boolean canShare(TextLayerPrompts layers) {
    return sharingEnabled() && sharedLength >= 2 && (layers == null || 1 + layers.tokens() <= sharedLength);
  }


  /**
   * Places a different context for each image into every class's prompt (CoCoOp).
   *
   * @param context [B, nCtx, width]
   * @return token embeddings [B * C, L, width], image-major; EOT positions from
   *     {@link #eotPositions(int)}
   */
  public NDArray assemblePerImage(NDManager manager, NDArray context) {
    checkPerImageContext(context.getShape());
    return placePerImage(manager, placement, fixed, context);
  }

  private void checkPerImageContext(Shape s) {
    if (s.dimension() != 3 || s.get(1) != contextLength || s.get(2) != width) {
      throw new IllegalArgumentException("context has shape " + s + ", expected (B, " + contextLength + ", " + width + ")");
    }
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
