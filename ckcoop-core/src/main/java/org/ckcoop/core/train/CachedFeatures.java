package org.ckcoop.core.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Precomputed image features with labels, optionally several views per image (augmented crops
 * encoded once): epoch {@code e} uses view {@code e mod views}.
 */
public final class CachedFeatures implements TrainingData {
  private final float[][] views;
  private final int[] labels;
  private final int width;
  private final String identity;
  private final CachedFeatures validation;

  /**
   * Creates the data.
   *
   * @param views one or more feature matrices [N, width] row-major, all the same size
   * @param labels N labels
   * @param width the feature width
   */
  public CachedFeatures(float[][] views, int[] labels, int width) {
    this(views, labels, width, null);
  }

  private CachedFeatures(float[][] views, int[] labels, int width, CachedFeatures validation) {
    if (views.length == 0) {
      throw new IllegalArgumentException("at least one view of the features is needed");
    }
    for (float[] v : views) {
      if (v.length != labels.length * width) {
        throw new IllegalArgumentException("a view has " + v.length + " values, expected " + labels.length + " x " + width);
      }
    }
    this.views = views.clone();
    this.labels = labels.clone();
    this.width = width;
    this.validation = validation;
    this.identity = validation == null ? hash() : hash(hash() + "|validation|" + validation.identity());
  }

  /** Creates single-view data. */
  public CachedFeatures(float[] features, int[] labels, int width) {
    this(new float[][] {features}, labels, width);
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int featureWidth() {
    return width;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public void features(int i, int epoch, float[] target, int offset) {
    System.arraycopy(views[epoch % views.length], i * width, target, offset, width);
  }

  @Override
  public String identity() {
    return identity;
  }

  /**
   * Returns these examples with {@code validation} as their {@link #validation()} split (what a
   * {@link DirectFit} learner chooses its hyperparameters on); the identity then covers both.
   *
   * @throws IllegalArgumentException when the validation features have another width
   */
  public CachedFeatures withValidation(CachedFeatures validation) {
    if (validation.featureWidth() != width) {
      throw new IllegalArgumentException("validation features have width " + validation.featureWidth() + ", not "
          + width);
    }
    return new CachedFeatures(views, labels, width, validation);
  }

  @Override
  public CachedFeatures validation() {
    return validation;
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String hash() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(("cached-features|" + views.length + "|" + labels.length + "|" + width).getBytes(StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.allocate(4 * Math.max(labels.length, 1)).order(ByteOrder.LITTLE_ENDIAN);
      for (int l : labels) {
        b.putInt(l);
      }
      d.update(b.array());
      for (float[] v : views) {
        ByteBuffer f = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        f.asFloatBuffer().put(v);
        d.update(f.array());
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
