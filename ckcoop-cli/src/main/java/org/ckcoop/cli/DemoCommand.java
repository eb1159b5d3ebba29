package org.ckcoop.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.ckcoop.common.InputException;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.eval.report.Report;
import org.ckcoop.eval.report.ReportFiles;
import org.ckcoop.eval.report.TableLayout;
import org.ckcoop.eval.study.Study;
import org.ckcoop.eval.study.StudyFile;
import org.ckcoop.eval.study.StudyOptions;
import org.ckcoop.eval.study.StudyRunner;
import org.ckcoop.world.dataset.WorldDatasets;
import org.ckcoop.world.dataset.WorldManifest;
import org.ckcoop.world.pretrain.WorldPretrainCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ckcoop demo}: the whole project on a fresh machine. Generates the built-in world's
 * datasets (CoOp DATA layout) if absent, runs the demo studies of {@code configs/demo/} with the
 * shipped mini-CLIP through the normal study runner, and writes and prints the report. Everything
 * lands under one output folder; a second call reuses the world, the feature cache and every
 * finished run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs base-to-new for zsclip, coop, cocoop, kgcoop and ckcoop over three seeds on the built-in world's"
          + " datasets with the project's pretrained mini-CLIP, then prints the Base / New / HM table and writes the"
          + " report (Markdown, CSV, LaTeX, PNG) and the run results under --out. The world is generated on first use."
          + " A second call reuses everything already finished."
    })
public final class DemoCommand implements Callable<Integer> {
  /** The setting {@code --quick} adds to every study: one seed. */
  static final String QUICK_SEEDS = "study.seeds=1";

  /** The setting {@code --quick} adds to base-to-new: the small dataset (8 classes) only. */
  static final String QUICK_DATASETS = "study.datasets=world_shapes";

  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "ckcoop-demo", paramLabel = "DIR",
      description = "Output folder: world/, cache/, results/ and report/ (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A smoke test (seconds): one seed, and world_shapes only for base-to-new; results under <out>/quick.")
  boolean quick;

  @Option(names = "--cross-dataset", description = "Also runs cross-dataset transfer (train on world_objects, test on the other datasets).")
  boolean crossDataset;

  @Option(names = "--domain-generalization",
      description = "Also runs domain generalization (train on world_objects at night, test on its photo, sketch and pixelated variants).")
  boolean domainGeneralization;

  @Option(names = "--only-extra", description = "With --cross-dataset / --domain-generalization: skips base-to-new.")
  boolean onlyExtra;

  @Option(names = "--backbone", paramLabel = "DIR", description = "Checkpoint to use instead of the shipped models/mini-clip.")
  Path backbone;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides a setting of every demo study (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    if (onlyExtra && !crossDataset && !domainGeneralization) {
      throw new InputException("--only-extra", "needs --cross-dataset and/or --domain-generalization");
    }
    PrintWriter o = spec.commandLine().getOut();
    long start = System.nanoTime();
    Path home = StudyFile.repositoryFolders().stream().findFirst().orElse(Path.of("").toAbsolutePath());
    Path root = out.toAbsolutePath().normalize();
    Path folder = quick ? root.resolve("quick") : root;
    Path checkpoint = (backbone != null ? backbone : home.resolve("models/mini-clip")).toAbsolutePath().normalize();
    if (!Files.isDirectory(checkpoint) && !Files.isRegularFile(checkpoint)) {
      throw new InputException(checkpoint, backbone != null ? "no such checkpoint folder or file (--backbone)"
          : "the demo's mini-CLIP checkpoint is missing; it ships in the repository (models/mini-clip) and"
              + " `ckcoop pretrain --output models/mini-clip` rebuilds it (docs/pretrain.md)");
    }
    // the world the mini-CLIP was pretrained on
    WorldManifest world = WorldDatasets.ensure(root.resolve("world"), WorldPretrainCorpus.WORLD_SEED);
    o.printf(Locale.ROOT, "world: %d datasets in %s%n", world.datasets().size(), world.root());
    o.flush();
    Path results = folder.resolve("results");
    for (String protocol : protocols()) {
      Path config = home.resolve("configs/demo").resolve(protocol + ".yaml");
      Study study = StudyFile.read(config, studyOverrides(protocol, config, world, checkpoint, root, folder));
      StudyProgress progress = new StudyProgress(o);
      try {
        StudyRunner.run(study, StudyOptions.defaults(), progress);
      } finally {
        progress.closeBars();
      }
    }
    Report report = Report.load(results);
    ReportFiles files = report.write(folder.resolve("report"), TableLayout.LEARNERS_AS_COLUMNS);
    o.println();
    o.print(report.markdown(TableLayout.LEARNERS_AS_COLUMNS));
    o.printf(Locale.ROOT, "%nreport: %s (tables as Markdown, CSV, LaTeX; %d chart(s)); run results: %s%n",
        files.markdown(), files.charts().size(), results);
    o.printf(Locale.ROOT, "demo finished in %.0f s%n", (System.nanoTime() - start) / 1e9);
    o.flush();
    return 0;
  }

  /** Returns the demo studies to run, by config file name. */
  List<String> protocols() {
    List<String> protocols = new ArrayList<>();
    if (!onlyExtra || !(crossDataset || domainGeneralization)) {
      protocols.add("base2new");
    }
    if (crossDataset) {
      protocols.add("cross-dataset");
    }
    if (domainGeneralization) {
      protocols.add("domain-generalization");
    }
    return protocols;
  }

  /**
   * Returns the settings that place a demo study in this output folder: results, cache, the
   * checkpoint and the root of every world dataset the config declares, then {@code --quick}'s and
   * the user's overrides.
   */
  List<String> studyOverrides(String protocol, Path config, WorldManifest world, Path checkpoint, Path root, Path folder) {
    List<String> all = new ArrayList<>();
    all.add("study.output=" + folder.resolve("results"));
    all.add("study.cache=" + root.resolve("cache"));
    all.add("backbone.checkpoint=" + checkpoint);
    for (String id : declaredDatasets(LayeredConfig.readFile(config))) {
      all.add("datasets." + id + ".root=" + world.dataset(id).folder().toAbsolutePath());
    }
    if (quick) {
      // one seed everywhere; the small dataset only where it is a training dataset of its own
      all.add(QUICK_SEEDS);
      if (protocol.equals("base2new")) {
        all.add(QUICK_DATASETS);
      }
    }
    all.addAll(overrides);
    return all;
  }

  private static TreeSet<String> declaredDatasets(Map<String, Object> keys) {
    TreeSet<String> ids = new TreeSet<>();
    for (String key : keys.keySet()) {
      if (key.startsWith("datasets.") && key.endsWith(".root")) {
        ids.add(key.substring("datasets.".length(), key.length() - ".root".length()));
      }
    }
    return ids;
  }
}
