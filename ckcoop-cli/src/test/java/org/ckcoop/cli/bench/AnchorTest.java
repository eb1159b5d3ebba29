package org.ckcoop.cli.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.Test;

/** What a researcher sees when the anchor's Python is missing or cannot run the anchor. */
class AnchorTest {
  @Test
  void aMissingPythonIsAUserErrorNamingTheOption() {
    assertThatThrownBy(() -> Anchor.start("/nonexistent/python3", Path.of("tools/bench/torch_anchor.py")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("--python /nonexistent/python3: cannot be run (")
        .hasMessageContaining("the anchor needs a Python with torch and numpy");
  }

  @Test
  void aPythonThatDoesNotStartTheAnchorIsAUserError() {
    // "true" exits at once without the anchor's ready line, as a Python without torch does
    assertThatThrownBy(() -> Anchor.start("true", Path.of("tools/bench/torch_anchor.py")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("the PyTorch anchor: did not start (its first line: null)");
  }
}
