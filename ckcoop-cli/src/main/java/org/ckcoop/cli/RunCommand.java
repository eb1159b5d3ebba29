package org.ckcoop.cli;

import java.util.concurrent.Callable;
import org.ckcoop.eval.study.StudyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ckcoop run}: runs a study (learners x datasets x shots x seeds of one protocol). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a study: every learner on every training dataset, number of shots and seed of one protocol"
          + " (base2new, cross-dataset, domain-generalization, few-shot), writing one run.json per run under"
          + " <output>/<protocol>/<variant>/<dataset>/shots<K>/seed<S>/. Restarted with the same command, it"
          + " skips finished runs and resumes the interrupted one. The experiment file's format is in docs/eval.md."
    })
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StudyOptionsMixin options;

  @Override
  public Integer call() {
    return options.execute(StudyFile.read(options.config, options.overrides()), spec.commandLine().getOut());
  }
}
