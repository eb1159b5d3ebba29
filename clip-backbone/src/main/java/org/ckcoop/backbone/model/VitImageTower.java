package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;

/**
 * CLIP's vision transformer: patch embedding (a convolution without bias, computed as a matrix
 * product over unfolded patches), class token, positional embedding, {@code ln_pre}, the blocks,
 * {@code ln_post} on the class token, projection.
 */
final class VitImageTower implements ImageTower {
  private final ClipArchitecture architecture;
  private final NDArray patchWeight;
  private final NDArray classEmbedding;
  private final NDArray positionalEmbedding;
  private final NDArray lnPreWeight;
  private final NDArray lnPreBias;
  private final Transformer transformer;
  private final NDArray lnPostWeight;
  private final NDArray lnPostBias;
  private final NDArray projection;

  VitImageTower(TowerWeights w, ClipArchitecture architecture) {
    this.architecture = architecture;
    int p = architecture.patchSize();
    patchWeight = w.matrix("visual.conv1.weight", new Shape(architecture.vision().width(), 3L * p * p));
    classEmbedding = w.matrix("visual.class_embedding");
    positionalEmbedding = w.matrix("visual.positional_embedding");
    lnPreWeight = w.norm("visual.ln_pre.weight");
    lnPreBias = w.norm("visual.ln_pre.bias");
    transformer = new Transformer(w, "visual.transformer.resblocks.", architecture.vision());
    lnPostWeight = w.norm("visual.ln_post.weight");
    lnPostBias = w.norm("visual.ln_post.bias");
    projection = w.transposed("visual.proj");
  }

  /**
   * Encodes normalised pixels [N, 3, R, R] (compute type) into projected features [N, embed], with
   * deep vision prompts when {@code prompts} is not null (their layers must not exceed the blocks).
   */
  @Override
  public NDArray forward(NDArray pixels, VisionLayerPrompts prompts) {
    long n = pixels.getShape().get(0);
    int p = architecture.patchSize();
    int g = architecture.gridSize();
    int width = architecture.vision().width();
    NDArray patches = pixels.reshape(n, 3, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(n, (long) g * g, 3L * p * p);
    NDArray x = Linear.linear(patches, patchWeight).singletonOrThrow();
    NDArray cls = x.getManager().zeros(new Shape(n, 1, width), x.getDataType()).add(classEmbedding);
    x = NDArrays.concat(new NDList(cls, x), 1).add(positionalEmbedding);
    Transformer.LayerInput deep = null;
    if (prompts != null) {
      x = NDArrays.concat(new NDList(x, ImageTower.expand(prompts.first(), n, x)), 1);
      int v = prompts.tokens();
      deep = (layer, in) -> {
        if (layer == 0 || layer > prompts.layers().size()) {
          return in;
        }
        long keep = in.getShape().get(1) - v;
        return NDArrays.concat(new NDList(in.get(new NDIndex(":, :{}, :", keep)),
            ImageTower.expand(prompts.layers().get(layer - 1), n, in)), 1);
      };
    }
    x = ResidualAttentionBlock.layerNorm(x, lnPreWeight, lnPreBias, architecture.vision().layerNormEps());
    x = transformer.forward(x, null, deep);
    NDArray token = x.get(new NDIndex(":, 0, :"));
    token = ResidualAttentionBlock.layerNorm(token, lnPostWeight, lnPostBias, architecture.vision().layerNormEps());
    return Linear.linear(token, projection).singletonOrThrow();
  }

}
