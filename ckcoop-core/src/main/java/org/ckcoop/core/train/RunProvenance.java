package org.ckcoop.core.train;

import ai.djl.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.ProjectVersion;

/**
 * Everything needed to repeat a run and to know what produced a result: the fully resolved config
 * and its hash, the backbone identity, the training data identity (split hash), the seed and the
 * software versions.
 *
 * @param learner the learner's name
 * @param resolvedConfig every resolved setting (key to canonical value)
 * @param configHash the SHA-256 of the resolved config: the run's identity
 * @param backboneIdentity the backbone identity
 * @param dataIdentity the split identity: the SHA-256 of the split file the run trained on (for a
 *     study run, the few-shot split's {@code FewShotSplit.identity()}); not the content hash of the
 *     encoded training examples, which checkpoints record as {@code training_examples_identity}
 * @param seed the training seed
 * @param versions ckcoop, Java, DJL, engine and OS versions, and the CPU kernel settings
 */
public record RunProvenance(
    String learner,
    SortedMap<String, String> resolvedConfig,
    String configHash,
    String backboneIdentity,
    String dataIdentity,
    long seed,
    Map<String, String> versions) {

  /** Copies the maps. */
  public RunProvenance {
    resolvedConfig = new TreeMap<>(resolvedConfig);
    versions = Map.copyOf(versions);
  }

  /** Returns the versions of this process's software. */
  public static Map<String, String> currentVersions() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("ckcoop", ProjectVersion.get());
    v.put("java", System.getProperty("java.version"));
    v.put("djl", Engine.getDjlVersion());
    v.put("engine", EngineRuntime.engine().getEngineName() + " " + EngineRuntime.engine().getVersion());
    v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    v.put("cpu_kernels", EngineRuntime.kernelSettings());
    return v;
  }
}
