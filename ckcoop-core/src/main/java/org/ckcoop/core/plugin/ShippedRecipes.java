package org.ckcoop.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Recipes that plugins ship inside their jars: {@code META-INF/ckcoop/learners/<name>.yaml} on the
 * class path is the learner's recipe when the study names none (after {@code study.recipes} and
 * {@code study.learner_configs}). Its content is copied once to a content-addressed file under the
 * system's temporary folder, so that config layering and provenance read a file like any other.
 */
public final class ShippedRecipes {
  /** The resource folder plugins put their recipes in. */
  public static final String FOLDER = "META-INF/ckcoop/learners/";

  private ShippedRecipes() {}

  /** Returns the recipe file of {@code learner} shipped on the class path, if a jar ships one. */
  public static Optional<Path> find(String learner) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
        ? Thread.currentThread().getContextClassLoader() : ShippedRecipes.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(FOLDER + learner + ".yaml")) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] content = in.readAllBytes();
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ckcoop-recipes", hash);
      Path file = dir.resolve(learner + ".yaml");
      if (!Files.isRegularFile(file)) {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, learner, ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped recipe " + FOLDER + learner + ".yaml", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
