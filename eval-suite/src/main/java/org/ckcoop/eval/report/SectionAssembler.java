package org.ckcoop.eval.report;

import static org.ckcoop.eval.report.ReportSection.ACCURACY;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.HM;
import static org.ckcoop.eval.report.ReportSection.NEW;
import static org.ckcoop.eval.report.ReportSection.TARGET_AVERAGE;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.report.ReportSection.Comparison;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.report.ReportSection.Variant;
import org.ckcoop.eval.result.RunResult;

/**
 * Groups run results into report sections and computes their numbers: seed aggregates, harmonic
 * means, averages, published comparisons, notes. Refuses (an {@link InputException} naming both
 * files) two results for the same variant, dataset, subset and seed that disagree (a different
 * config hash, or the same config with different numbers); warns about runs of one study and
 * protocol on different backbones (reported as separate sections) and about test splits that differ
 * between runs of one section.
 */
final class SectionAssembler {
  private final ReportOptions options;
  private final List<ReportWarning> warnings;
  private final Set<String> reportedDuplicates = new java.util.HashSet<>();

  private SectionAssembler(ReportOptions options, List<ReportWarning> warnings) {
    this.options = options;
    this.warnings = warnings;
  }

  /** One accuracy of one run on one test set. */
  private record Observation(long seed, double value, String source, String configHash, String splitIdentity) {}

  /** Runs of one study, protocol and backbone. */
  private record GroupKey(String study, ReportProtocol protocol, String backboneIdentity) {}

  /** A training setting inside a group: the source dataset (transfer) and the shots (not few-shot). */
  private record Setting(String source, Integer shots) {}

  /**
   * Builds the sections of a report.
   *
   * @param runs the runs, in a fixed order (their sources ascending)
   * @param warnings receives what was skipped or suspicious
   */
  static List<ReportSection> assemble(List<SourcedRun> runs, ReportOptions options, List<ReportWarning> warnings) {
    return new SectionAssembler(options, warnings).assemble(runs);
  }

  private List<ReportSection> assemble(List<SourcedRun> runs) {
    Map<GroupKey, List<SourcedRun>> groups = new TreeMap<>(Comparator.comparing(GroupKey::study)
        .thenComparing(GroupKey::protocol).thenComparing(GroupKey::backboneIdentity));
    Map<GroupKey, RunResult.BackboneInfo> backbones = new LinkedHashMap<>();
    for (SourcedRun r : runs) {
      String problem = ResultScan.problem(r.run());
      if (problem != null) {
        warnings.add(new ReportWarning(r.source(), "skipped, incomplete run result: " + problem));
        continue;
      }
      RunResult run = r.run();
      GroupKey key = new GroupKey(run.study(), ReportProtocol.fromFileName(run.protocol()).orElseThrow(), run.backbone().identity());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      backbones.putIfAbsent(key, run.backbone());
    }
    warnAboutMixedBackbones(groups.keySet(), backbones);

    List<ReportSection> sections = new ArrayList<>();
    for (Map.Entry<GroupKey, List<SourcedRun>> group : groups.entrySet()) {
      GroupKey g = group.getKey();
      Map<Setting, List<SourcedRun>> settings = new TreeMap<>(Comparator
          .comparing((Setting s) -> s.source() == null ? "" : s.source(), DatasetNames.ORDER)
          .thenComparing(s -> s.shots() == null ? -1 : s.shots()));
      List<SourcedRun> zeroShot = new ArrayList<>();
      for (SourcedRun r : group.getValue()) {
        if (trains(r.run())) {
          Setting s = switch (g.protocol()) {
            case FEW_SHOT -> new Setting(null, null);
            case BASE2NEW -> new Setting(null, r.run().shots());
            case CROSS_DATASET, DOMAIN_GENERALIZATION -> new Setting(DatasetNames.canonical(r.run().trainDataset()), r.run().shots());
          };
          settings.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
        } else {
          zeroShot.add(r);
        }
      }
      if (settings.isEmpty()) {
        settings.put(new Setting(null, null), new ArrayList<>());
      }
      for (Map.Entry<Setting, List<SourcedRun>> s : settings.entrySet()) {
        List<SourcedRun> members = new ArrayList<>(s.getValue());
        members.addAll(zeroShot);
        members.sort(Comparator.comparing(SourcedRun::source));
        sections.add(section(g, backbones.get(g), s.getKey(), members));
      }
    }
    return withUniqueStems(sections);
  }

  private void warnAboutMixedBackbones(Set<GroupKey> keys, Map<GroupKey, RunResult.BackboneInfo> backbones) {
    Map<String, List<GroupKey>> byStudyProtocol = new TreeMap<>();
    for (GroupKey k : keys) {
      byStudyProtocol.computeIfAbsent(k.study() + " / " + k.protocol(), x -> new ArrayList<>()).add(k);
    }
    byStudyProtocol.forEach((name, list) -> {
      if (list.size() > 1) {
        warnings.add(new ReportWarning("", "study " + name + " has runs on " + list.size() + " different backbones ("
            + list.stream().map(k -> describe(backbones.get(k))).collect(Collectors.joining("; "))
            + "): they are reported as separate sections, never averaged together"));
      }
    });
  }

  private static String describe(RunResult.BackboneInfo b) {
    return (b.name() == null ? "" : b.name() + " ") + "identity " + b.identity().substring(0, Math.min(12, b.identity().length()));
  }

  private static boolean trains(RunResult run) {
    return run.trainDataset() != null && !run.trainDataset().isBlank();
  }

  private ReportSection section(GroupKey g, RunResult.BackboneInfo backbone, Setting setting, List<SourcedRun> runs) {
    ReportProtocol protocol = g.protocol();
    Map<Key, Map<Long, Observation>> observations = new LinkedHashMap<>();
    Map<String, Variant> variants = new LinkedHashMap<>();
    Map<String, Map<String, String>> splitIdentities = new TreeMap<>();
    Set<Long> trainedSeeds = new TreeSet<>();
    Map<String, Set<Long>> seedsOfVariant = new TreeMap<>();
    Map<Key, Map<Long, String>> divergedRuns = new LinkedHashMap<>();
    List<String> studyOrder = new ArrayList<>();
    for (SourcedRun r : runs) {
      RunResult run = r.run();
      run.studyVariants().stream().filter(v -> !studyOrder.contains(v)).forEach(studyOrder::add);
      boolean trains = trains(run);
      if (run.diverged()) {
        variants.merge(run.variant(), new Variant(run.variant(), run.learner(), true),
            (a, b) -> new Variant(a.name(), a.learner(), true));
        trainedSeeds.add(run.seed());
        seedsOfVariant.computeIfAbsent(run.variant(), v -> new TreeSet<>()).add(run.seed());
        for (RunResult.TestSet t : run.divergence().testSets()) {
          String quantity = quantity(protocol, t.subset());
          if (quantity != null) {
            Key key = new Key(run.variant(), DatasetNames.canonical(t.dataset()), quantity,
                protocol == ReportProtocol.FEW_SHOT ? run.shots() : 0);
            divergedRuns.computeIfAbsent(key, k -> new TreeMap<>()).put(run.seed(), r.source());
          }
        }
        continue;
      }
      variants.merge(run.variant(), new Variant(run.variant(), run.learner(), trains),
          (a, b) -> new Variant(a.name(), a.learner(), a.trains() || b.trains()));
      if (trains) {
        trainedSeeds.add(run.seed());
      }
      seedsOfVariant.computeIfAbsent(run.variant(), v -> new TreeSet<>()).add(run.seed());
      String configHash = run.provenance() == null ? null : run.provenance().configHash();
      for (RunResult.TestResult t : run.tests()) {
        String quantity;
        if (protocol == ReportProtocol.BASE2NEW) {
          if (t.subset().equals("all")) {
            continue;
          }
          quantity = t.subset();
        } else {
          if (!t.subset().equals("all")) {
            continue;
          }
          quantity = ACCURACY;
        }
        int shots = protocol == ReportProtocol.FEW_SHOT ? (trains ? run.shots() : 0) : 0;
        String dataset = DatasetNames.canonical(t.dataset());
        Key key = new Key(run.variant(), dataset, quantity, shots);
        Observation o = new Observation(run.seed(), options.metric().of(t), r.source(), configHash, t.splitIdentity());
        Observation before = observations.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(run.seed(), o);
        if (before != null) {
          duplicate(key, before, o);
        }
        splitIdentities.computeIfAbsent(dataset + " " + t.subset(), k -> new TreeMap<>())
            .putIfAbsent(String.valueOf(t.splitIdentity()), r.source());
      }
    }
    splitIdentities.forEach((what, ids) -> {
      if (ids.size() > 1) {
        warnings.add(new ReportWarning("", "study " + g.study() + " / " + protocol + ": the " + what + " test split differs between runs ("
            + ids.entrySet().stream().map(e -> e.getValue() + " has " + shortId(e.getKey())).collect(Collectors.joining(", "))
            + "): these learners were not evaluated on identical data"));
      }
    });

    List<Variant> orderedVariants = variants.values().stream().sorted(variantOrder(studyOrder)).toList();
    Set<String> datasetSet = new TreeSet<>(DatasetNames.ORDER);
    observations.keySet().forEach(k -> datasetSet.add(k.dataset()));
    divergedRuns.keySet().forEach(k -> datasetSet.add(k.dataset()));
    List<String> datasets = new ArrayList<>();
    if (setting.source() != null) {
      datasets.add(setting.source());
    }
    datasetSet.stream().filter(d -> !d.equals(setting.source())).forEach(datasets::add);
    List<Integer> shotCounts = protocol == ReportProtocol.FEW_SHOT
        ? java.util.stream.Stream.concat(observations.keySet().stream(), divergedRuns.keySet().stream()).map(Key::shots)
            .distinct().sorted().toList() : List.of();

    // Seed aggregates, in table order.
    Map<Key, Figure> figures = new LinkedHashMap<>();
    List<String> quantities = protocol == ReportProtocol.BASE2NEW ? List.of(BASE, NEW) : List.of(ACCURACY);
    List<Integer> shotKeys = shotCounts.isEmpty() ? List.of(0) : shotCounts;
    for (Variant v : orderedVariants) {
      int expected = v.trains() ? trainedSeeds.size() : seedsOfVariant.get(v.name()).size();
      for (String d : datasets) {
        for (int shots : shotKeys) {
          for (String q : quantities) {
            Map<Long, Observation> obs = observations.get(new Key(v.name(), d, q, shots));
            if (obs != null) {
              List<Observation> list = new ArrayList<>(obs.values());
              figures.put(new Key(v.name(), d, q, shots), Figure.ofSeeds(list.stream().map(Observation::seed).toList(),
                  list.stream().map(Observation::value).toList(), expected, list.stream().map(Observation::source).toList()));
            }
          }
        }
      }
    }
    // A cell with a diverged seed shows "diverged", never the mean of the other seeds; so do the HM
    // and the averages that would be computed from it.
    divergedRuns.keySet().forEach(figures::remove);
    Map<Key, Figure> all = derive(protocol, orderedVariants, datasets, setting.source(), shotKeys, figures);
    Map<Key, java.util.SortedSet<String>> diverged = divergedCells(protocol, orderedVariants, datasets, setting.source(),
        shotKeys, divergedRuns);
    diverged.keySet().forEach(all::remove);

    List<String> notes = new ArrayList<>();
    divergedNotes(orderedVariants, divergedRuns, notes);
    Map<Key, Map<Long, Observation>> measuredOrDiverged = new LinkedHashMap<>(observations);
    divergedRuns.keySet().forEach(k -> measuredOrDiverged.putIfAbsent(k, Map.of()));
    missingNotes(protocol, orderedVariants, datasets, shotKeys, quantities, all, measuredOrDiverged, trainedSeeds,
        seedsOfVariant, diverged.keySet(), notes);
    Map<Key, Comparison> comparisons = new LinkedHashMap<>();
    Optional<PublishedNumbers.Table> table = compare(protocol, backbone, setting, orderedVariants, datasets, all, comparisons, notes);

    return new ReportSection(g.study(), protocol, backbone, setting.source(), setting.shots(), orderedVariants, datasets,
        protocol == ReportProtocol.FEW_SHOT ? shotCounts : List.of(), List.copyOf(displaySeeds(trainedSeeds, seedsOfVariant)), all, comparisons, table, notes,
        slug(g.study()) + "-" + protocol.fileName(), diverged);
  }

  /** Returns the quantity a test subset feeds in a protocol's tables, or null when it feeds none. */
  private static String quantity(ReportProtocol protocol, String subset) {
    if (protocol == ReportProtocol.BASE2NEW) {
      return subset.equals("all") ? null : subset;
    }
    return subset.equals("all") ? ACCURACY : null;
  }

  /**
   * Returns the cells that show {@code diverged}: those with a diverged seed, and the HM and averages
   * with such a cell among their parts, each with the diverged run files behind it.
   */
  private static Map<Key, java.util.SortedSet<String>> divergedCells(ReportProtocol protocol, List<Variant> variants,
      List<String> datasets, String source, List<Integer> shotKeys, Map<Key, Map<Long, String>> divergedRuns) {
    Map<Key, java.util.SortedSet<String>> out = new LinkedHashMap<>();
    divergedRuns.forEach((k, seeds) -> out.put(k, new TreeSet<>(seeds.values())));
    for (Variant v : variants) {
      String name = v.name();
      switch (protocol) {
        case BASE2NEW -> {
          for (String d : datasets) {
            mergeDiverged(out, new Key(name, d, HM, 0), List.of(new Key(name, d, BASE, 0), new Key(name, d, NEW, 0)));
          }
          if (datasets.size() > 1) {
            List<Key> bases = datasets.stream().map(d -> new Key(name, d, BASE, 0)).toList();
            List<Key> news = datasets.stream().map(d -> new Key(name, d, NEW, 0)).toList();
            mergeDiverged(out, new Key(name, AVERAGE, BASE, 0), bases);
            mergeDiverged(out, new Key(name, AVERAGE, NEW, 0), news);
            mergeDiverged(out, new Key(name, AVERAGE, HM, 0),
                List.of(new Key(name, AVERAGE, BASE, 0), new Key(name, AVERAGE, NEW, 0)));
          }
        }
        case CROSS_DATASET, DOMAIN_GENERALIZATION -> {
          if (source != null) {
            mergeDiverged(out, new Key(name, TARGET_AVERAGE, ACCURACY, 0), datasets.stream().filter(d -> !d.equals(source))
                .map(d -> new Key(name, d, ACCURACY, 0)).toList());
          }
        }
        case FEW_SHOT -> {
          if (datasets.size() > 1) {
            for (int k : shotKeys) {
              mergeDiverged(out, new Key(name, AVERAGE, ACCURACY, k),
                  datasets.stream().map(d -> new Key(name, d, ACCURACY, k)).toList());
            }
          }
        }
        default -> throw new IllegalStateException(protocol.toString());
      }
    }
    return out;
  }

  private static void mergeDiverged(Map<Key, java.util.SortedSet<String>> diverged, Key derived, List<Key> parts) {
    java.util.SortedSet<String> runs = new TreeSet<>();
    parts.stream().map(diverged::get).filter(Objects::nonNull).forEach(runs::addAll);
    if (!runs.isEmpty()) {
      diverged.computeIfAbsent(derived, k -> new TreeSet<>()).addAll(runs);
    }
  }

  private static void divergedNotes(List<Variant> variants, Map<Key, Map<Long, String>> divergedRuns, List<String> notes) {
    for (Variant v : variants) {
      Map<String, Set<String>> runsByCell = new LinkedHashMap<>();
      Set<String> files = new TreeSet<>();
      divergedRuns.forEach((k, seeds) -> {
        if (k.variant().equals(v.name())) {
          String cell = k.dataset() + (k.quantity().equals(ACCURACY) ? "" : " " + k.quantity())
              + (k.shots() > 0 ? " " + k.shots() + "-shot" : "");
          runsByCell.computeIfAbsent(cell, c -> new TreeSet<>()).addAll(seeds.keySet().stream().map(String::valueOf).toList());
          files.addAll(seeds.values());
        }
      });
      if (!runsByCell.isEmpty()) {
        notes.add(v.name() + ": training diverged for " + runsByCell.entrySet().stream()
            .map(e -> e.getKey() + " (seed" + (e.getValue().size() > 1 ? "s " : " ") + String.join(", ", e.getValue()) + ")")
            .collect(Collectors.joining(", ")) + "; those cells, and the HM and averages computed from them, show"
            + " diverged, not the other seeds' mean (" + String.join(", ", files) + ").");
      }
    }
  }

  private static Set<Long> displaySeeds(Set<Long> trainedSeeds, Map<String, Set<Long>> seedsOfVariant) {
    if (!trainedSeeds.isEmpty()) {
      return trainedSeeds;
    }
    Set<Long> all = new TreeSet<>();
    seedsOfVariant.values().forEach(all::addAll);
    return all;
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(12, id.length()));
  }

  private void duplicate(Key key, Observation a, Observation b) {
    String where = key.variant() + " on " + key.dataset() + " " + key.quantity()
        + (key.shots() > 0 ? " (" + key.shots() + " shots)" : "") + ", seed " + a.seed();
    if (!Objects.equals(a.configHash(), b.configHash())) {
      throw new InputException(a.source() + " and " + b.source(), "two results for " + where + " from different configurations"
          + " (config hash " + a.configHash() + " vs " + b.configHash() + "): the variant label names two configurations, so"
          + " the report cannot tell which one the column is; remove the stale run or give the other configuration its own variant");
    }
    if (Double.compare(a.value(), b.value()) != 0) {
      throw new InputException(a.source() + " and " + b.source(), "two results for " + where + " with the same config hash "
          + a.configHash() + " but different accuracies (" + a.value() + " vs " + b.value() + "); remove one of them");
    }
    // An exact duplicate (a copied folder, or a second copy of a run file): counted once, and said so.
    if (reportedDuplicates.add(a.source() + "\n" + b.source())) {
      warnings.add(new ReportWarning(b.source(), "the same run as " + a.source() + " (same config hash and accuracies for "
          + where + "): counted once"));
    }
  }

  /**
   * Orders variants as their study lists them ({@code study.learners}, sweep points in grid order,
   * recorded in each {@code run.json}); a variant the order does not name follows its learner's
   * plain variant when the order names that, else comes after all of them; ties by learner, then label
   * (results written before the order was recorded are ordered by learner, then label).
   */
  static Comparator<Variant> variantOrder(List<String> studyOrder) {
    return Comparator
        .comparingDouble((Variant v) -> {
          int i = studyOrder.indexOf(v.name());
          if (i >= 0) {
            return i;
          }
          int learner = studyOrder.indexOf(v.learner());
          return learner >= 0 ? learner + 0.5 : studyOrder.size();
        })
        .thenComparing(Variant::learner)
        .thenComparing(Variant::name);
  }

  private static Map<Key, Figure> derive(ReportProtocol protocol, List<Variant> variants, List<String> datasets, String source,
      List<Integer> shotKeys, Map<Key, Figure> measured) {
    Map<Key, Figure> all = new LinkedHashMap<>();
    for (Variant v : variants) {
      String name = v.name();
      switch (protocol) {
        case BASE2NEW -> {
          for (String d : datasets) {
            Figure b = measured.get(new Key(name, d, BASE, 0));
            Figure n = measured.get(new Key(name, d, NEW, 0));
            put(all, new Key(name, d, BASE, 0), b);
            put(all, new Key(name, d, NEW, 0), n);
            if (b != null && n != null) {
              all.put(new Key(name, d, HM, 0), Figure.derived(Figure.harmonicMean(b.value(), n.value()), List.of(b, n)));
            }
          }
          List<Figure> bases = present(datasets.stream().map(d -> measured.get(new Key(name, d, BASE, 0))).toList());
          List<Figure> news = present(datasets.stream().map(d -> measured.get(new Key(name, d, NEW, 0))).toList());
          if (datasets.size() > 1 && bases.size() == datasets.size() && news.size() == datasets.size()) {
            Figure avgBase = Figure.derived(Figure.mean(Figure.valuesOf(bases)), bases);
            Figure avgNew = Figure.derived(Figure.mean(Figure.valuesOf(news)), news);
            all.put(new Key(name, AVERAGE, BASE, 0), avgBase);
            all.put(new Key(name, AVERAGE, NEW, 0), avgNew);
            all.put(new Key(name, AVERAGE, HM, 0),
                Figure.derived(Figure.harmonicMean(avgBase.value(), avgNew.value()), List.of(avgBase, avgNew)));
          }
        }
        case CROSS_DATASET, DOMAIN_GENERALIZATION -> {
          for (String d : datasets) {
            put(all, new Key(name, d, ACCURACY, 0), measured.get(new Key(name, d, ACCURACY, 0)));
          }
          if (source != null) {
            List<String> targets = datasets.stream().filter(d -> !d.equals(source)).toList();
            List<Figure> parts = present(targets.stream().map(d -> measured.get(new Key(name, d, ACCURACY, 0))).toList());
            if (!targets.isEmpty() && parts.size() == targets.size()) {
              all.put(new Key(name, TARGET_AVERAGE, ACCURACY, 0), Figure.derived(Figure.mean(Figure.valuesOf(parts)), parts));
            }
          }
        }
        case FEW_SHOT -> {
          for (String d : datasets) {
            for (int k : shotKeys) {
              put(all, new Key(name, d, ACCURACY, k), measured.get(new Key(name, d, ACCURACY, k)));
            }
          }
          for (int k : shotKeys) {
            int shots = k;
            List<Figure> parts = present(datasets.stream().map(d -> measured.get(new Key(name, d, ACCURACY, shots))).toList());
            if (datasets.size() > 1 && parts.size() == datasets.size()) {
              all.put(new Key(name, AVERAGE, ACCURACY, k), Figure.derived(Figure.mean(Figure.valuesOf(parts)), parts));
            }
          }
        }
        default -> throw new IllegalStateException(protocol.toString());
      }
    }
    return all;
  }

  private static void put(Map<Key, Figure> map, Key key, Figure f) {
    if (f != null) {
      map.put(key, f);
    }
  }

  private static List<Figure> present(List<Figure> figures) {
    return figures.stream().filter(Objects::nonNull).toList();
  }

  private static void missingNotes(ReportProtocol protocol, List<Variant> variants, List<String> datasets, List<Integer> shotKeys,
      List<String> quantities, Map<Key, Figure> figures, Map<Key, Map<Long, Observation>> observations, Set<Long> trainedSeeds,
      Map<String, Set<Long>> seedsOfVariant, Set<Key> diverged, List<String> notes) {
    String averageName = protocol.transfers() ? "target average" : "average";
    for (Variant v : variants) {
      Set<Integer> variantShots = new TreeSet<>();
      observations.keySet().stream().filter(k -> k.variant().equals(v.name())).forEach(k -> variantShots.add(k.shots()));
      List<String> missing = new ArrayList<>();
      Map<String, List<String>> missingSeeds = new LinkedHashMap<>();
      Set<Long> expectedSeeds = v.trains() ? trainedSeeds : seedsOfVariant.get(v.name());
      for (String d : datasets) {
        for (int k : shotKeys) {
          if (protocol == ReportProtocol.FEW_SHOT && !variantShots.contains(k)) {
            continue;
          }
          List<String> absent = new ArrayList<>();
          for (String q : quantities) {
            Key key = new Key(v.name(), d, q, k);
            if (diverged.contains(key)) {
              continue;
            }
            Map<Long, Observation> obs = observations.get(key);
            String label = d + (quantities.size() > 1 ? " " + q : "") + (protocol == ReportProtocol.FEW_SHOT ? " " + k + "-shot" : "");
            if (obs == null) {
              absent.add(label);
            } else if (obs.size() < expectedSeeds.size()) {
              Set<Long> lacking = new TreeSet<>(expectedSeeds);
              lacking.removeAll(obs.keySet());
              missingSeeds.computeIfAbsent(lacking.stream().map(String::valueOf).collect(Collectors.joining(", ")),
                  x -> new ArrayList<>()).add(label);
            }
          }
          missing.addAll(absent);
        }
      }
      if (!missing.isEmpty()) {
        notes.add(v.name() + ": no result for " + String.join(", ", missing) + "; its " + averageName
            + (protocol == ReportProtocol.FEW_SHOT ? " for those shots is" : " is") + " not computed.");
      }
      missingSeeds.forEach((seeds, cells) -> notes.add(v.name() + ": seed" + (seeds.contains(",") ? "s " : " ") + seeds
          + " missing for " + String.join(", ", cells) + " (marked n=k/K: averaged over the seeds present).")) ;
    }
  }

  private Optional<PublishedNumbers.Table> compare(ReportProtocol protocol, RunResult.BackboneInfo backbone, Setting setting,
      List<Variant> variants, List<String> datasets, Map<Key, Figure> figures, Map<Key, Comparison> comparisons, List<String> notes) {
    PublishedNumbers published = options.published();
    List<PublishedNumbers.Table> tables = published.tables(protocol);
    if (tables.isEmpty()) {
      return Optional.empty();
    }
    String why = null;
    for (PublishedNumbers.Table table : tables) {
      if (!table.architecture().equals(backbone.architecture())) {
        why = "Published numbers (" + table.backbone() + ") are not shown: this backbone's architecture is " + backbone.architecture()
            + ", theirs " + table.architecture() + ".";
        continue;
      }
      if (setting.shots() != null && setting.shots() != table.shots()) {
        why = "Published numbers are not shown: they are for " + table.shots() + " shots, these runs trained on " + setting.shots() + ".";
        continue;
      }
      String ourSource = setting.source() == null ? null : published.tableDataset(setting.source()).orElse(setting.source());
      if (table.sourceDataset() != null && !table.sourceDataset().equals(ourSource)) {
        why = "Published numbers are not shown: they are for training on " + table.sourceDataset() + ", these runs trained on "
            + (setting.source() == null ? "(no training run)" : setting.source()) + ".";
        continue;
      }
      apply(protocol, table, variants, datasets, setting.source(), figures, comparisons, notes);
      return Optional.of(table);
    }
    notes.add(why);
    return Optional.empty();
  }

  private void apply(ReportProtocol protocol, PublishedNumbers.Table table, List<Variant> variants, List<String> datasets, String source,
      Map<Key, Figure> figures, Map<Key, Comparison> comparisons, List<String> notes) {
    PublishedNumbers published = options.published();
    List<String> quantities = protocol == ReportProtocol.BASE2NEW ? List.of(BASE, NEW, HM) : List.of(ACCURACY);
    Set<String> ourAveraged = new LinkedHashSet<>();
    datasets.stream().filter(d -> !d.equals(source)).forEach(d -> ourAveraged.add(published.tableDataset(d).orElse(d)));
    boolean averageComparable = ourAveraged.equals(table.averagedDatasets());
    String averageName = protocol.transfers() ? TARGET_AVERAGE : AVERAGE;
    boolean any = false;
    for (Variant v : variants) {
      Optional<String> method = published.method(v.learner()).filter(m -> table.methods().contains(m));
      if (method.isEmpty()) {
        continue;
      }
      any = true;
      List<String> rows = new ArrayList<>(datasets);
      rows.add(averageName);
      for (String d : rows) {
        boolean average = d.equals(averageName);
        if (average && !averageComparable) {
          continue;
        }
        String tableDataset = average ? d : published.tableDataset(d).orElse(null);
        if (tableDataset == null) {
          continue;
        }
        for (String q : quantities) {
          OptionalDouble value = table.value(method.get(), tableDataset, q);
          if (value.isPresent()) {
            Key key = new Key(v.name(), d, q, 0);
            comparisons.put(key, new Comparison(method.get(), key, tableDataset, value.getAsDouble(),
                Optional.ofNullable(figures.get(key)), table.id()));
          }
        }
      }
    }
    if (!any) {
      return;
    }
    notes.add("Published: " + sentence(table.source()) + " Status: " + sentence(table.status()) + " Δ = ours - published.");
    if (!averageComparable) {
      notes.add(String.format(Locale.ROOT, "The published %s is over %d datasets (%s); this section has %s, so %s is not compared.",
          averageName.toLowerCase(Locale.ROOT), table.averagedDatasets().size(), String.join(", ", table.averagedDatasets()),
          ourAveraged.isEmpty() ? "none" : String.join(", ", ourAveraged), "its " + averageName.toLowerCase(Locale.ROOT)));
    }
  }

  private static String sentence(String s) {
    String t = s.trim();
    return t.endsWith(".") ? t : t + ".";
  }

  /** Makes the file stems unique: sections sharing study and protocol get their source, shots and backbone appended. */
  private static List<ReportSection> withUniqueStems(List<ReportSection> sections) {
    Map<String, Long> counts = sections.stream().collect(Collectors.groupingBy(ReportSection::stem, Collectors.counting()));
    List<ReportSection> out = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    for (ReportSection s : sections) {
      String stem = s.stem();
      if (counts.get(stem) > 1) {
        StringBuilder b = new StringBuilder(stem);
        s.sourceDataset().ifPresent(d -> b.append("-from-").append(slug(d)));
        s.shots().ifPresent(k -> b.append('-').append(k).append("shot"));
        b.append('-').append(slug(shortId(s.backbone().identity())));
        stem = b.toString();
      }
      String unique = stem;
      for (int i = 2; !used.add(unique); i++) {
        unique = stem + "-" + i;
      }
      out.add(unique.equals(s.stem()) ? s : s.withStem(unique));
    }
    return out;
  }

  /** Returns a file-name-safe lower-case form of a name. */
  static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "study" : s;
  }
}
