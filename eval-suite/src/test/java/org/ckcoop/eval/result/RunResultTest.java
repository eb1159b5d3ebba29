package org.ckcoop.eval.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ckcoop.common.InputException;
import org.ckcoop.core.train.RunProvenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultTest {
  @TempDir Path dir;

  static RunResult sample() {
    RunProvenance provenance = new RunProvenance("coop", new TreeMap<>(Map.of("learner.name", "coop")), "abc",
        "backbone-id", "split-id", 3, Map.of("ckcoop", "0.1.0"));
    return new RunResult(RunResult.FORMAT, "study", "base2new", "coop", "coop", new TreeMap<>(), "eurosat", 16, 3,
        new RunResult.BackboneInfo("backbone-id", "ViT 12x768", "ViT-B-16"),
        List.of(new RunResult.TestResult("eurosat", "base", "t-base", 5, 100, 91.5, 90.25, new TreeMap<>(Map.of("a", 90.0))),
            new RunResult.TestResult("eurosat", "new", "t-new", 5, 80, 60.0, 61.0, new TreeMap<>())),
        provenance, new RunResult.Timings(1, 2, 3, 6));
  }

  @Test
  void roundTripsThroughItsFile() {
    RunResult r = sample();
    Path file = dir.resolve("a/run.json");
    r.write(file);
    RunResult back = RunResult.read(file);
    assertThat(back).isEqualTo(r);
    assertThat(back.test("eurosat", "new")).get().extracting(RunResult.TestResult::top1).isEqualTo(60.0);
    assertThat(back.test("eurosat", "all")).isEmpty();
    try (var files = java.util.stream.Stream.of(file.getParent().toFile().list())) {
      assertThat(files).containsExactly("run.json");
    }
  }

  @Test
  void recordsWhereTheTrainingSplitCameFromAndReadsOlderFilesWithout() throws Exception {
    RunResult r = sample();
    TreeMap<String, String> source = new TreeMap<>(Map.of("kind", "dassl-cache", "file", "/data/imagenet/split_fewshot/"
        + "shot_16-seed_1.pkl", "sha256", "ab".repeat(32), "sampler", "dassl-fewshot/1", "same_as_sampler", "false"));
    RunResult withSource = new RunResult(r.format(), r.study(), r.protocol(), r.learner(), r.variant(), r.overrides(),
        r.trainDataset(), r.shots(), r.seed(), r.backbone(), r.tests(), r.provenance(), source, r.timings());
    Path file = dir.resolve("run.json");
    withSource.write(file);
    assertThat(RunResult.read(file).trainSplitSource()).isEqualTo(source);
    assertThat(Files.readString(file)).contains("\"trainSplitSource\" : {");

    Path old = dir.resolve("old.json");
    r.write(old);
    Files.writeString(old, Files.readString(old).replace("\"trainSplitSource\" : { },", ""));
    assertThat(Files.readString(old)).doesNotContain("trainSplitSource");
    assertThat(RunResult.read(old).trainSplitSource()).isEmpty();
  }

  @Test
  void aTruncatedFileIsNamedInTheError() throws Exception {
    Path file = dir.resolve("run.json");
    sample().write(file);
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() / 2));
    assertThatThrownBy(() -> RunResult.read(file)).isInstanceOf(InputException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("not a readable run result");
  }

  @Test
  void anUnknownFormatIsRefused() throws Exception {
    Path file = dir.resolve("run.json");
    sample().write(file);
    Files.writeString(file, Files.readString(file).replace("\"format\" : 1", "\"format\" : 99"));
    assertThatThrownBy(() -> RunResult.read(file)).hasMessageContaining("format 99");
  }
}
