package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DictionaryCommandTest {
  @TempDir Path dir;

  @Test
  void buildsOnceThenReusesTheCachedDictionary() {
    Path checkpoint = dir.resolve("ckpt");
    RandomCheckpoints.write(checkpoint, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"), StorageType.F16, 8);
    String[] outputs = new String[2];
    String previous = System.setProperty("ckcoop.cache", dir.resolve("cache").toString());
    for (int i = 0; i < 2; i++) {
      StringWriter out = new StringWriter();
      CommandLine cli = CkcoopCommand.commandLine();
      cli.setOut(new PrintWriter(out, true));
      assertThat(cli.execute("dictionary", "--backbone", checkpoint.toString(), "--k", "24", "--seed", "3",
          "--out", dir.resolve("d" + i + ".safetensors").toString())).isZero();
      outputs[i] = out.toString();
    }
    if (previous != null) {
      System.setProperty("ckcoop.cache", previous);
    } else {
      System.clearProperty("ckcoop.cache");
    }
    assertThat(outputs[0]).contains("D_com [24, 64]").contains("computed and cached at");
    assertThat(outputs[1]).contains("reused from");
    try (SafetensorsFile a = SafetensorsFile.open(dir.resolve("d0.safetensors"));
        SafetensorsFile b = SafetensorsFile.open(dir.resolve("d1.safetensors"))) {
      assertThat(b.readFloats("dictionary")).containsExactly(a.readFloats("dictionary"));
      assertThat(a.metadata()).containsKeys("backbone_identity", "options", "inertia", "iterations");
      assertThat(a.metadata().get("options")).contains("k=24").contains("seed=3");
    }
  }
}
