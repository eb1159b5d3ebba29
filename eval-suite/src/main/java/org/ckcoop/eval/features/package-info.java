/**
 * The image-feature cache of a study: frozen CLIP image features computed once and reused by every
 * learner, seed and run.
 *
 * <p>All learners see an image only through its frozen image feature, so a study encodes each image
 * list once per {@link org.ckcoop.eval.features.FeatureView view} (CLIP's test preprocessing, or one
 * seeded CoOp training augmentation) and trains and evaluates from those features
 * ({@link org.ckcoop.core.train.CachedFeatures}). A {@link org.ckcoop.eval.features.FeatureStore}
 * keeps them in memory for the process and on disk for later processes and other machines: an entry
 * is keyed by the backbone identity, the view (its preprocessing) and the content hashes of the images
 * in order ({@link org.ckcoop.eval.features.ImageIdentities}), written atomically, and checked on every
 * read (format, key, shape and a SHA-256 of the values); a corrupt or partial entry is rebuilt, never
 * used.
 *
 * <pre>{@code
 * FeatureStore store = new FeatureStore(cacheDir, backbone, 32);
 * float[] test = store.features(testImages, FeatureView.TEST, n -> { });          // [N, embed]
 * float[] view0 = store.features(trainImages, FeatureView.augmented(1, 0), n -> { });
 * }</pre>
 */
package org.ckcoop.eval.features;
