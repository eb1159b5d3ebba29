package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ResNetShape;
import org.ckcoop.backbone.checkpoint.VitShape;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;

/**
 * A CLIP image tower: normalised pixels [N, 3, R, R] in, projected features [N, embed] out, every
 * result on the pixels' manager. {@link #create} builds the one the architecture names: the vision
 * transformer ({@link VitImageTower}) or OpenAI's modified ResNet ({@link ResNetImageTower}).
 */
interface ImageTower {

  /** Builds the image tower of {@code architecture} from {@code weights}. */
  static ImageTower create(TowerWeights weights, ClipArchitecture architecture) {
    if (architecture.imageTower() instanceof VitShape) {
      return new VitImageTower(weights, architecture);
    }
    return new ResNetImageTower(weights, architecture, (ResNetShape) architecture.imageTower());
  }

  /** Encodes normalised pixels [N, 3, R, R] (compute type) into projected features [N, embed]. */
  default NDArray forward(NDArray pixels) {
    return forward(pixels, null);
  }

  /**
   * As {@link #forward(NDArray)}, with deep vision prompts when {@code prompts} is not null.
   *
   * @throws IllegalArgumentException when the tower takes no prompts (ResNet) and some are given
   */
  NDArray forward(NDArray pixels, VisionLayerPrompts prompts);

  /** Returns {@code prompt} [V, width] as [n, V, width] in {@code like}'s type, on {@code like}'s manager. */
  static NDArray expand(NDArray prompt, long n, NDArray like) {
    NDArray typed = prompt.getDataType() == like.getDataType() ? prompt : prompt.toType(like.getDataType(), false);
    Shape s = prompt.getShape();
    return like.getManager().zeros(new Shape(n, s.get(0), s.get(1)), like.getDataType()).add(typed);
  }
}
