package org.ckcoop.backbone.text;

import java.nio.file.Path;
import java.util.List;

/** TEMPORARY STUB until the tokenizer lands. */
public final class ClipTokenizer {
  public static ClipTokenizer fromFolder(Path dir) {
    throw new UnsupportedOperationException();
  }

  public int eotTokenId() {
    throw new UnsupportedOperationException();
  }

  public int vocabularySize() {
    throw new UnsupportedOperationException();
  }

  public String identity() {
    throw new UnsupportedOperationException();
  }

  public long[][] tokenize(List<String> texts, int contextLength) {
    throw new UnsupportedOperationException();
  }
}
