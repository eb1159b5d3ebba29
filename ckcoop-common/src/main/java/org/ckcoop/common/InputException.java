package org.ckcoop.common;

/**
 * Input that cannot be used: a file that is missing, truncated, corrupt or not what was expected,
 * or a value out of range. The message starts with where the problem is (a file, folder, option or
 * key) followed by what is wrong and what was expected, so it can be shown to a user as it is; the
 * command line prints it and exits with status 2. Anything else thrown is a bug.
 */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String where;
  private final String problem;

  /** Creates an exception whose message is {@code where + ": " + problem}. */
  public InputException(Object where, String problem) {
    super(where + ": " + problem);
    this.where = String.valueOf(where);
    this.problem = problem;
  }

  /** Creates an exception whose message is {@code where + ": " + problem}, keeping the cause. */
  public InputException(Object where, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
    this.where = String.valueOf(where);
    this.problem = problem;
  }

  /** Creates an exception with a complete message (no separate location). */
  public InputException(String message) {
    super(message);
    this.where = "";
    this.problem = message;
  }

  /** Returns where the problem is (a file, folder, option or key), or an empty string. */
  public String where() {
    return where;
  }

  /** Returns what is wrong, without the location. */
  public String problem() {
    return problem;
  }
}
