/**
 * Layered, checked configuration of runs.
 *
 * <p>Settings live in records whose components carry {@link org.ckcoop.core.config.Setting} (type,
 * default, range, description). A {@link org.ckcoop.core.config.ConfigSection} gives a record a key
 * prefix ({@code optim}, {@code learner.coop}); a {@link org.ckcoop.core.config.ConfigSchema} is the set
 * of known sections, to which a new learner adds its own. A
 * {@link org.ckcoop.core.config.LayeredConfig} layers defaults, the dataset file, the learner file,
 * experiment files and {@code --set key=value} overrides (YAML or {@code .properties}, read with Apache
 * Commons Configuration), rejects unknown keys with a suggestion, and binds sections to typed records
 * with messages that name the key, the value, its source and what is allowed. A
 * {@link org.ckcoop.core.config.ResolvedConfig} is the canonical record of a run's settings, its hash
 * (the run's identity) and a file it can be repeated from.
 *
 * <pre>{@code
 * ConfigSchema schema = ConfigSchema.of(LEARNER, OPTIM, TRAIN, COOP);
 * LayeredConfig config = LayeredConfig.builder(schema)
 *     .datasetFile(Path.of("configs/datasets/eurosat.yaml"))
 *     .learnerFile(Path.of("configs/learners/coop.yaml"))
 *     .experimentFile(Path.of("exp.yaml"))
 *     .overrides(List.of("optim.lr=1e-3"))
 *     .build();
 * ResolvedConfig run = config.resolve(LEARNER, COOP, OPTIM, TRAIN);
 * run.write(outDir.resolve("config.properties"));   // run.hash() is the run's identity
 * OptimSettings optim = run.settings(OPTIM);
 * }</pre>
 *
 * <p>Errors in what a user wrote throw {@link org.ckcoop.core.config.ConfigException}; mistakes in
 * settings records or sections are bugs and throw {@link IllegalArgumentException}.
 */
package org.ckcoop.core.config;
