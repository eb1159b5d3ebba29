package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import org.ckcoop.backbone.checkpoint.TowerShape;

/**
 * One pre-LN residual block as in OpenAI's CLIP: {@code x + attn(ln_1(x))}, then
 * {@code x + mlp(ln_2(x))}, with multi-head attention over a fused q/k/v in-projection (q scaled by
 * {@code head_width^-0.5}) and an MLP {@code c_fc -> activation -> c_proj}.
 */
final class ResidualAttentionBlock {
  private final TowerShape shape;
  private final NDArray ln1Weight;
  private final NDArray ln1Bias;
  private final NDArray inProjWeight;
  private final NDArray inProjBias;
  private final NDArray outProjWeight;
  private final NDArray outProjBias;
  private final NDArray ln2Weight;
  private final NDArray ln2Bias;
  private final NDArray fcWeight;
  private final NDArray fcBias;
  private final NDArray projWeight;
  private final NDArray projBias;
  private final NDArray queryScale;
  private final NDArray quickGeluFactor;

  ResidualAttentionBlock(TowerWeights weights, String prefix, TowerShape shape) {
    this.shape = shape;
    ln1Weight = weights.norm(prefix + "ln_1.weight");
    ln1Bias = weights.norm(prefix + "ln_1.bias");
    inProjWeight = weights.matrix(prefix + "attn.in_proj_weight");
    inProjBias = weights.matrix(prefix + "attn.in_proj_bias");
    outProjWeight = weights.matrix(prefix + "attn.out_proj.weight");
    outProjBias = weights.matrix(prefix + "attn.out_proj.bias");
    ln2Weight = weights.norm(prefix + "ln_2.weight");
    ln2Bias = weights.norm(prefix + "ln_2.bias");
    fcWeight = weights.matrix(prefix + "mlp.c_fc.weight");
    fcBias = weights.matrix(prefix + "mlp.c_fc.bias");
    projWeight = weights.matrix(prefix + "mlp.c_proj.weight");
    projBias = weights.matrix(prefix + "mlp.c_proj.bias");
    queryScale = weights.constant((float) Math.pow(shape.headWidth(), -0.5));
    quickGeluFactor = weights.constant(1.702f);
  }

  /**
   * Applies the block to {@code x} [N, L, width]; {@code mask} is an additive [L, L] attention mask
   * or null. The result belongs to {@code x}'s manager.
   */
  NDArray forward(NDArray x, NDArray mask) {
    long n = x.getShape().get(0);
    long l = x.getShape().get(1);
    return feedForward(x, selfAttention(queryKeyValue(x, n, l), mask, n, l));
  }

  /** Attention of q, k, v [n, heads, l, head width] under {@code mask} (or none): [n, l, width]. */
  private NDArray selfAttention(NDList qkv, NDArray mask, long n, long l) {
    NDArray scores = qkv.get(0).matMul(qkv.get(1).transpose(0, 1, 3, 2));
    if (mask != null) {
      scores = scores.add(mask);
    }
    return scores.softmax(-1).matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(n, l, shape.width());
  }

  /**
   * Applies the block to sequences whose first positions are shared per group (see
   * {@code SharedPrefixEmbeddings}): {@code prefix} [G, P, width] and {@code rest} [G * R, S, width],
   * group-major. The prefix attends to itself under {@code prefixMask} [P, P]; every rest sequence
   * attends to its group's prefix and, under {@code restMask} [S, S], to itself: the attention of
   * the assembled [P + S] sequences with a causal mask, computed without repeating the prefix.
   * Returns the new prefix and rest, on their inputs' managers.
   */
  NDList forwardShared(NDArray prefix, NDArray rest, NDArray prefixMask, NDArray restMask) {
    long g = prefix.getShape().get(0);
    long p = prefix.getShape().get(1);
    long rows = rest.getShape().get(0);
    long s = rest.getShape().get(1);
    long perGroup = rows / g;
    int heads = shape.heads();
    int headWidth = shape.headWidth();
    NDList pre = queryKeyValue(prefix, g, p);
    NDArray prefixAttended = selfAttention(pre, prefixMask, g, p);
    NDList own = queryKeyValue(rest, rows, s);
    NDArray q = own.get(0).reshape(g, perGroup, heads, s, headWidth);
    NDArray k = own.get(1).reshape(g, perGroup, heads, s, headWidth);
    NDArray v = own.get(2).reshape(g, perGroup, heads, s, headWidth);
    NDArray toPrefix = q.matMul(pre.get(1).expandDims(1).transpose(0, 1, 2, 4, 3)); // [G, R, H, S, P]
    NDArray toSelf = q.matMul(k.transpose(0, 1, 2, 4, 3)).add(restMask); // [G, R, H, S, S]
    NDList weights = NDArrays.concat(new NDList(toPrefix, toSelf), 4).softmax(4).split(new long[] {p}, 4);
    NDArray mixed = weights.get(0).matMul(pre.get(2).expandDims(1)).add(weights.get(1).matMul(v));
    NDArray restAttended = mixed.reshape(rows, heads, s, headWidth).transpose(0, 2, 1, 3).reshape(rows, s, shape.width());
    return new NDList(feedForward(prefix, prefixAttended), feedForward(rest, restAttended));
  }

  /** Returns q (scaled), k and v of {@code x} [n, l, width], each [n, heads, l, head width]. */
  private NDList queryKeyValue(NDArray x, long n, long l) {
    int heads = shape.heads();
    int headWidth = shape.headWidth();
    NDArray h = layerNorm(x, ln1Weight, ln1Bias, shape.layerNormEps());
    NDArray qkv = Linear.linear(h, inProjWeight, inProjBias).singletonOrThrow();
    NDList parts = qkv.split(3, 2);
    return new NDList(heads(parts.get(0), n, l, heads, headWidth).mul(queryScale),
        heads(parts.get(1), n, l, heads, headWidth), heads(parts.get(2), n, l, heads, headWidth));
  }

  /** The attention's output projection and residual, then the MLP and its residual. */
  private NDArray feedForward(NDArray x, NDArray attended) {
    x = x.add(Linear.linear(attended, outProjWeight, outProjBias).singletonOrThrow());
    NDArray h = layerNorm(x, ln2Weight, ln2Bias, shape.layerNormEps());
    h = Linear.linear(h, fcWeight, fcBias).singletonOrThrow();
    h = activation(h);
    h = Linear.linear(h, projWeight, projBias).singletonOrThrow();
    return x.add(h);
  }

  private static NDArray heads(NDArray a, long n, long l, int heads, int headWidth) {
    return a.reshape(n, l, heads, headWidth).transpose(0, 2, 1, 3);
  }

  /** Applies the activation; the result belongs to {@code h}'s manager. */
  private NDArray activation(NDArray h) {
    return switch (shape.activation()) {
      case QUICK_GELU -> h.mul(ai.djl.nn.Activation.sigmoid(h.mul(quickGeluFactor)));
      case GELU -> ai.djl.nn.Activation.gelu(h);
    };
  }

  /**
   * Layer norm over the last axis, computed in F32 whatever the input type (as OpenAI's CLIP does in
   * half precision); the result has the input's type and belongs to its manager.
   */
  static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
    DataType type = x.getDataType();
    NDArray in = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    Shape normalized = new Shape(x.getShape().get(x.getShape().dimension() - 1));
    NDArray out = LayerNorm.layerNorm(in, normalized, weight, bias, (float) eps).singletonOrThrow();
    return type == DataType.FLOAT32 ? out : out.toType(type, false);
  }
}
