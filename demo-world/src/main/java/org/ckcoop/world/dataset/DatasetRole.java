package org.ckcoop.world.dataset;

/** What a world dataset is for. */
public enum DatasetRole {
  /** Has train, val and test parts: few-shot training, base-to-new and cross-dataset source or target. */
  TRAIN("train"),
  /** Only a test part: a domain-generalisation target with the classes of the dataset it is a variant of. */
  TEST_ONLY("test-only");

  private final String key;

  DatasetRole(String key) {
    this.key = key;
  }

  /** Returns the name the manifest uses ({@code "train"} or {@code "test-only"}). */
  public String key() {
    return key;
  }

  /** Returns the role a manifest key names, or throws {@link IllegalArgumentException}. */
  public static DatasetRole ofKey(String key) {
    for (DatasetRole role : values()) {
      if (role.key.equals(key)) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown role '" + key + "' (expected train or test-only)");
  }
}
