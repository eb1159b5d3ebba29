package org.ckcoop.backbone.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.prompts.SharedPrefixEmbeddings;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;

/**
 * The two CLIP towers with their frozen weights on one device: the image tower the architecture
 * names (a vision transformer or OpenAI's modified ResNet) and the text tower. Shapes are assumed valid (the
 * {@code ClipBackbone} facade checks them); inputs are moved to the weights' device and cast to the
 * compute type here, and results come back as F32. Every result belongs to the manager of the input it
 * was computed from.
 */
public final class ClipNetwork {
  private final ImageTower image;
  private final TextTower text;
  private final float logitScale;
  private final Precision precision;
  private final Device device;

  /** Uploads the checkpoint's weights into {@code manager} in the given precision. */
  public ClipNetwork(ClipCheckpoint checkpoint, NDManager manager, Precision precision) {
    FrozenWeights weights = new FrozenWeights(checkpoint.weights(), manager, precision);
    this.image = ImageTower.create(weights, checkpoint.architecture());
    this.text = new TextTower(weights, checkpoint.architecture());
    this.logitScale = weights.scalar("logit_scale");
    this.precision = precision;
    this.device = manager.getDevice();
  }

  /** Returns the compute precision. */
  public Precision precision() {
    return precision;
  }

  /** Encodes normalised pixels [N, 3, R, R] into projected features [N, embed] (F32). */
  public NDArray encodeImages(NDArray pixels) {
    return toF32(image.forward(toCompute(pixels)));
  }

  /** As {@link #encodeImages(NDArray)}, with deep vision prompts (null for none). */
  public NDArray encodeImages(NDArray pixels, VisionLayerPrompts prompts) {
    return toF32(image.forward(toCompute(pixels), prompts));
  }

  /** Encodes token embeddings [N, L, width] with EOT positions into projected features [N, embed] (F32). */
  public NDArray encodeTokenEmbeddings(NDArray embeddings, int[] eot) {
    return toF32(text.forward(toCompute(embeddings), eot));
  }

  /** As {@link #encodeTokenEmbeddings(NDArray, int[])}, with deep text prompts (null for none). */
  public NDArray encodeTokenEmbeddings(NDArray embeddings, int[] eot, TextLayerPrompts prompts) {
    return toF32(text.forward(toCompute(embeddings), eot, prompts));
  }

  /** Encodes token embeddings with a shared prefix per group into features [G * R, embed] (F32). */
  public NDArray encodeTokenEmbeddings(SharedPrefixEmbeddings embeddings, TextLayerPrompts prompts) {
    return toF32(text.forward(toCompute(embeddings.prefix()), toCompute(embeddings.rest()),
        embeddings.eotPositions(), prompts));
  }

  /** Looks up token ids [N, L] (any integer type, any device) into F32 embeddings [N, L, width]. */
  public NDArray embedTokens(NDArray tokens) {
    NDArray ids = onDevice(tokens);
    return text.embed(ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false));
  }

  private NDArray onDevice(NDArray x) {
    return x.getDevice().equals(device) ? x : x.toDevice(device, false);
  }

  private NDArray toCompute(NDArray x) {
    NDArray onDevice = onDevice(x);
    DataType type = precision == Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
    return onDevice.getDataType() == type ? onDevice : onDevice.toType(type, false);
  }

  private static NDArray toF32(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
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
