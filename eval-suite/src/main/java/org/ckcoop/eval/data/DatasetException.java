package org.ckcoop.eval.data;

import org.ckcoop.common.InputException;

/**
 * A dataset or split that cannot be used: a missing folder or file, a malformed split file, an entry
 * whose label or class name contradicts the rest, a label outside the class list, or a few-shot
 * split file that is corrupt or does not match the run. The message starts with the file (and entry
 * or line) and says what was expected. Thrown while a dataset is read, before any training starts.
 */
public class DatasetException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is {@code where + ": " + problem}. */
  public DatasetException(Object where, String problem) {
    super(where, problem);
  }

  /** Creates an exception whose message is {@code where + ": " + problem}, keeping the cause. */
  public DatasetException(Object where, String problem, Throwable cause) {
    super(where, problem, cause);
  }
}
