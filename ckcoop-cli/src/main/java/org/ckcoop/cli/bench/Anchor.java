package org.ckcoop.cli.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ckcoop.common.InputException;

/**
 * The PyTorch anchor as a child process in its {@code serve} mode: one JSON request line in, one
 * JSON reply line out, its weights kept between requests (as ckcoop's side keeps its backbone). Its
 * standard error goes to ours. It inherits the environment ({@code OMP_WAIT_POLICY} and glibc's
 * malloc settings as {@code bin/ckcoop} sets them) except {@code LD_PRELOAD}: the MKL shim
 * {@code bin/ckcoop} preloads means nothing to the anchor's OpenBLAS torch.
 */
public final class Anchor implements AutoCloseable {
  private static final String NEEDS = "the anchor needs a Python with torch and numpy, e.g. Debian's"
      + " /usr/bin/python3 after apt-get install python3-torch libopenblas0-pthread (docs/benchmarks.md)";
  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;
  private final String torch;

  private Anchor(Process process) throws IOException {
    this.process = process;
    this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    if (ready == null || !ready.contains("\"ready\"")) {
      process.destroy();
      throw new InputException("the PyTorch anchor", "did not start (its first line: " + ready + "); " + NEEDS);
    }
    this.torch = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(ready).path("torch").asText();
  }

  /** Starts {@code python script serve}. */
  public static Anchor start(String python, Path script) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(python, script.toString(), "serve"));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    pb.environment().remove("LD_PRELOAD");
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new InputException("--python " + python, "cannot be run (" + e.getMessage() + "); " + NEEDS, e);
    }
    return new Anchor(process);
  }

  /** Returns the anchor's torch version. */
  public String torchVersion() {
    return torch;
  }

  /** Sends one request and waits for its reply. */
  public AnchorResult run(Map<String, Object> request) {
    try {
      in.write(AnchorResult.requestLine(request));
      in.newLine();
      in.flush();
      String line = out.readLine();
      if (line == null) {
        throw new IOException("the anchor exited (code " + (process.isAlive() ? "?" : process.exitValue()) + ")");
      }
      return AnchorResult.parse(line);
    } catch (IOException e) {
      throw new UncheckedIOException("anchor request " + request + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (IOException e) {
      process.destroy();
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    }
  }
}
