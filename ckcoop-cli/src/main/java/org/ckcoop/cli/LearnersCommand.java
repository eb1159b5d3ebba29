package org.ckcoop.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.core.config.ConfigSection;
import org.ckcoop.core.config.SettingInfo;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ckcoop learners}: every learner on the class path, its settings, and the trainer's. */
@Command(
    name = "learners",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the learners found on the class path (any jar with a LearnerPlugin), each with a one-line"
          + " description and its config keys with defaults, then the trainer's keys."
    })
public final class LearnersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    LearnerRegistry registry = LearnerRegistry.discover();
    if (registry.names().isEmpty()) {
      out.println("no learners found on the class path");
    }
    for (String name : registry.names()) {
      PromptLearnerFactory factory = registry.factory(name);
      out.printf(Locale.ROOT, "%s - %s%n", name, factory.description());
      print(out, CoreSettings.learnerSection(factory));
      out.println();
    }
    out.println("trainer settings (every learner):");
    for (ConfigSection<?> section : List.of(CoreSettings.LEARNER, CoreSettings.OPTIM, CoreSettings.TRAIN)) {
      print(out, section);
    }
    return 0;
  }

  private static void print(PrintWriter out, ConfigSection<?> section) {
    for (SettingInfo s : section.settings()) {
      out.printf(Locale.ROOT, "  %-36s %-8s default %-12s %s%s%n", s.key(), s.type(),
          s.defaultValue().isEmpty() ? "(none)" : s.defaultValue(), s.description(),
          s.allowed().isEmpty() ? "" : " [" + s.allowed() + "]");
    }
  }
}
