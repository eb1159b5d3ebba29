package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.eval.data.DatasetRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped published numbers: complete mappings, internally consistent tables, sources given. */
class PublishedNumbersTest {
  @TempDir Path dir;

  private static final PublishedNumbers P = PublishedNumbers.builtIn();

  @Test
  void learnerAndDatasetMappingsAreExplicitAndCoverEveryTable() {
    assertThat(P.methods()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "zsclip", "CLIP", "coop", "CoOp", "cocoop", "CoCoOp", "prograd", "ProGrad", "kgcoop", "KgCoOp",
        "maple", "MaPLe", "promptsrc", "PromptSRC"));
    assertThat(DatasetRegistry.BUILT_IN_NAMES).containsAll(P.datasets().keySet());
    assertThat(P.datasets()).containsEntry("OxfordFlowers", "Flowers102").containsEntry("DescribableTextures", "DTD")
        .containsEntry("ImageNetV2", "ImageNet-V2").hasSize(15);
    Set<String> tableNames = new HashSet<>(P.datasets().values());
    assertThat(P.tables()).extracting(PublishedNumbers.Table::id).containsExactly("base2new", "domain-generalization", "cross-dataset");
    for (PublishedNumbers.Table t : P.tables()) {
      assertThat(t.source()).isNotBlank();
      assertThat(t.status()).isNotBlank();
      assertThat(t.architecture()).isEqualTo(ClipArchitecture.vitB16().describe());
      assertThat(t.shots()).isEqualTo(16);
      assertThat(tableNames).as(t.id()).containsAll(t.averagedDatasets());
      assertThat(P.methods().values()).containsAll(t.methods());
    }
    assertThat(P.tables(ReportProtocol.BASE2NEW).get(0).averagedDatasets()).hasSize(11);
    assertThat(P.tables(ReportProtocol.CROSS_DATASET).get(0).averagedDatasets()).hasSize(10);
    assertThat(P.tables(ReportProtocol.DOMAIN_GENERALIZATION).get(0).averagedDatasets())
        .containsExactly("ImageNet-V2", "ImageNet-Sketch", "ImageNet-A", "ImageNet-R");
  }

  @Test
  void everyHmAndTargetAverageAgreesWithItsParts() {
    PublishedNumbers.Table b2n = P.tables(ReportProtocol.BASE2NEW).get(0);
    for (String method : b2n.methods()) {
      for (String d : List.copyOf(b2n.values().get(method).keySet())) {
        double b = b2n.value(method, d, "base").getAsDouble();
        double n = b2n.value(method, d, "new").getAsDouble();
        assertThat(b2n.value(method, d, "hm").getAsDouble()).as(method + " " + d).isCloseTo(Figure.harmonicMean(b, n), within(0.01));
      }
    }
    for (ReportProtocol p : List.of(ReportProtocol.CROSS_DATASET, ReportProtocol.DOMAIN_GENERALIZATION)) {
      PublishedNumbers.Table t = P.tables(p).get(0);
      for (String method : t.methods()) {
        double mean = t.averagedDatasets().stream().mapToDouble(d -> t.value(method, d, "accuracy").getAsDouble()).average().orElseThrow();
        assertThat(t.value(method, ReportSection.TARGET_AVERAGE, "accuracy").getAsDouble()).as(p + " " + method).isCloseTo(mean, within(0.01));
      }
    }
    assertThat(P.tables(ReportProtocol.CROSS_DATASET).get(0).value("CoOp", "FGVCAircraft", "accuracy").getAsDouble()).isEqualTo(18.47);
  }

  @Test
  void aUserFileWithAMistakeIsNamedInTheError() throws Exception {
    Path file = dir.resolve("mine.json");
    Files.writeString(file, """
        {"methods": {"coop": "CoOp"}, "datasets": {"EuroSAT": "EuroSAT"}, "tables": [
          {"id": "x", "protocol": "cross-dataset", "backbone": "vit-b-16", "shots": 16, "sourceDataset": "ImageNet",
           "source": "s", "status": "t", "columns": ["ImageNet", "EuroSAT", "Target average"], "rows": {"CoOp": [1, 2]}}]}
        """);
    assertThatThrownBy(() -> PublishedNumbers.read(file)).isInstanceOf(InputException.class)
        .hasMessageContaining(file + " table 'x' CoOp: expected a list of 3 numbers");
    Files.writeString(file, Files.readString(file).replace("[1, 2]", "[1, 2, 1.5]").replace("vit-b-16", "vit-x"));
    assertThatThrownBy(() -> PublishedNumbers.read(file)).hasMessageContaining("table 'x': backbone: unknown architecture preset 'vit-x'");
    Files.writeString(file, Files.readString(file).replace("vit-x", "vit-b-16"));
    assertThat(PublishedNumbers.read(file).tables().get(0).value("CoOp", "EuroSAT", "accuracy").getAsDouble()).isEqualTo(2.0);
    Files.writeString(file, Files.readString(file).replace("cross-dataset", "few-shot"));
    assertThatThrownBy(() -> PublishedNumbers.read(file)).hasMessageContaining("table 'x': few-shot tables are not supported");
  }
}
