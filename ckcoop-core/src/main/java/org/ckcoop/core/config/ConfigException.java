package org.ckcoop.core.config;

import org.ckcoop.common.InputException;

/**
 * A configuration that cannot be used: a missing or malformed file, a malformed {@code --set}, an
 * unknown key, or a value of the wrong type or out of range. The message names the file, argument or
 * key and the source of the value, says what is wrong and what is allowed; it is meant to be shown to
 * the user as it is.
 */
public class ConfigException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is {@code where + ": " + problem}. */
  public ConfigException(Object where, String problem) {
    super(where, problem);
  }

  /** Creates an exception whose message is {@code where + ": " + problem}, keeping the cause. */
  public ConfigException(Object where, String problem, Throwable cause) {
    super(where, problem, cause);
  }

  /** Creates an exception with a complete message. */
  public ConfigException(String message) {
    super(message);
  }
}
