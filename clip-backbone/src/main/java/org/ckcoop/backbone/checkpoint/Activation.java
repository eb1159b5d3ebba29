package org.ckcoop.backbone.checkpoint;

import java.util.Locale;

/** The MLP activation of a transformer tower. */
public enum Activation {
  /** {@code x * sigmoid(1.702 x)}, used by OpenAI's released CLIP models. */
  QUICK_GELU("quick_gelu"),
  /** The exact (erf) GELU. */
  GELU("gelu");

  private final String configName;

  Activation(String configName) {
    this.configName = configName;
  }

  /** Returns the name used in Hugging Face configs ({@code quick_gelu}, {@code gelu}). */
  public String configName() {
    return configName;
  }

  /**
   * Parses a Hugging Face {@code hidden_act} value.
   *
   * @throws IllegalArgumentException listing the supported names
   */
  public static Activation parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Activation a : values()) {
      if (a.configName.equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unsupported activation '" + name + "' (supported: quick_gelu, gelu)");
  }
}
