/**
 * Checkpoints researchers already have, read into one canonical form: the architecture (every size
 * comes from the checkpoint), the image normalisation, and the weights under OpenAI's tensor names
 * as F32. {@link org.ckcoop.backbone.checkpoint.CheckpointLayout} implementations read and write
 * the Hugging Face layout and the OpenAI / open_clip layout; errors name the file, the tensor and
 * the expected versus found shape.
 */
package org.ckcoop.backbone.checkpoint;
