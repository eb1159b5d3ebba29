package org.ckcoop.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.cli.console.ConsoleProgress;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.core.ckcoop.DictionaryStore;
import org.ckcoop.dictionary.KMeansOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ckcoop dictionary}: builds (or reuses) CK-CoOp's quantized dictionary of a backbone. */
@Command(
    name = "dictionary",
    mixinStandardHelpOptions = true,
    description = {
      "Runs k-means over the backbone's token-embedding table and writes D_com [k, width] with its"
          + " provenance; the result is also cached, so CK-CoOp runs with the same backbone and options"
          + " reuse it."
    })
public final class DictionaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backbone", required = true, paramLabel = "DIR", description = "Checkpoint folder.")
  Path backbone;

  @Option(names = "--k", required = true, description = "Dictionary size (clusters).")
  int k;

  @Option(names = "--seed", defaultValue = "0", description = "k-means seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-iterations", defaultValue = "30", description = "Lloyd iterations at most (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--tolerance", defaultValue = "1e-4", description = "Relative centroid shift to stop at (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--normalize", description = "Cluster L2-normalised token embeddings.")
  boolean normalize;

  @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file (written atomically).")
  Path out;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    KMeansOptions options;
    try {
      options = new KMeansOptions(k, seed, maxIterations, tolerance, normalize, 0);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    long start = System.nanoTime();
    try (ClipBackbone model = ClipBackbone.load(backbone, BackboneOptions.defaults())) {
      DictionaryStore.Dictionary d;
      try (ConsoleProgress bar = new ConsoleProgress("k-means", maxIterations, "it")) {
        d = DictionaryStore.inCache().get(model, options, new org.ckcoop.dictionary.KMeansProgress() {
          @Override
          public void iteration(int iteration, int max, double inertia, double relativeShift) {
            bar.accept(1);
          }
        });
      }
      new SafetensorsWriter().putAllMetadata(new java.util.TreeMap<>(d.provenance()))
          .addFloats("dictionary", d.centroids(), new long[] {d.k(), d.width()}, StorageType.F32)
          .write(out);
      o.printf(Locale.ROOT, "wrote %s: D_com [%d, %d], inertia %s, %s iterations (converged %s), %s in %.1f s%n", out,
          d.k(), d.width(), d.provenance().get("inertia"), d.provenance().get("iterations"),
          d.provenance().get("converged"), d.cached() ? "reused from " + d.file() : "computed and cached at " + d.file(),
          (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }
}
