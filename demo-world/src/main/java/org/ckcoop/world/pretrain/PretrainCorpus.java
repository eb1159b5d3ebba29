package org.ckcoop.world.pretrain;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.ckcoop.common.InputException;
import org.ckcoop.world.CaptionedImages;

/**
 * A named pretraining corpus, found through {@link ServiceLoader} (register implementations in
 * {@code META-INF/services/org.ckcoop.world.pretrain.PretrainCorpus}). The built-in one is
 * {@code world}.
 */
public interface PretrainCorpus {

  /** Returns the name users select it by ({@code --corpus NAME}). */
  String name();

  /** Returns a one-line description for listings and provenance. */
  String description();

  /** Opens the corpus. */
  CaptionedImages open();

  /** Returns every registered corpus, sorted by name. */
  static List<PretrainCorpus> available() {
    return ServiceLoader.load(PretrainCorpus.class, PretrainCorpus.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(java.util.Comparator.comparing(PretrainCorpus::name))
        .toList();
  }

  /**
   * Returns the corpus with this name.
   *
   * @throws InputException naming the known corpora when there is none with this name
   */
  static PretrainCorpus named(String name) {
    List<PretrainCorpus> all = available();
    return all.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new InputException("--corpus", "unknown pretraining corpus '" + name + "' (known: "
            + all.stream().map(PretrainCorpus::name).collect(Collectors.joining(", ")) + ")"));
  }
}
