package org.ckcoop.backbone.image;

import org.ckcoop.common.InputException;

/**
 * An image that cannot be read or decoded: a missing file, an unsupported or unrecognised format,
 * a corrupt or truncated file. The message starts with the file (or the name the bytes were given)
 * followed by what is wrong.
 *
 * <p>Unchecked, like the module's other format exceptions: decoding runs inside data loaders,
 * streams and lambdas where a checked exception would only be wrapped; a caller that wants to skip
 * bad files catches this one type.
 */
public class ImageReadException extends InputException {
  private static final long serialVersionUID = 1L;

  private final String source;

  /** Creates an exception whose message is {@code source + ": " + problem}. */
  public ImageReadException(String source, String problem) {
    super(source, problem);
    this.source = source;
  }

  /** Creates an exception whose message is {@code source + ": " + problem}, keeping the cause. */
  public ImageReadException(String source, String problem, Throwable cause) {
    super(source, problem, cause);
    this.source = source;
  }

  /** The file path or name of the bytes that could not be read. */
  public String source() {
    return source;
  }
}
