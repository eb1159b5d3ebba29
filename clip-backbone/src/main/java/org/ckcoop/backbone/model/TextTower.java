package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.util.Arrays;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.prompts.SharedPrefixEmbeddings;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.common.engine.EngineArrays;

/**
 * CLIP's causal text transformer. Sequences are cut after the last EOT before the blocks run: with
 * a causal mask, positions after a sequence's EOT cannot change its EOT feature, so the cut is exact
 * and saves most of the work for short prompts. Sequences that share their first positions can pass
 * them once per group ({@link SharedPrefixEmbeddings}), which is exact for the same reason.
 */
final class TextTower {
  private final ClipArchitecture architecture;
  private final NDArray tokenEmbedding;
  private final NDArray positionalEmbedding;
  private final Transformer transformer;
  private final NDArray lnFinalWeight;
  private final NDArray lnFinalBias;
  private final NDArray projection;

  TextTower(TowerWeights w, ClipArchitecture architecture) {
    this.architecture = architecture;
    tokenEmbedding = w.norm("token_embedding.weight"); // F32 in every precision: a lookup table
    positionalEmbedding = w.matrix("positional_embedding");
    transformer = new Transformer(w, "transformer.resblocks.", architecture.text());
    lnFinalWeight = w.norm("ln_final.weight");
    lnFinalBias = w.norm("ln_final.bias");
    projection = w.transposed("text_projection");
  }

  /** Returns the token-embedding table [vocab, width] (always F32); owned by the backbone. */
  NDArray tokenEmbedding() {
    return tokenEmbedding;
  }

  /** Looks up token ids [N, L] (int64) into embeddings [N, L, width] on the ids' manager. */
  NDArray embed(NDArray tokens) {
    return Embedding.embedding(tokens, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Encodes token embeddings [N, L, width] whose EOT tokens sit at {@code eot} into projected
   * features [N, embed]; the result belongs to {@code embeddings}' manager.
   */
  NDArray forward(NDArray embeddings, int[] eot) {
    return forward(embeddings, eot, null);
  }

  /**
   * As {@link #forward(NDArray, int[])}, with deep text prompts when {@code prompts} is not null
   * (replacing positions 1..n at the input of blocks 1..layers).
   */
  NDArray forward(NDArray embeddings, int[] eot, TextLayerPrompts prompts) {
    Shape shape = embeddings.getShape();
    long n = shape.get(0);
    int length = Math.toIntExact(shape.get(1));
    int cut = Arrays.stream(eot).max().orElse(0) + 1;
    NDManager manager = embeddings.getManager();
    NDArray x = cut < length ? embeddings.get(new NDIndex(":, :{}, :", cut)) : embeddings;
    NDArray positions = positionalEmbedding.get(manager, new NDIndex(":{}", cut));
    x = x.add(positions);
    NDArray mask = EngineArrays.of(manager, causalMask(cut), new Shape(cut, cut)).toType(x.getDataType(), false);
    x = transformer.forward(x, mask, deepPrompts(prompts, n, cut, "the sequences end"));
    return project(x, eot, 0);
  }

  /**
   * Encodes sequences whose first {@code P} positions are shared per group (see
   * {@link SharedPrefixEmbeddings}): {@code prefix} [G, P, width], {@code rest} [G * R, S, width],
   * EOT positions absolute. Deep text prompts (when not null) replace positions 1..n of the prefix,
   * which must hold them. The result [G * R, embed] belongs to {@code rest}'s manager.
   */
  NDArray forward(NDArray prefix, NDArray rest, int[] eot, TextLayerPrompts prompts) {
    int p = Math.toIntExact(prefix.getShape().get(1));
    long groups = prefix.getShape().get(0);
    int cut = Arrays.stream(eot).max().orElse(p) + 1;
    int own = cut - p;
    NDManager manager = rest.getManager();
    NDArray r = own < rest.getShape().get(1) ? rest.get(new NDIndex(":, :{}, :", own)) : rest;
    NDArray pre = prefix.add(positionalEmbedding.get(manager, new NDIndex(":{}", p)));
    r = r.add(positionalEmbedding.get(manager, new NDIndex("{}:{}", p, cut)));
    NDArray prefixMask = EngineArrays.of(manager, causalMask(p), new Shape(p, p)).toType(r.getDataType(), false);
    NDArray restMask = EngineArrays.of(manager, causalMask(own), new Shape(own, own)).toType(r.getDataType(), false);
    NDList out = transformer.forwardShared(pre, r, prefixMask, restMask,
        deepPrompts(prompts, groups, p, "the shared prefix ends"));
    return project(out.get(1), eot, p);
  }

  /**
   * The block inputs with deep text prompts in place: positions 1..n of {@code rows} sequences of
   * {@code length} positions replaced by layer k's prompt at block k (1..layers); null for no prompts.
   *
   * @param ends what ends at {@code length - 1}, for the error when the prompts do not fit
   */
  private static Transformer.LayerInput deepPrompts(TextLayerPrompts prompts, long rows, int length, String ends) {
    if (prompts == null || prompts.layers().isEmpty()) {
      return null;
    }
    int tokens = prompts.tokens();
    if (1 + tokens > length) {
      throw new IllegalArgumentException("deep text prompts replace positions 1.." + tokens
          + " but " + ends + " at position " + (length - 1));
    }
    return (layer, in) -> {
      if (layer == 0 || layer > prompts.layers().size()) {
        return in;
      }
      NDList parts = new NDList(in.get(new NDIndex(":, :1, :")),
          ImageTower.expand(prompts.layers().get(layer - 1), rows, in));
      if (1 + tokens < length) {
        parts.add(in.get(new NDIndex(":, {}:, :", 1 + tokens)));
      }
      return NDArrays.concat(parts, 1);
    };
  }

  /** Layer norm and projection of each sequence's hidden state at {@code eot[i] - offset}. */
  private NDArray project(NDArray x, int[] eot, int offset) {
    long n = x.getShape().get(0);
    int width = architecture.text().width();
    long[] index = new long[Math.toIntExact(n * width)];
    for (int i = 0; i < n; i++) {
      Arrays.fill(index, i * width, (i + 1) * width, eot[i] - offset);
    }
    NDArray pooled = x.gather(EngineArrays.of(x.getManager(), index, new Shape(n, 1, width)), 1).reshape(n, width);
    pooled = ResidualAttentionBlock.layerNorm(pooled, lnFinalWeight, lnFinalBias, architecture.text().layerNormEps());
    return Linear.linear(pooled, projection).singletonOrThrow();
  }

  private static float[] causalMask(int length) {
    float[] mask = new float[length * length];
    for (int i = 0; i < length; i++) {
      for (int j = i + 1; j < length; j++) {
        mask[i * length + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return mask;
  }
}
