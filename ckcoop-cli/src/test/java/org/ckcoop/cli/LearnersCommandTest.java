package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LearnersCommandTest {
  @Test
  void listsEveryDiscoveredLearnerWithItsKeysAndDefaultsThenTheTrainersKeys() {
    StringWriter out = new StringWriter();
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("learners")).isZero();
    String text = out.toString();
    assertThat(text).contains("listed - a learner that is only listed");
    assertThat(text).containsPattern("learner\\.listed\\.n_ctx\\s+integer\\s+default 4\\s+number of context vectors");
    assertThat(text).containsPattern("learner\\.listed\\.ctx_init\\s+string\\s+default a photo of a");
    assertThat(text).containsPattern("optim\\.lr\\s+number\\s+default 0\\.002");
    assertThat(text.indexOf("listed -")).isLessThan(text.indexOf("trainer settings"));
  }
}
