package org.ckcoop.eval.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.ckcoop.eval.data.DatasetException;
import org.ckcoop.eval.data.DatasetRegistry;

/**
 * Dataset names as the report shows and orders them: a name the built-in registry knows (by any of
 * its spellings: {@code eurosat}, {@code dtd}, {@code imagenet-a}) becomes the registry's name, in the
 * registry's listing order (the order of the field's tables); any other name (an image folder, a
 * split file) stays as written and follows, alphabetically.
 */
final class DatasetNames {
  private static final DatasetRegistry REGISTRY = DatasetRegistry.builtIn();
  private static final List<String> GENERIC = List.of("image-folder", "split-file");

  private DatasetNames() {}

  /** Returns the registry's name for a built-in dataset, else the name as given. */
  static String canonical(String name) {
    try {
      String known = REGISTRY.reader(name).name();
      return GENERIC.contains(known) ? name : known;
    } catch (DatasetException e) {
      return name;
    }
  }

  /** Orders canonical names: built-in datasets in listing order, then the others alphabetically. */
  static final Comparator<String> ORDER = Comparator
      .comparingInt((String name) -> {
        int i = DatasetRegistry.BUILT_IN_NAMES.indexOf(name);
        return i < 0 || GENERIC.contains(name) ? Integer.MAX_VALUE : i;
      })
      .thenComparing(name -> name.toLowerCase(Locale.ROOT))
      .thenComparing(Comparator.naturalOrder());
}
