package org.ckcoop.cli.bench;

import org.ckcoop.backbone.checkpoint.ClipArchitecture;

/**
 * Floating-point operations (a multiply-add counts 2) of the matrix products in CLIP's towers, the
 * part of the work a matmul peak bounds. Element-wise work (layer norms, softmax, activations,
 * residual adds) is not counted: it is memory-bound and small next to the products.
 *
 * <p>Per residual block on {@code n} sequences of {@code l} tokens of width {@code w} (MLP 4w): the
 * q/k/v, output and MLP products {@code 24 n l w^2}, the attention products {@code 4 n l^2 w}. A
 * backward pass through frozen weights computes only the gradients of the activations: one product
 * per linear layer ({@code dX = dY W^T}, same cost as the forward) and two per attention product
 * (both operands are activations), so {@code 24 n l w^2 + 8 n l^2 w}.
 */
public final class Flops {
  private Flops() {}

  /** One block's forward. */
  public static double blockForward(long n, long l, long w) {
    return 24.0 * n * l * w * w + 4.0 * n * l * l * w;
  }

  /** One block's backward to its input, weights frozen. */
  public static double blockBackward(long n, long l, long w) {
    return 24.0 * n * l * w * w + 8.0 * n * l * l * w;
  }

  /** The text tower's forward on {@code n} prompts of {@code l} tokens, with the EOT projection. */
  public static double textForward(ClipArchitecture a, long n, long l) {
    return a.text().layers() * blockForward(n, l, a.text().width()) + 2.0 * n * a.text().width() * a.embedDim();
  }

  /** The text tower's backward from the features to the prompt embeddings. */
  public static double textBackward(ClipArchitecture a, long n, long l) {
    return a.text().layers() * blockBackward(n, l, a.text().width()) + 2.0 * n * a.text().width() * a.embedDim();
  }

  /**
   * The image tower's forward on {@code b} images with {@code prompts} vision prompt tokens appended
   * (0 for none): patch embedding, the blocks on the patches, class token and prompts, the projection.
   */
  public static double imageForward(ClipArchitecture a, long b, long prompts) {
    long w = a.vision().width();
    long patches = (long) a.gridSize() * a.gridSize();
    double patchEmbedding = 2.0 * b * patches * 3L * a.patchSize() * a.patchSize() * w;
    return patchEmbedding + a.vision().layers() * blockForward(b, a.imageTokens() + prompts, w) + 2.0 * b * w * a.embedDim();
  }

  /** The image tower's backward from the features to the layer-0 prompts (none to the pixels). */
  public static double imageBackward(ClipArchitecture a, long b, long prompts) {
    long w = a.vision().width();
    return a.vision().layers() * blockBackward(b, a.imageTokens() + prompts, w) + 2.0 * b * w * a.embedDim();
  }

  /** A square matrix product {@code [n, n] @ [n, n]}. */
  public static double matmul(long n) {
    return 2.0 * n * n * n;
  }
}
