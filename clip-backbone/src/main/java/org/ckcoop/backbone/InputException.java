package org.ckcoop.backbone;

/**
 * Input that cannot be used: a file that is missing, truncated, corrupt or not what was expected,
 * or a value out of range. The message starts with where the problem is (a file, folder or name)
 * followed by what is wrong and what was expected, so it can be shown to a user as it is; the
 * command line prints it and exits with status 2. Anything else thrown is a bug.
 */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is {@code where + ": " + problem}. */
  public InputException(Object where, String problem) {
    super(where + ": " + problem);
  }

  /** Creates an exception whose message is {@code where + ": " + problem}, keeping the cause. */
  public InputException(Object where, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
  }

  /** Creates an exception with a complete message. */
  public InputException(String message) {
    super(message);
  }
}
