package org.ckcoop.eval.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.ckcoop.common.InputException;
import org.ckcoop.core.config.ConfigException;
import org.ckcoop.core.config.ConfigSchema;
import org.ckcoop.core.config.ConfigSection;
import org.ckcoop.core.config.ConfigFileCache;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.plugin.ShippedRecipes;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.eval.data.DataSettings;
import org.ckcoop.eval.data.DatasetException;
import org.ckcoop.eval.data.DatasetReader;
import org.ckcoop.eval.data.DatasetRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an experiment file into a checked {@link Study}. The format is documented in
 * {@code docs/eval.md}; in short, a YAML (or {@code .properties}) file read through core's layered
 * config, with the sections {@code study.*} ({@link StudySettings}), {@code backbone.*}
 * ({@link BackboneSettings}), one {@code datasets.<id>.*} per dataset ({@link DatasetEntry}),
 * {@code features.*} ({@link FeatureSettings}), and any run setting ({@code optim.*}, {@code train.*},
 * {@code split.*}, {@code learner.<name>.*}) that then applies to every run.
 *
 * <p>Each run's config is layered as core layers every run: built-in defaults, the learner's recipe
 * ({@code <study.learner_configs>/<learner>.yaml}, else the one its plugin jar ships as
 * {@code META-INF/ckcoop/learners/<learner>.yaml}), the experiment file, {@code --set} overrides, then
 * the sweep point's overrides; the study finally sets the run's own keys ({@code learner.name},
 * {@code train.seed} and {@code split.seed} from {@code study.seeds}, {@code run.*}), which an
 * experiment, {@code --set} or grid may therefore not set. A run's identity is the hash of its
 * sections: {@code learner.name}, its learner's section, {@code optim}, {@code train}, {@code split},
 * {@code features}, {@code run} and the {@code datasets.<id>} sections of its training and target
 * datasets, without the machine-local keys (dataset roots, split files and folders).
 *
 * <p>Everything is checked here, before anything runs: unknown keys (named, with the closest known
 * key), unknown learners (with the known ones), datasets that are not declared or whose reader or
 * root does not exist, the backbone checkpoint, every value of every run. Relative paths resolve
 * against the experiment file's folder, or against the working directory when given with
 * {@code --set}.
 */
public final class StudyFile {
  private static final Logger LOG = LoggerFactory.getLogger(StudyFile.class);
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");

  /** {@code study.*}. */
  public static final ConfigSection<StudySettings> STUDY =
      ConfigSection.of("study", StudySettings.class, "what a study runs and where its results go");
  /** {@code backbone.*}. */
  public static final ConfigSection<BackboneSettings> BACKBONE =
      ConfigSection.of("backbone", BackboneSettings.class, "the frozen CLIP all runs share");
  /** {@code features.*}. */
  public static final ConfigSection<FeatureSettings> FEATURES =
      ConfigSection.of("features", FeatureSettings.class, "the image features learners train on");
  /** {@code run.*}. */
  public static final ConfigSection<RunSettings> RUN =
      ConfigSection.of("run", RunSettings.class, "a run's place in its study (set by the study)");

  /** The keys the study sets for each run, with what to set instead. */
  private static final Map<String, String> RUN_KEYS = runKeys();

  private static Map<String, String> runKeys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("learner.name", "list the learners in study.learners");
    keys.put("train.seed", "list the seeds in study.seeds (each seeds the split and the training)");
    keys.put("split.seed", "list the seeds in study.seeds (each seeds the split and the training)");
    keys.put("run.protocol", "set study.protocol");
    keys.put("run.dataset", "list the training datasets in study.datasets");
    keys.put("run.targets", "list the target datasets in study.targets");
    keys.put("run.shots", "list the shots in study.shots");
    return keys;
  }

  private StudyFile() {}

  /**
   * Reads an experiment file for {@code ckcoop run}.
   *
   * @param experiment the experiment file
   * @param overrides {@code key=value} overrides ({@code --set}), a later one winning
   * @throws InputException naming the file, key or value that is wrong
   */
  public static Study read(Path experiment, List<String> overrides) {
    return read(experiment, overrides, SweepGrid.NONE);
  }

  /**
   * Reads an experiment file for {@code ckcoop sweep}: every learner of the study at every point of
   * the grid (a point's keys under {@code learner.<other>.*} do not apply to a learner, so a learner
   * that no key of the grid concerns runs once, as a plain variant).
   *
   * @throws InputException naming the file, key or value that is wrong
   */
  public static Study read(Path experiment, List<String> overrides, SweepGrid grid) {
    return read(experiment, overrides, grid, LearnerRegistry.discover(), DatasetRegistry.discover());
  }

  /** As {@link #read(Path, List, SweepGrid)} with given registries (for tests and embedding). */
  public static Study read(Path experiment, List<String> overrides, SweepGrid grid, LearnerRegistry learners,
      DatasetRegistry datasetRegistry) {
    return read(experiment, overrides, grid, learners, datasetRegistry, new ConfigFileCache());
  }

  /**
   * As {@link #read(Path, List, SweepGrid, LearnerRegistry, DatasetRegistry)}, reading the experiment
   * file and the recipes through {@code files}: each once, however many runs the study has.
   */
  static Study read(Path experiment, List<String> overrides, SweepGrid grid, LearnerRegistry learners,
      DatasetRegistry datasetRegistry, ConfigFileCache files) {
    Path file = experiment.toAbsolutePath().normalize();
    Path home = file.getParent();
    List<String> userOverrides = List.copyOf(overrides);

    Map<String, ConfigSection<DatasetEntry>> datasetSections = new LinkedHashMap<>();
    for (String id : datasetIds(files.read(file), userOverrides, grid)) {
      datasetSections.put(id, ConfigSection.of("datasets." + id, DatasetEntry.class, "dataset " + id));
    }
    List<ConfigSection<?>> extra = new ArrayList<>(List.of(DataSettings.SPLIT, FEATURES, RUN, STUDY, BACKBONE));
    extra.addAll(datasetSections.values());
    ConfigSchema schema = CoreSettings.schema(learners, extra.toArray(ConfigSection<?>[]::new));

    LayeredConfig config = LayeredConfig.builder(schema).fileCache(files).experimentFile(file).overrides(userOverrides)
        .build();
    RUN_KEYS.forEach((key, instead) -> {
      if (!config.source(key).equals(LayeredConfig.DEFAULTS)) {
        throw new ConfigException(key + " (from " + config.source(key) + ")", "is set by the study for each run: "
            + instead);
      }
    });
    StudySettings study = config.bind(STUDY);
    BackboneSettings backbone = config.bind(BACKBONE);
    String name = study.name().isBlank() ? stem(file) : study.name();
    Protocol protocol = study.protocol();

    requireList("study.learners", study.learners(), "the learners to compare, e.g. [zsclip, coop]");
    for (String learner : study.learners()) {
      try {
        learners.factory(learner);
      } catch (InputException e) {
        throw new InputException("study.learners", "unknown learner '" + learner + "' (known: "
            + String.join(", ", learners.names()) + ")", e);
      }
    }
    requireList("study.datasets", study.datasets(), "the ids of the training datasets, each declared as a"
        + " datasets.<id> section");
    requireList("study.seeds", study.seeds(), "seeds, e.g. [1, 2, 3]");
    requireList("study.shots", study.shots(), "shots per class, e.g. [16]");
    if (protocol.transfer()) {
      requireList("study.targets", study.targets(), "the ids of the datasets " + protocol + " tests on");
    } else if (!study.targets().isEmpty()) {
      throw new InputException("study.targets", "is used only by cross-dataset and domain-generalization; "
          + protocol + " tests on the training dataset itself");
    }
    for (String id : concat(study.datasets(), study.targets())) {
      if (!datasetSections.containsKey(id)) {
        String key = study.datasets().contains(id) ? "study.datasets" : "study.targets";
        throw new InputException(key, "dataset '" + id + "' has no datasets." + id + " section"
            + (datasetSections.isEmpty() ? "" : " (declared: " + String.join(", ", datasetSections.keySet()) + ")"));
      }
    }
    for (String id : study.targets()) {
      if (study.datasets().contains(id)) {
        throw new InputException("study.targets", "'" + id + "' is also a training dataset; a run always tests on"
            + " its own training dataset, so list only the other datasets as targets");
      }
    }

    Map<String, StudyDataset> datasets = new LinkedHashMap<>();
    for (String id : concat(study.datasets(), study.targets())) {
      DatasetEntry entry = config.bind(datasetSections.get(id));
      String prefix = "datasets." + id;
      if (entry.name().isBlank()) {
        throw new InputException(prefix + ".name", "not set (known datasets: "
            + String.join(", ", datasetRegistry.names()) + ")");
      }
      DatasetReader reader;
      try {
        reader = datasetRegistry.reader(entry.name());
      } catch (DatasetException e) {
        throw new InputException(prefix + ".name", "unknown dataset '" + entry.name() + "' (known: "
            + String.join(", ", datasetRegistry.names()) + ")", e);
      }
      if (study.datasets().contains(id) && reader.testOnly()) {
        throw new InputException("study.datasets", "'" + id + "' is " + reader.name() + ", a test-only dataset;"
            + " train on another dataset and list it in study.targets");
      }
      if (entry.root().isBlank()) {
        throw new InputException(prefix + ".root", "not set; expected the CoOp DATA folder (for image-folder and"
            + " split-file: the dataset's own folder)");
      }
      Path root = path(config, prefix + ".root", entry.root(), home);
      if (!Files.isDirectory(root)) {
        throw new InputException(prefix + ".root = " + entry.root(), "no such folder: " + root);
      }
      datasets.put(id, new StudyDataset(id, entry, root));
    }
    for (String id : datasetSections.keySet()) {
      if (!datasets.containsKey(id)) {
        LOG.warn("{}: datasets.{} is declared but not used by study.datasets or study.targets", file, id);
      }
    }

    if (backbone.checkpoint().isBlank()) {
      throw new InputException("backbone.checkpoint", "not set; expected a CLIP checkpoint folder");
    }
    Path checkpoint = path(config, "backbone.checkpoint", backbone.checkpoint(), home);
    if (!Files.exists(checkpoint)) {
      throw new InputException("backbone.checkpoint = " + backbone.checkpoint(), "no such file or folder: " + checkpoint);
    }
    Path output = study.output().isBlank() ? home.resolve("results").resolve(name)
        : path(config, "study.output", study.output(), home);
    Path cache = study.cache().isBlank() ? defaultCache(output) : path(config, "study.cache", study.cache(), home);

    Map<String, Optional<Path>> recipes = recipes(config, study, home, files);
    List<Variant> variants = variants(study.learners(), grid, learners, schema);

    List<PlannedRun> runs = new ArrayList<>();
    Map<String, Variant> slugs = new HashMap<>();
    for (Variant v : variants) {
      Variant other = slugs.putIfAbsent(v.slug(), v);
      if (other != null) {
        throw new InputException(grid.source(), "variants '" + other.label() + "' and '" + v.label()
            + "' would share the folder " + v.slug());
      }
    }
    for (String dataset : study.datasets()) {
      for (int shots : study.shots()) {
        for (long seed : study.seeds()) {
          for (Variant variant : variants) {
            LayeredConfig.Builder builder = LayeredConfig.builder(schema).fileCache(files);
            recipes.get(variant.learner()).ifPresent(builder::learnerFile);
            builder.experimentFile(file).overrides(userOverrides);
            variant.overrides().forEach((k, v) -> builder.override(k + "=" + v));
            builder.override("learner.name=" + variant.learner())
                .override("train.seed=" + seed)
                .override("split.seed=" + seed)
                .override("run.protocol=" + protocol.name())
                .override("run.dataset=" + dataset)
                .override("run.targets=" + String.join(",", study.targets()))
                .override("run.shots=" + shots);
            List<ConfigSection<?>> sections = new ArrayList<>(List.of(DataSettings.SPLIT, FEATURES, RUN));
            sections.add(datasetSections.get(dataset));
            study.targets().forEach(t -> sections.add(datasetSections.get(t)));
            RunPlan plan = RunPlan.from(builder.build(), learners, sections.toArray(ConfigSection<?>[]::new));
            Path folder = output.resolve(protocol.label()).resolve(variant.slug()).resolve(dataset)
                .resolve("shots" + shots).resolve("seed" + seed);
            runs.add(new PlannedRun(runs.size(), variant, dataset, shots, seed, study.targets(), plan, folder));
          }
        }
      }
    }
    return new Study(file, name, protocol, checkpoint, backbone, datasets, output, cache, variants, runs, learners,
        datasetRegistry);
  }

  /** Finds the ids of {@code datasets.<id>.*} keys in the file, the overrides and the grid. */
  private static Set<String> datasetIds(Map<String, Object> file, List<String> overrides, SweepGrid grid) {
    List<String> keys = new ArrayList<>(file.keySet());
    for (String o : overrides) {
      int eq = o.indexOf('=');
      keys.add(eq < 0 ? o : o.substring(0, eq).trim());
    }
    keys.addAll(grid.axes().keySet());
    Set<String> ids = new LinkedHashSet<>();
    for (String key : keys) {
      if (!key.startsWith("datasets.")) {
        continue;
      }
      String rest = key.substring("datasets.".length());
      String id = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
      if (!ID.matcher(id).matches()) {
        throw new ConfigException(file, "key '" + key + "': a dataset id is lower snake case (letters, digits, _),"
            + " e.g. datasets.eurosat.name");
      }
      ids.add(id);
    }
    return ids;
  }

  private static Map<String, Optional<Path>> recipes(LayeredConfig config, StudySettings study, Path home, ConfigFileCache files) {
    Map<String, Path> given = new HashMap<>();
    for (String recipe : study.recipes()) {
      int eq = recipe.indexOf('=');
      String learner = eq < 0 ? "" : recipe.substring(0, eq).trim();
      if (learner.isEmpty() || recipe.substring(eq + 1).isBlank()) {
        throw new InputException("study.recipes", "expected learner=file.yaml entries, got '" + recipe + "'");
      }
      if (!study.learners().contains(learner)) {
        throw new InputException("study.recipes", "'" + learner + "' is not in study.learners "
            + study.learners());
      }
      Path path = path(config, "study.recipes", recipe.substring(eq + 1).trim(), home);
      if (!Files.isRegularFile(path)) {
        throw new InputException("study.recipes = " + recipe, "no such file: " + path);
      }
      given.put(learner, path);
    }
    Path folder = study.learnerConfigs().isBlank() ? repositoryConfigs()
        : path(config, "study.learner_configs", study.learnerConfigs(), home);
    if (!study.learnerConfigs().isBlank() && !Files.isDirectory(folder)) {
      throw new InputException("study.learner_configs = " + study.learnerConfigs(), "no such folder: " + folder);
    }
    Map<String, Optional<Path>> out = new LinkedHashMap<>();
    for (String learner : study.learners()) {
      Path recipe = given.get(learner);
      if (recipe == null && folder != null && Files.isRegularFile(folder.resolve(learner + ".yaml"))) {
        recipe = folder.resolve(learner + ".yaml");
      }
      if (recipe == null) {
        recipe = ShippedRecipes.find(learner).orElse(null); // a plugin jar's own recipe
      }
      if (recipe == null) {
        String looked = (folder == null ? "no configs/learners folder found (set study.learner_configs)"
            : "no " + folder.resolve(learner + ".yaml")) + ", no study.recipes entry, no recipe in the plugin's jar"
            + " (META-INF/ckcoop/learners/" + learner + ".yaml)";
        if (!study.defaultRecipes().contains(learner)) {
          throw new InputException("study.learners", "learner '" + learner + "' has no recipe: " + looked
              + "; add one, or list the learner in study.default_recipes to run it on the built-in optim/train"
              + " defaults plus the experiment file");
        }
        LOG.info("learner {} runs on the built-in optim/train defaults (study.default_recipes): {}", learner, looked);
      } else {
        Object named = files.read(recipe).get("learner.name");
        if (named != null && !named.toString().isBlank() && !named.toString().trim().equals(learner)) {
          throw new InputException(recipe, "is a recipe for learner '" + named + "', not '" + learner + "'");
        }
      }
      out.put(learner, Optional.ofNullable(recipe));
    }
    return out;
  }

  /**
   * Returns the folders that may be the repository's checkout, in order: the system properties
   * {@code ckcoop.repo.dir} (tests) and {@code ckcoop.home} (the launcher), those that are set.
   */
  public static List<Path> repositoryFolders() {
    List<Path> folders = new ArrayList<>();
    for (String property : List.of("ckcoop.repo.dir", "ckcoop.home")) {
      String dir = System.getProperty(property);
      if (dir != null && !dir.isBlank()) {
        folders.add(Path.of(dir).toAbsolutePath().normalize());
      }
    }
    return folders;
  }

  /** Returns the repository's {@code configs/learners}, from {@code ckcoop.repo.dir} or {@code ckcoop.home}. */
  static Path repositoryConfigs() {
    for (Path dir : repositoryFolders()) {
      Path configs = dir.resolve("configs").resolve("learners");
      if (Files.isDirectory(configs)) {
        return configs;
      }
    }
    return null;
  }

  private static Path defaultCache(Path output) {
    String env = System.getenv("CKCOOP_CACHE");
    String property = System.getProperty("ckcoop.cache");
    Path root = env != null && !env.isBlank() ? Path.of(env)
        : property != null && !property.isBlank() ? Path.of(property) : output.resolve("cache");
    return root.toAbsolutePath().normalize().resolve("features");
  }

  private static List<Variant> variants(List<String> learnerNames, SweepGrid grid, LearnerRegistry learners,
      ConfigSchema schema) {
    for (String key : grid.axes().keySet()) {
      if (RUN_KEYS.containsKey(key)) {
        throw new InputException(grid.source() + ": key '" + key + "'", "is set by the study for each run: "
            + RUN_KEYS.get(key));
      }
      if (key.startsWith("study.") || key.startsWith("backbone.")) {
        throw new InputException(grid.source() + ": key '" + key + "'", "is the same for every run of a study;"
            + " a sweep varies run settings (learner.<name>.*, optim.*, train.*, split.*, features.*, datasets.*)");
      }
      if (!schema.keys().contains(key)) {
        try {
          LayeredConfig.builder(schema).override(key + "=" + grid.axes().get(key).get(0)).build();
        } catch (ConfigException e) {
          throw new ConfigException(grid.source(), e.getMessage().replace(" in " + LayeredConfig.OVERRIDES, ""), e);
        }
      }
    }
    Set<String> names = new TreeSet<>(learners.names());
    for (String key : grid.axes().keySet()) {
      for (String name : names) {
        if (key.startsWith("learner." + name + ".") && !learnerNames.contains(name)) {
          throw new InputException(grid.source() + ": key '" + key + "'", "configures learner '" + name
              + "', which is not in study.learners " + learnerNames);
        }
      }
    }
    List<Variant> variants = new ArrayList<>();
    Set<Variant> seen = new LinkedHashSet<>();
    for (String learner : learnerNames) {
      for (Map<String, String> point : grid.points()) {
        Map<String, String> applies = new LinkedHashMap<>();
        point.forEach((key, value) -> {
          if (!otherLearnersKey(key, learner, names)) {
            applies.put(key, value);
          }
        });
        Variant v = new Variant(learner, applies);
        if (seen.add(v)) {
          variants.add(v);
        }
      }
    }
    if (!grid.axes().isEmpty() && variants.stream().allMatch(v -> v.overrides().isEmpty())) {
      throw new InputException(grid.source(), "no key of the grid applies to the study's learners "
          + learnerNames);
    }
    return variants;
  }

  private static boolean otherLearnersKey(String key, String learner, Set<String> names) {
    for (String name : names) {
      if (!name.equals(learner) && key.startsWith("learner." + name + ".")) {
        return true;
      }
    }
    return false;
  }

  private static Path path(LayeredConfig config, String key, String value, Path home) {
    Path p = Path.of(value.trim());
    if (p.isAbsolute()) {
      return p.normalize();
    }
    Path base = config.source(key).equals(LayeredConfig.OVERRIDES) ? Path.of("").toAbsolutePath() : home;
    return base.resolve(p).toAbsolutePath().normalize();
  }

  private static void requireList(String key, List<?> values, String expected) {
    if (values.isEmpty()) {
      throw new InputException(key, "not set; expected " + expected);
    }
    if (new LinkedHashSet<>(values).size() != values.size()) {
      throw new InputException(key + " = " + values, "lists a value twice");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String stem(Path file) {
    String name = Objects.requireNonNull(file.getFileName()).toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
