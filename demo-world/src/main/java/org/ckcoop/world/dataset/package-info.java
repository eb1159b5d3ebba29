/**
 * Captions and datasets of the built-in world. {@link org.ckcoop.world.dataset.WorldCorpus} is the
 * pretraining corpus (an {@link org.ckcoop.world.CaptionedImages}: scene, image and caption by
 * index, captions by {@link org.ckcoop.world.dataset.CaptionWriter}).
 * {@link org.ckcoop.world.dataset.WorldDatasets} writes the downstream datasets
 * ({@link org.ckcoop.world.dataset.DatasetRecipe}s) in CoOp's DATA layout with split files in the
 * {@code split_zhou} format, atomically per dataset, and records them in a
 * {@link org.ckcoop.world.dataset.WorldManifest}. Why the datasets are built as they are (a default
 * template that fits their domain poorly, colour-disjoint base and new classes) is in docs/world.md.
 */
package org.ckcoop.world.dataset;
