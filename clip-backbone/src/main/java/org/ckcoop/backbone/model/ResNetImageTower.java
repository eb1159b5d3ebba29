package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ResNetShape;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;

/**
 * OpenAI's modified ResNet image tower ({@code ModifiedResNet} in openai/CLIP {@code clip/model.py}),
 * in eval mode:
 *
 * <ul>
 *   <li>stem: three 3x3 convolutions without bias ({@code conv1} with stride 2), each followed by
 *       batch norm and ReLU, then a 2x2 average pool;
 *   <li>four stages of bottleneck blocks: 1x1, 3x3 (padding 1), a {@code stride}x{@code stride}
 *       average pool when the block's stride is 2 (the first block of stages 2-4), 1x1 to 4 x planes,
 *       each convolution with batch norm, ReLU after the first two and after the residual sum; the
 *       first block of every stage has a downsample branch: average pool (stride), 1x1 convolution,
 *       batch norm;
 *   <li>attention pool: the [C, H, W] map flattened to H x W tokens, their mean prepended, the
 *       positional embedding added, one multi-head attention step in which only the mean token
 *       queries (separate q, k, v projections with biases, q scaled by {@code head_width^-0.5}), and
 *       {@code c_proj} to the joint embedding.
 * </ul>
 *
 * <p>Batch norm uses the stored running statistics with epsilon {@link ResNetShape#BATCH_NORM_EPS}
 * (PyTorch's own batch-norm kernel; nothing is folded, so features match the reference's arithmetic),
 * computed in F32 whatever the compute type. Each block runs in its own {@link NDScope}, as the
 * transformer's blocks do. The tower takes no deep prompts.
 */
final class ResNetImageTower implements ImageTower {
  private static final Shape ONE = new Shape(1, 1);
  private static final Shape NO_PADDING = new Shape(0, 0);
  private static final Shape PAD_ONE = new Shape(1, 1);

  private final ResNetShape shape;
  private final String label;
  private final ConvBn stem1;
  private final ConvBn stem2;
  private final ConvBn stem3;
  private final List<Bottleneck> blocks = new ArrayList<>();
  private final NDArray positionalEmbedding;
  private final NDArray qWeight;
  private final NDArray qBias;
  private final NDArray kWeight;
  private final NDArray kBias;
  private final NDArray vWeight;
  private final NDArray vBias;
  private final NDArray cWeight;
  private final NDArray cBias;
  private final NDArray queryScale;

  ResNetImageTower(TowerWeights w, ClipArchitecture architecture, ResNetShape shape) {
    this.shape = shape;
    this.label = shape.label();
    stem1 = new ConvBn(w, "visual.conv1", "visual.bn1", 2, PAD_ONE);
    stem2 = new ConvBn(w, "visual.conv2", "visual.bn2", 1, PAD_ONE);
    stem3 = new ConvBn(w, "visual.conv3", "visual.bn3", 1, PAD_ONE);
    for (int stage = 0; stage < 4; stage++) {
      for (int b = 0; b < shape.layers().get(stage); b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        blocks.add(new Bottleneck(w, "visual.layer" + (stage + 1) + "." + b + ".", stride, b == 0));
      }
    }
    positionalEmbedding = w.matrix("visual.attnpool.positional_embedding");
    qWeight = w.matrix("visual.attnpool.q_proj.weight");
    qBias = w.matrix("visual.attnpool.q_proj.bias");
    kWeight = w.matrix("visual.attnpool.k_proj.weight");
    kBias = w.matrix("visual.attnpool.k_proj.bias");
    vWeight = w.matrix("visual.attnpool.v_proj.weight");
    vBias = w.matrix("visual.attnpool.v_proj.bias");
    cWeight = w.matrix("visual.attnpool.c_proj.weight");
    cBias = w.matrix("visual.attnpool.c_proj.bias");
    queryScale = w.constant((float) Math.pow(shape.headWidth(), -0.5));
  }

  @Override
  public NDArray forward(NDArray pixels, VisionLayerPrompts prompts) {
    if (prompts != null) {
      throw new IllegalArgumentException(
          "deep vision prompts need a ViT image tower; this backbone's is " + label);
    }
    NDArray x;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      x = stem1.apply(pixels, true);
      x = stem2.apply(x, true);
      x = stem3.apply(x, true);
      x = avgPool(x, 2);
      NDScope.unregister(x);
    }
    for (Bottleneck block : blocks) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray next = block.forward(x);
        NDScope.unregister(next);
        x.close();
        x = next;
      }
    }
    NDArray features = attentionPool(x);
    x.close();
    return features;
  }

  /** AttentionPool2d.forward: only the mean token queries; the result is [N, embed]. */
  private NDArray attentionPool(NDArray map) {
    Shape s = map.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long cells = s.get(2) * s.get(3);
    int heads = shape.heads();
    int headWidth = shape.headWidth();
    NDArray tokens = map.reshape(n, c, cells).transpose(0, 2, 1);
    NDArray x = NDArrays.concat(new NDList(tokens.mean(new int[] {1}, true), tokens), 1).add(positionalEmbedding);
    long l = cells + 1;
    NDArray query = x.get(new NDIndex(":, :1, :"));
    NDArray q = Linear.linear(query, qWeight, qBias).singletonOrThrow()
        .reshape(n, 1, heads, headWidth).transpose(0, 2, 1, 3).mul(queryScale);
    NDArray k = Linear.linear(x, kWeight, kBias).singletonOrThrow().reshape(n, l, heads, headWidth).transpose(0, 2, 1, 3);
    NDArray v = Linear.linear(x, vWeight, vBias).singletonOrThrow().reshape(n, l, heads, headWidth).transpose(0, 2, 1, 3);
    NDArray attended = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(n, c);
    return Linear.linear(attended, cWeight, cBias).singletonOrThrow();
  }

  /** nn.AvgPool2d(k): kernel = stride = k, no padding, floor mode. */
  private static NDArray avgPool(NDArray x, int k) {
    Shape kernel = new Shape(k, k);
    return Pool.avgPool2d(x, kernel, kernel, NO_PADDING, false, true);
  }

  /** A convolution without bias followed by eval-mode batch norm. */
  private static final class ConvBn {
    private final NDArray weight;
    private final NDArray mean;
    private final NDArray variance;
    private final NDArray gamma;
    private final NDArray beta;
    private final Shape stride;
    private final Shape padding;

    ConvBn(TowerWeights w, String conv, String bn, int stride, Shape padding) {
      weight = w.matrix(conv + ".weight");
      mean = w.norm(bn + ".running_mean");
      variance = w.norm(bn + ".running_var");
      gamma = w.norm(bn + ".weight");
      beta = w.norm(bn + ".bias");
      this.stride = new Shape(stride, stride);
      this.padding = padding;
    }

    /** Returns {@code relu(bn(conv(x)))} (or without the ReLU), on {@code x}'s manager. */
    NDArray apply(NDArray x, boolean relu) {
      NDArray y = Conv2d.conv2d(x, weight, null, stride, padding, ONE, 1).singletonOrThrow();
      DataType type = y.getDataType();
      NDArray in = type == DataType.FLOAT32 ? y : y.toType(DataType.FLOAT32, false);
      NDArray out = BatchNorm.batchNorm(in, mean, variance, gamma, beta, -1, 0.1f,
          (float) ResNetShape.BATCH_NORM_EPS, false).singletonOrThrow();
      out = type == DataType.FLOAT32 ? out : out.toType(type, false);
      return relu ? ai.djl.nn.Activation.relu(out) : out;
    }
  }

  /** Bottleneck.forward (expansion 4; anti-aliased stride by average pooling). */
  private static final class Bottleneck {
    private final ConvBn conv1;
    private final ConvBn conv2;
    private final ConvBn conv3;
    private final ConvBn downsample;
    private final int stride;

    Bottleneck(TowerWeights w, String p, int stride, boolean downsamples) {
      conv1 = new ConvBn(w, p + "conv1", p + "bn1", 1, NO_PADDING);
      conv2 = new ConvBn(w, p + "conv2", p + "bn2", 1, PAD_ONE);
      conv3 = new ConvBn(w, p + "conv3", p + "bn3", 1, NO_PADDING);
      downsample = downsamples ? new ConvBn(w, p + "downsample.0", p + "downsample.1", 1, NO_PADDING) : null;
      this.stride = stride;
    }

    NDArray forward(NDArray x) {
      NDArray out = conv1.apply(x, true);
      out = conv2.apply(out, true);
      if (stride > 1) {
        out = avgPool(out, stride);
      }
      out = conv3.apply(out, false);
      NDArray identity = x;
      if (downsample != null) {
        identity = downsample.apply(stride > 1 ? avgPool(x, stride) : x, false);
      }
      return ai.djl.nn.Activation.relu(out.add(identity));
    }
  }
}
