import java.lang.instrument.Instrumentation;

/**
 * A Java agent that calls {@code System.gc()} every few milliseconds (default 2) on a daemon thread,
 * to check that nothing the engine computes depends on when the JVM collects garbage. Build it with
 * {@code tools/gc-pressure/build.sh}; use it with {@code CKCOOP_JAVA_OPTS=-javaagent:<jar>[=<ms>]}.
 */
public final class GcPressureAgent {
  private GcPressureAgent() {}

  /** Starts the collecting thread; {@code args} is the interval in milliseconds. */
  public static void premain(String args, Instrumentation instrumentation) {
    long interval = args == null || args.isBlank() ? 2 : Long.parseLong(args.trim());
    Thread t = new Thread(() -> {
      long collections = 0;
      while (true) {
        System.gc();
        collections++;
        if (collections % 10_000 == 0) {
          System.err.println("gc-pressure: " + collections + " collections");
        }
        try {
          Thread.sleep(interval);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "gc-pressure");
    t.setDaemon(true);
    t.start();
    System.err.println("gc-pressure: System.gc() every " + interval + " ms");
  }
}
