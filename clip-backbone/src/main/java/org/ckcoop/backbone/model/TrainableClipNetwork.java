package org.ckcoop.backbone.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.common.engine.EngineArrays;

/**
 * CLIP with every weight trainable, for contrastive pretraining (ViT image towers only): the same
 * towers as the frozen {@link ClipNetwork} (so a {@link #snapshot()} loaded by {@code ClipBackbone} computes the same
 * features), built from F32 leaves that require gradients, plus a trainable {@code logit_scale}.
 *
 * <p>The network owns its NDManager (close it). Forward passes must run inside a
 * {@code GradientCollector} for gradients to flow; every result belongs to the manager of the input it
 * was computed from. Parameter updates happen in place on the arrays of {@link #parameters()},
 * outside a collector.
 */
public final class TrainableClipNetwork implements AutoCloseable {
  /** CLIP clamps the log-temperature to ln 100 so that logits never exceed 100 times a cosine. */
  public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

  private final ClipCheckpoint initial;
  private final NDManager manager;
  private final TrainableWeights weights;
  private final ImageTower image;
  private final TextTower text;
  private final NDArray logitScale;
  private final Map<String, NDArray> parameters;

  /** Uploads {@code initial}'s weights as trainable F32 leaves on {@code device}. */
  public TrainableClipNetwork(ClipCheckpoint initial, Device device) {
    this.initial = initial;
    if (!initial.architecture().hasVitImageTower()) {
      throw new IllegalArgumentException("contrastive pretraining trains ViT image towers only; this checkpoint's is "
          + initial.architecture().imageTower().label() + " (its batch norms would need training-mode statistics)");
    }
    this.manager = EngineRuntime.engine().newBaseManager(device);
    this.manager.setName("trainable-clip");
    try {
      ClipArchitecture a = initial.architecture();
      this.weights = new TrainableWeights(initial.weights(), manager);
      this.image = ImageTower.create(weights, a);
      this.text = new TextTower(weights, a);
      this.logitScale = EngineArrays.scalar(manager, initial.weights().get("logit_scale").data()[0]);
      this.logitScale.setRequiresGradient(true);
      Map<String, NDArray> all = new LinkedHashMap<>();
      Map<String, NDArray> leaves = weights.leaves();
      for (String name : a.expectedShapes().keySet()) {
        if (name.equals("logit_scale")) {
          all.put(name, logitScale);
        } else if (leaves.containsKey(name)) {
          all.put(name, leaves.get(name));
        } else {
          throw new IllegalStateException("weight " + name + " is not used by the towers");
        }
      }
      this.parameters = Collections.unmodifiableMap(all);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Returns every size of the model. */
  public ClipArchitecture architecture() {
    return initial.architecture();
  }

  /** Returns the device the parameters live on. */
  public Device device() {
    return manager.getDevice();
  }

  /**
   * Encodes normalised pixels [N, 3, R, R] (F32) into projected image features [N, embed], on the
   * pixels' manager.
   */
  public NDArray encodeImages(NDArray pixels) {
    Shape s = pixels.getShape();
    int r = architecture().imageResolution();
    if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != r || s.get(3) != r) {
      throw new IllegalArgumentException("pixels have shape " + s + ", expected (N, 3, " + r + ", " + r + ")");
    }
    return image.forward(onDevice(pixels.getDataType() == DataType.FLOAT32 ? pixels : pixels.toType(DataType.FLOAT32, false)));
  }

  /**
   * Encodes token ids [N, L] (L at most the context length) into projected text features [N, embed],
   * read at each row's EOT, found as CLIP does: the position of the largest id (the end-of-text token
   * has the largest id; the first one wins).
   */
  public NDArray encodeTexts(NDArray tokens) {
    Shape s = tokens.getShape();
    if (s.dimension() != 2 || s.get(1) > architecture().contextLength()) {
      throw new IllegalArgumentException(
          "tokens have shape " + s + ", expected (N, L) with L <= " + architecture().contextLength());
    }
    NDArray ids = onDevice(tokens.getDataType() == DataType.INT64 ? tokens : tokens.toType(DataType.INT64, false));
    long[] values = ids.toLongArray();
    int length = Math.toIntExact(s.get(1));
    int[] eot = new int[Math.toIntExact(s.get(0))];
    for (int i = 0; i < eot.length; i++) {
      int best = 0;
      for (int j = 1; j < length; j++) {
        if (values[i * length + j] > values[i * length + best]) {
          best = j;
        }
      }
      eot[i] = best;
    }
    return text.forward(text.embed(ids), eot);
  }

  /** Returns the trainable log-temperature (a 0-d leaf); logits are {@code exp(it) * cos}. */
  public NDArray logitScale() {
    return logitScale;
  }

  /**
   * Clamps the log-temperature to [0, {@link #MAX_LOGIT_SCALE}] in place, as CLIP does after every
   * optimiser step. Call outside a gradient collector.
   */
  public void clampLogitScale() {
    float value = logitScale.getFloat();
    float clamped = Math.max(0f, Math.min(MAX_LOGIT_SCALE, value));
    if (clamped != value) {
      EngineArrays.overwrite(logitScale, new float[] {clamped});
    }
  }

  /**
   * Returns every trainable array by canonical weight name, in the architecture's order. The arrays
   * are owned by the network; optimisers update them in place.
   */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /**
   * Returns the current weights as a checkpoint: canonical names, canonical shapes, the initial
   * checkpoint's normalisation. Written with a checkpoint layout and loaded by {@code ClipBackbone}, it
   * computes the same features as this network.
   */
  public ClipCheckpoint snapshot() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (String name : architecture().expectedShapes().keySet()) {
      out.put(name, name.equals("logit_scale")
          ? new FloatTensor(new long[0], new float[] {logitScale.getFloat()})
          : weights.read(name));
    }
    return new ClipCheckpoint(Path.of("trained"), "trainable", architecture(), initial.normalization(), out);
  }

  /**
   * Overwrites every parameter with {@code values} (canonical names and shapes of this architecture)
   * in place: the arrays keep their identity and their gradient flag. Used to resume from saved state.
   * Call outside a gradient collector.
   */
  public void load(Map<String, FloatTensor> values) {
    ClipCheckpoint checked = new ClipCheckpoint(Path.of("loaded"), "trainable", architecture(), initial.normalization(), values);
    for (Map.Entry<String, NDArray> p : parameters.entrySet()) {
      FloatTensor canonical = checked.weights().get(p.getKey());
      float[] data = p.getKey().equals("logit_scale") ? canonical.data() : weights.leafValues(p.getKey(), canonical);
      EngineArrays.overwrite(p.getValue(), data);
    }
  }

  private NDArray onDevice(NDArray x) {
    return x.getDevice().equals(manager.getDevice()) ? x : x.toDevice(manager.getDevice(), false);
  }

  /** Releases every parameter. */
  @Override
  public void close() {
    manager.close();
  }
}
