package org.ckcoop.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ckcoop.eval.study.StudyFile;
import org.ckcoop.eval.study.SweepGrid;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ckcoop sweep}: runs a study at every point of a grid of config overrides (an ablation). */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a study at every point of a grid of config overrides (an ablation): each point is a variant"
          + " such as ckcoop[learner.ckcoop.use_kronecker=false], with its own folder and config hash, run like"
          + " ckcoop run (shards, restarts). A point's keys under learner.<name>.* apply to that learner only."
    })
public final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StudyOptionsMixin options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  GridChoice grid;

  /** The grid, from a file or from the command line. */
  static final class GridChoice {
    @Option(names = "--grid", paramLabel = "FILE", description = "A grid file: keys with lists of values (YAML).")
    Path file;

    @Option(names = "--vary", paramLabel = "KEY=V1,V2,...", description = "One axis of the grid (repeatable).")
    List<String> varies;
  }

  @Override
  public Integer call() {
    SweepGrid points = grid.file != null ? SweepGrid.read(grid.file) : SweepGrid.parse(grid.varies);
    return options.execute(StudyFile.read(options.config, options.overrides(), points), spec.commandLine().getOut());
  }
}
