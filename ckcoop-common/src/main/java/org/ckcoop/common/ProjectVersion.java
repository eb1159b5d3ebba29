package org.ckcoop.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The ckcoop version this code was built as, recorded in every output file for provenance. */
public final class ProjectVersion {
  private static final String VERSION = load();

  private ProjectVersion() {}

  /** Returns the project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
