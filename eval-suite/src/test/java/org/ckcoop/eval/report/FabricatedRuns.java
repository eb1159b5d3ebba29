package org.ckcoop.eval.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.core.train.RunProvenance;
import org.ckcoop.eval.result.RunResult;

/** Run results made up for report (and report command) tests: fixed identities, config hashes and split identities. */
public final class FabricatedRuns {
  public static final RunResult.BackboneInfo VIT_B16 =
      new RunResult.BackboneInfo("b16identity0123456789abcdef", ClipArchitecture.vitB16().describe(), "ViT-B-16");
  public static final RunResult.BackboneInfo TINY =
      new RunResult.BackboneInfo("tinyidentity0123456789abcdef", ClipArchitecture.tiny(1000).describe(), "tiny-clip");

  private FabricatedRuns() {}

  /** The learner order of the fabricated studies' {@code study.learners}. */
  public static final List<String> STUDY_ORDER = List.of("zsclip", "coop", "cocoop", "prograd", "kgcoop", "ckcoop");

  /** Zero-shot learners do not train: their runs have no training dataset. */
  public static boolean trains(String learner) {
    return !learner.equals("zsclip");
  }

  /** A base-to-new run: trained on {@code dataset}'s base classes, tested on its base and new classes. */
  public static RunResult base2new(String study, String learner, String variant, String dataset, long seed, double base, double newAcc,
      RunResult.BackboneInfo backbone, int shots) {
    return run(study, "base2new", learner, variant, trains(learner) ? dataset : "", trains(learner) ? shots : 0, seed, backbone,
        List.of(test(dataset, "base", base), test(dataset, "new", newAcc)));
  }

  /** A transfer run (cross-dataset or domain generalization): one test per dataset, all classes. */
  public static RunResult transfer(String study, String protocol, String learner, String variant, String source, long seed,
      Map<String, Double> accuracies, RunResult.BackboneInfo backbone) {
    List<RunResult.TestResult> tests = new ArrayList<>();
    accuracies.forEach((d, a) -> tests.add(test(d, "all", a)));
    return run(study, protocol, learner, variant, trains(learner) ? source : "", trains(learner) ? 16 : 0, seed, backbone, tests);
  }

  /** A few-shot run. */
  public static RunResult fewShot(String study, String learner, String variant, String dataset, int shots, long seed, double accuracy,
      RunResult.BackboneInfo backbone) {
    return run(study, "few-shot", learner, variant, trains(learner) ? dataset : "", trains(learner) ? shots : 0, seed, backbone,
        List.of(test(dataset, "all", accuracy)));
  }

  public static RunResult.TestResult test(String dataset, String subset, double accuracy) {
    return new RunResult.TestResult(dataset, subset, "split-" + dataset.toLowerCase(java.util.Locale.ROOT) + "-" + subset, 10, 100,
        accuracy, accuracy, new TreeMap<>());
  }

  public static RunResult run(String study, String protocol, String learner, String variant, String trainDataset, int shots, long seed,
      RunResult.BackboneInfo backbone, List<RunResult.TestResult> tests) {
    String hash = "cfg-" + variant + "-" + trainDataset + "-" + shots + "-" + seed;
    RunProvenance provenance = new RunProvenance(learner, new TreeMap<>(Map.of("learner.name", learner)), hash,
        backbone.identity(), "data-" + trainDataset, seed, Map.of("ckcoop", "test"));
    return new RunResult(RunResult.FORMAT, study, protocol, learner, variant, new TreeMap<>(), trainDataset, shots, seed,
        backbone, tests, provenance, new TreeMap<>(), new RunResult.Timings(0, 0, 0, 0), RunResult.FINISHED, null, null,
        STUDY_ORDER);
  }

  /** Returns the runs with sources {@code r0/run.json}, {@code r1/run.json}, ... */
  public static List<SourcedRun> sourced(List<RunResult> runs) {
    List<SourcedRun> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      out.add(new SourcedRun(String.format(java.util.Locale.ROOT, "r%02d/run.json", i), runs.get(i)));
    }
    return out;
  }
}
