package org.ckcoop.kronecker;

import ai.djl.engine.Engine;

/** The PyTorch engine for tests, started offline (these modules do not depend on clip-backbone). */
final class TestEngine {
  private TestEngine() {}

  static synchronized Engine pytorch() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    return Engine.getEngine("PyTorch");
  }
}
