package org.ckcoop.dictionary;

import ai.djl.engine.Engine;

/**
 * The PyTorch engine started offline (as clip-backbone's EngineRuntime does, without depending on
 * it): the native library comes from the Maven artifact, downloads fail fast, tracking is off.
 */
final class OfflineEngine {
  private OfflineEngine() {}

  /** Returns the PyTorch engine, setting the offline properties first unless already set. */
  static synchronized Engine pytorch() {
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
}
