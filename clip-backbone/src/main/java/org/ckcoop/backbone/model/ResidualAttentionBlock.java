package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
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
    int heads = shape.heads();
    int headWidth = shape.headWidth();
    NDArray h = layerNorm(x, ln1Weight, ln1Bias, shape.layerNormEps());
    NDArray qkv = Linear.linear(h, inProjWeight, inProjBias).singletonOrThrow();
    NDList parts = qkv.split(3, 2);
    NDArray q = heads(parts.get(0), n, l, heads, headWidth).mul(queryScale);
    NDArray k = heads(parts.get(1), n, l, heads, headWidth);
    NDArray v = heads(parts.get(2), n, l, heads, headWidth);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(n, l, shape.width());
    x = x.add(Linear.linear(attended, outProjWeight, outProjBias).singletonOrThrow());
    h = layerNorm(x, ln2Weight, ln2Bias, shape.layerNormEps());
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
