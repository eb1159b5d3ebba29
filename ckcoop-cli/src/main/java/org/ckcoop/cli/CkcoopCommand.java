package org.ckcoop.cli;

import org.ckcoop.common.InputException;
import org.ckcoop.common.ProjectVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ckcoop} command line: one subcommand per job. Errors that come from the user's input
 * (a missing file, a corrupt checkpoint, a bad option) print one clear line and exit with status 2
 * (set {@code CKCOOP_DEBUG=1} to see their stack traces); anything else is a bug, printed with its
 * stack trace, status 1.
 */
@Command(
    name = "ckcoop",
    mixinStandardHelpOptions = true,
    versionProvider = CkcoopCommand.Version.class,
    description = "Prompt learners for CLIP-like models, compared on identical data.",
    subcommands = {
      DemoCommand.class,
      DictionaryCommand.class,
      EncodeCommand.class,
      LearnersCommand.class,
      PretrainCommand.class,
      PredictCommand.class,
      RandomCheckpointCommand.class,
      RunCommand.class,
      SweepCommand.class,
      ReportCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CkcoopCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Prints the usage when no subcommand is given. */
  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Entry point of {@code bin/ckcoop}. */
  public static void main(String[] args) {
    try {
      System.exit(commandLine().execute(args));
    } catch (OutOfMemoryError e) {
      System.err.println("ckcoop: error: out of Java heap (" + e.getMessage() + "); large checkpoints need"
          + " 2-3x their file size while loading: raise the limit, e.g. CKCOOP_JAVA_OPTS=-Xmx8g bin/ckcoop ...");
      System.exit(2);
    }
  }

  /** Returns the configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CkcoopCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // bars still drawn (a run stopped mid-way) go first, so that the error is not drawn over
      org.ckcoop.cli.console.Terminal.process().removeAllBars();
      boolean userError = e instanceof InputException;
      if (!userError || System.getenv("CKCOOP_DEBUG") != null) {
        e.printStackTrace(new java.io.PrintWriter(commandLine.getErr(), true));
      }
      commandLine.getErr().println(commandLine.getCommandName() + ": "
          + (userError ? "error: " : "internal error (please report it with the stack trace above): ")
          + e.getMessage());
      return userError ? 2 : 1;
    });
    return cli;
  }

  /** Supplies {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ckcoop " + ProjectVersion.get(), "Java " + System.getProperty("java.version")};
    }
  }
}
