package org.ckcoop.eval.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The base-to-new class split (CoOp's {@code subsample_classes}): the labels of the training part
 * sorted ascending, {@code m = ceil(n / 2)}; base is the first {@code m}, new the rest. The chosen
 * classes are relabelled {@code 0..} in ascending order of their original labels and every part is
 * filtered to them. Sample shots on all classes first, then subsample, as CoOp does.
 */
public enum Subsample {
  /** Every class, unchanged. */
  ALL,
  /** The first {@code ceil(n / 2)} labels. */
  BASE,
  /** The remaining {@code floor(n / 2)} labels. */
  NEW;

  /** Returns the number of base classes of {@code n} classes: {@code ceil(n / 2)}. */
  public static int baseCount(int n) {
    return (n + 1) / 2;
  }

  /**
   * Returns the original labels this subsample keeps, ascending; its new labels are their indices.
   * The labels are those of the training part (of the class list when there is no training part).
   */
  public List<Integer> labels(DatasetSplits splits) {
    TreeSet<Integer> labels = new TreeSet<>();
    if (splits.train().isEmpty()) {
      for (int i = 0; i < splits.numClasses(); i++) {
        labels.add(i);
      }
    } else {
      splits.train().forEach(d -> labels.add(d.label()));
    }
    List<Integer> sorted = new ArrayList<>(labels);
    int m = baseCount(sorted.size());
    return switch (this) {
      case ALL -> sorted;
      case BASE -> List.copyOf(sorted.subList(0, m));
      case NEW -> List.copyOf(sorted.subList(m, sorted.size()));
    };
  }

  /**
   * Returns the dataset restricted to this subsample's classes, relabelled from 0.
   *
   * @throws DatasetException if no class is left (the new half of a one-class dataset)
   */
  public DatasetSplits apply(DatasetSplits splits) {
    if (this == ALL) {
      return splits;
    }
    List<Integer> selected = labels(splits);
    if (selected.isEmpty()) {
      throw new DatasetException(splits.name(), "has " + splits.numClasses() + " class(es), so its "
          + name().toLowerCase(Locale.ROOT) + " half is empty");
    }
    Map<Integer, Integer> relabel = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < selected.size(); i++) {
      relabel.put(selected.get(i), i);
      names.add(splits.classNames().get(selected.get(i)));
    }
    DatasetSplits.Builder builder = splits.toBuilder().classNames(names);
    for (SplitPart part : SplitPart.values()) {
      List<Datum> kept = new ArrayList<>();
      for (Datum d : splits.part(part)) {
        Integer label = relabel.get(d.label());
        if (label != null) {
          kept.add(d.withLabel(label));
        }
      }
      builder.part(part, kept);
    }
    return builder.build();
  }
}
