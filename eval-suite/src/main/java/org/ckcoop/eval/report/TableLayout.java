package org.ckcoop.eval.report;

import java.util.Arrays;
import java.util.Locale;
import org.ckcoop.common.InputException;

/** How a report table is turned: learners (variants) as columns, or as rows. */
public enum TableLayout {
  /** One row per dataset and quantity (Base/New/HM, a shot count, or a target), one column per variant. */
  LEARNERS_AS_COLUMNS("learners-as-columns"),
  /** One row per variant (per dataset where the protocol has several groups), one column per quantity. */
  LEARNERS_AS_ROWS("learners-as-rows");

  private final String optionName;

  TableLayout(String optionName) {
    this.optionName = optionName;
  }

  /** Returns the name used on the command line. */
  public String optionName() {
    return optionName;
  }

  /**
   * Returns the layout with this command-line name.
   *
   * @throws InputException naming {@code --layout} and the known names if none matches
   */
  public static TableLayout named(String name) {
    for (TableLayout layout : values()) {
      if (layout.optionName.equals(name.toLowerCase(Locale.ROOT).trim())) {
        return layout;
      }
    }
    throw new InputException("--layout", "unknown layout '" + name + "' (known: "
        + String.join(", ", Arrays.stream(values()).map(TableLayout::optionName).toList()) + ")");
  }

  @Override
  public String toString() {
    return optionName;
  }
}
