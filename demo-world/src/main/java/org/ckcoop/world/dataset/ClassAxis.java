package org.ckcoop.world.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckcoop.world.render.BackgroundPattern;
import org.ckcoop.world.render.ObjectColour;
import org.ckcoop.world.render.ObjectShape;
import org.ckcoop.world.render.SceneRequest;

/**
 * Which scene attribute a dataset's classes are: its label space. Class names are in sorted order
 * (so a class's label is its sorted position, as CoOp's folder-based datasets have it) and the
 * base-to-new rule (first {@code ceil(n/2)} labels are base) applies to that order.
 */
public enum ClassAxis {
  /**
   * "colour shape" names, 8 x 8 = 64 classes. Sorted by colour first, so base classes are the blue,
   * cyan, green and orange objects and new classes the pink, purple, red and yellow ones: base and
   * new share shapes but no colour.
   */
  COLOUR_SHAPE("colour shape"),
  /** The 8 shape names; base: arrow, circle, cross, heart; new: ring, square, star, triangle. */
  SHAPE("shape"),
  /**
   * The 8 background pattern names; base: checkered, dotted, grid, plain; new: speckled, striped,
   * wavy, zigzag.
   */
  PATTERN("pattern");

  private final String key;

  ClassAxis(String key) {
    this.key = key;
  }

  /** Returns the name the manifest uses ({@code "colour shape"}, {@code "shape"}, {@code "pattern"}). */
  public String key() {
    return key;
  }

  /** Returns the axis a manifest key names, or throws {@link IllegalArgumentException}. */
  public static ClassAxis ofKey(String key) {
    for (ClassAxis axis : values()) {
      if (axis.key.equals(key)) {
        return axis;
      }
    }
    throw new IllegalArgumentException("unknown class axis '" + key + "' (expected colour shape, shape or pattern)");
  }

  /** Returns the class names in label (sorted) order. */
  public List<String> classNames() {
    List<String> names = new ArrayList<>();
    switch (this) {
      case COLOUR_SHAPE -> {
        for (ObjectColour colour : ObjectColour.values()) {
          for (ObjectShape shape : ObjectShape.values()) {
            names.add(colour.word() + " " + shape.word());
          }
        }
      }
      case SHAPE -> {
        for (ObjectShape shape : ObjectShape.values()) {
          names.add(shape.word());
        }
      }
      case PATTERN -> {
        for (BackgroundPattern pattern : BackgroundPattern.values()) {
          names.add(pattern.word());
        }
      }
      default -> throw new IllegalStateException("unknown axis " + this);
    }
    return List.copyOf(names);
  }

  /** Returns the number of classes. */
  public int size() {
    return switch (this) {
      case COLOUR_SHAPE -> ObjectColour.values().length * ObjectShape.values().length;
      case SHAPE -> ObjectShape.values().length;
      case PATTERN -> BackgroundPattern.values().length;
    };
  }

  /** Returns {@code base} with the attributes of class {@code label} fixed. */
  public SceneRequest request(SceneRequest base, int label) {
    if (label < 0 || label >= size()) {
      throw new IllegalArgumentException("label " + label + " is outside 0.." + (size() - 1));
    }
    return switch (this) {
      case COLOUR_SHAPE -> base.withColour(ObjectColour.values()[label / ObjectShape.values().length])
          .withShape(ObjectShape.values()[label % ObjectShape.values().length]);
      case SHAPE -> base.withShape(ObjectShape.values()[label]);
      case PATTERN -> base.withPattern(BackgroundPattern.values()[label]);
    };
  }

  /** Returns the folder name of a class: its name with spaces as underscores. */
  public static String folderOf(String className) {
    return className.replace(' ', '_').toLowerCase(Locale.ROOT);
  }
}
