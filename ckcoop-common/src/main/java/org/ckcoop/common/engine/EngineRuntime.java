package org.ckcoop.common.engine;

import org.ckcoop.common.InputException;
import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * The DJL PyTorch engine, started offline: the native library comes from the Maven artifact on the
 * class path, any download attempt fails fast, and usage tracking is off. Call {@link #engine()}
 * instead of {@code Engine.getInstance()} so these settings are in place before the engine starts.
 */
public final class EngineRuntime {
  private EngineRuntime() {}

  /** Returns the PyTorch engine, configuring offline mode first. */
  public static synchronized Engine engine() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("ai.djl.default_engine", "PyTorch");
    return Engine.getEngine("PyTorch");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Returns the process settings that choose the engine's CPU kernels, and so the last bits of its
   * results: MKL's reproducibility mode ({@code MKL_CBWR}, {@code MKL_DYNAMIC}) and whether MKL's
   * Intel code paths are forced on a non-Intel CPU ({@code bin/ckcoop}'s preloaded
   * {@code libckcoop-mkl-intel-paths.so}). For run provenance: two runs compare bit for bit only
   * with the same settings on the same kind of CPU.
   */
  public static String kernelSettings() {
    String preload = System.getenv("LD_PRELOAD");
    boolean intelPaths = preload != null && preload.contains("mkl-intel-paths");
    return "MKL_CBWR=" + envOr("MKL_CBWR", "unset") + " MKL_DYNAMIC=" + envOr("MKL_DYNAMIC", "unset")
        + " mkl_intel_code_paths=" + (intelPaths ? "forced" : "mkl's choice");
  }

  private static String envOr(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null ? otherwise : value;
  }

  /** Returns the number of GPUs the engine sees. */
  public static int gpuCount() {
    return engine().getGpuCount();
  }

  /**
   * Resolves a device option: {@code cpu}, {@code gpu} (the first GPU; an error without one),
   * {@code gpu:N}, or {@code auto} (the first GPU when present, else the CPU).
   *
   * @throws InputException naming the option and the allowed values
   */
  public static Device device(String option) {
    String o = option.toLowerCase(Locale.ROOT).trim();
    int gpus = gpuCount();
    if (o.equals("cpu")) {
      return Device.cpu();
    }
    if (o.equals("auto")) {
      return gpus > 0 ? Device.gpu() : Device.cpu();
    }
    if (o.equals("gpu") || o.startsWith("gpu:")) {
      int id = o.equals("gpu") ? 0 : parseId(option, o.substring(4));
      if (id >= gpus) {
        throw new InputException(
            "device '" + option + "' requested but this machine has " + gpus + " GPU(s) visible to PyTorch"
                + (gpus == 0 ? " (use --device cpu, or build with the cuda profile on a CUDA host)" : ""));
      }
      return Device.gpu(id);
    }
    throw new InputException("unknown device '" + option + "' (allowed: cpu, gpu, gpu:N, auto)");
  }

  private static int parseId(String option, String id) {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new InputException("unknown device '" + option + "' (allowed: cpu, gpu, gpu:N, auto)");
    }
  }

  /** Returns a device as users write it: {@code cpu}, {@code gpu:0}. */
  public static String name(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
  }

  /** Returns a one-line description of the engine: name, version and native flavour. */
  public static String describe() {
    Engine e = engine();
    return e.getEngineName() + " " + e.getVersion() + " (DJL " + Engine.getDjlVersion() + ", GPUs: " + e.getGpuCount() + ")";
  }
}
