package org.ckcoop.core.prompt;

/** Where the class-name tokens go relative to the context, as CoOp's {@code CLASS_TOKEN_POSITION}. */
public enum ClassTokenPosition {
  /** {@code [SOT][ctx 1..M][class][.][EOT]}: CoOp's default. */
  END,
  /** {@code [SOT][ctx 1..M/2][class][ctx M/2+1..M][.][EOT]}. */
  MIDDLE,
  /** {@code [SOT][class][ctx 1..M][.][EOT]}. */
  FRONT
}
