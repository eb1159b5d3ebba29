package org.ckcoop.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.common.InputException;

/**
 * Reads a UTF-8 text file as non-blank lines: a leading byte-order mark is dropped, and bytes that are
 * not UTF-8 are an error naming the file and the line (never silently replaced).
 */
final class TextLines {
  private TextLines() {}

  static List<String> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException(file, "cannot read: " + e.getMessage(), e);
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<String> lines = new ArrayList<>();
    int line = 1;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        String text;
        try {
          CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start));
          text = chars.toString();
        } catch (CharacterCodingException e) {
          throw new InputException(file, "line " + line + " is not valid UTF-8 (save the file as UTF-8)");
        }
        if (line == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        if (!text.isBlank()) {
          lines.add(text);
        }
        line++;
        start = i + 1;
      }
    }
    return lines;
  }
}
