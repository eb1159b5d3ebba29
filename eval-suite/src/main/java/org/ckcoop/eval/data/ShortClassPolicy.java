package org.ckcoop.eval.data;

/**
 * What few-shot sampling does with a class that has fewer images than the shots asked for: the two
 * behaviours of Dassl's {@code generate_fewshot_dataset(..., repeat=...)}, which CoOp's datasets call
 * without {@code repeat}, so the Dassl version decides. It matters only for such classes; the choice is
 * part of {@link FewShotSampler#version()} and of the split file's name.
 */
public enum ShortClassPolicy {
  /**
   * Keep all of the class's images and draw nothing ({@code repeat=False}; "(default: False)" in the
   * docstring of later Dassl.pytorch versions).
   */
  KEEP_ALL,
  /**
   * Draw {@code shots} images with replacement, {@code random.choices(items, k=shots)}
   * ({@code repeat=True}, the default in KaiyangZhou/Dassl.pytorch at commit 27eb2f4).
   */
  REPEAT
}
