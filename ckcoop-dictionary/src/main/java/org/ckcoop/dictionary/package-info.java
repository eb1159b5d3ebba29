/**
 * The quantized dictionary: k-means over the rows of a backbone's token-embedding table (to be built by the CK-CoOp issue).
 */
package org.ckcoop.dictionary;
