/**
 * The field's datasets, and few-shot splits that are identical for every learner.
 *
 * <h2>Reading a dataset</h2>
 *
 * {@link org.ckcoop.eval.data.DatasetRegistry} maps a name ({@code dataset.name}) to a
 * {@link org.ckcoop.eval.data.DatasetReader}, which reads the CoOp {@code DATA} layout researchers
 * already have: ImageNet (official folders, val as the test set, names from {@code classnames.txt}),
 * Caltech101, OxfordPets, StanfordCars, OxfordFlowers, Food101, SUN397, DescribableTextures, EuroSAT
 * and UCF101 (from their {@code split_zhou_<Name>.json}), FGVCAircraft (official variant files), the
 * test-only ImageNetV2, ImageNetSketch, ImageNetA and ImageNetR, plus the generic {@code image-folder}
 * and {@code split-file} datasets. Each carries its {@link org.ckcoop.eval.data.ZeroShotTemplate} and
 * {@link org.ckcoop.eval.data.ClassNameCleaning}. A reader returns
 * {@link org.ckcoop.eval.data.DatasetSplits} only after checking everything a run needs, so a bad
 * dataset fails before any training starts, with a {@link org.ckcoop.eval.data.DatasetException} (an
 * {@link org.ckcoop.common.InputException}) whose message starts with the file and entry: missing
 * images ({@link org.ckcoop.eval.data.MissingImagesException}: how many, the first few, the split
 * file), a malformed split file (which entry, what was expected), a label whose class name disagrees
 * with another entry, a val or test class that is not a training class, labels that do not form a
 * class list {@code 0..n-1}.
 *
 * <p>Built-in readers are an explicit list in the registry rather than classes that register
 * themselves when loaded: Dassl's registries fill up as a side effect of imports, and a forgotten
 * import surfaces only at run time. Other jars add readers through {@link java.util.ServiceLoader}
 * ({@link org.ckcoop.eval.data.DatasetRegistry#discover()}), as learner plugins do.
 *
 * <h2>Splits identical for every learner</h2>
 *
 * {@link org.ckcoop.eval.data.FewShotSampler} draws Dassl's subsets from the same lists: it replays
 * {@code random.seed(seed)} and {@code generate_fewshot_dataset} (train with {@code K} shots, then
 * val with {@code min(K, 4)}, on one stream) with {@link org.ckcoop.eval.data.PythonRandom}, a
 * bit-exact copy of CPython's Mersenne Twister, {@code getrandbits}, {@code _randbelow},
 * {@code sample} and {@code choices} (checked against CPython 3.6 to 3.13). What is and is not
 * reproduced is listed on the sampler: the subsets are identical to Dassl's for the 10 split-file
 * datasets; ImageNet matches Dassl when its few-shot cache is present, otherwise it is sampled from
 * the class folders in sorted order (Dassl takes them in directory order, which is not portable).
 * {@link org.ckcoop.eval.data.SplitStore} writes each sampled
 * (dataset, shots, seed) split once, atomically, as canonical JSON that records the source split's
 * hash, the shots, the seed and the sampler version; the file's SHA-256 is the split's identity
 * ({@link org.ckcoop.eval.data.FewShotSplit#identity()}), which every result records. A later run
 * reuses the file after checking it; a corrupt, edited or mismatching file is an error, never used.
 *
 * <h2>CoOp's few-shot cache</h2>
 *
 * When the user's CoOp (Dassl) runs left {@code <dataset folder>/split_fewshot/shot_<K>-seed_<S>.pkl}
 * (ImageNet and the ten split-file datasets), {@link org.ckcoop.eval.data.SplitStore} trains on
 * exactly its items, in its order ({@code DasslFewShotCache}), read with an
 * allow-list unpickler that refuses every global but Dassl's {@code Datum}
 * ({@code DasslPickleFile}). The split's identity is then the hash of the split
 * file that would hold those items (equal to the sampler's when they are what the sampler draws), and
 * {@link org.ckcoop.eval.data.FewShotSource} records the pickle and its SHA-256, or the sampler and
 * split file, in every result.
 * {@link org.ckcoop.eval.data.Subsample} then applies the base-to-new rule (first {@code ceil(n/2)}
 * sorted labels vs the rest, relabelled from 0) to the sampled split, as CoOp does.
 *
 * <h2>Configuration</h2>
 *
 * {@link org.ckcoop.eval.data.DataSettings} defines the {@code dataset.*} and {@code split.*} config
 * sections; the few-shot seed ({@code split.seed}) is separate from the training seed.
 *
 * <pre>{@code
 * FewShotSplit split = DataSettings.prepare(run.settings(DataSettings.DATASET),
 *     run.settings(DataSettings.SPLIT), DatasetRegistry.discover());
 * DatasetSplits base = split.subsample(Subsample.BASE);     // train here
 * DatasetSplits novel = split.subsample(Subsample.NEW);     // test here
 * result.put("split_identity", split.identity());
 * }</pre>
 */
package org.ckcoop.eval.data;
