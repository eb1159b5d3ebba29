package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;

/**
 * The two CLIP towers with their frozen weights on one device. Inputs are assumed valid (the
 * {@code ClipBackbone} facade checks them); every result belongs to the manager of the input it was
 * computed from.
 */
public final class ClipNetwork {
  private final ImageTower image;
  private final TextTower text;
  private final float logitScale;
  private final Precision precision;

  /** Uploads the checkpoint's weights into {@code manager} in the given precision. */
  public ClipNetwork(ClipCheckpoint checkpoint, NDManager manager, Precision precision) {
    FrozenWeights weights = new FrozenWeights(checkpoint.weights(), manager, precision);
    this.image = new ImageTower(weights, checkpoint.architecture());
    this.text = new TextTower(weights, checkpoint.architecture());
    this.logitScale = weights.scalar("logit_scale");
    this.precision = precision;
  }

  /** Returns the compute precision. */
  public Precision precision() {
    return precision;
  }

  /** Encodes normalised pixels [N, 3, R, R] (compute type) into projected features [N, embed]. */
  public NDArray encodeImages(NDArray pixels) {
    return image.forward(pixels);
  }

  /** Encodes token embeddings [N, L, width] with EOT positions into projected features [N, embed]. */
  public NDArray encodeTokenEmbeddings(NDArray embeddings, int[] eot) {
    return text.forward(embeddings, eot);
  }

  /** Looks up token ids [N, L] into embeddings [N, L, width]. */
  public NDArray embedTokens(NDArray tokens) {
    return text.embed(tokens);
  }

  /** Returns the token-embedding table [vocab, width]; owned by the network, do not close it. */
  public NDArray tokenEmbedding() {
    return text.tokenEmbedding();
  }

  /** Returns the stored log-temperature (its exp scales cosine similarities into logits). */
  public float logitScale() {
    return logitScale;
  }
}
