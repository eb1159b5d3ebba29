/**
 * The quantized dictionary of CK-CoOp: k-means over the rows of a backbone's token-embedding table.
 *
 * <p>{@link org.ckcoop.dictionary.KMeans} clusters a row-major float table with
 * {@link org.ckcoop.dictionary.KMeansOptions} (k-means++ seeding on a seeded subsample, Lloyd
 * iterations with distances and argmin on the DJL engine) and returns a
 * {@link org.ckcoop.dictionary.QuantizedDictionary}: {@code D_com} [k, width] with its provenance
 * and a cache key built from the table's SHA-256 ({@link org.ckcoop.dictionary.TableDigest}) and the
 * options. This module is pure: it depends on DJL only; saving and caching the dictionary as
 * safetensors is the caller's job.
 */
package org.ckcoop.dictionary;
