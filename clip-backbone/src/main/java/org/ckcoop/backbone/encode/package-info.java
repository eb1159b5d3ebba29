/**
 * Batch encoding of image files and texts into CLIP features, and the feature file the
 * {@code encode} command writes (safetensors with provenance metadata).
 */
package org.ckcoop.backbone.encode;
