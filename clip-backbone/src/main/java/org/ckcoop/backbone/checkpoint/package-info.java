/**
 * Checkpoints researchers already have, read into one canonical form: the architecture (every size
 * comes from the checkpoint; the image tower is a vision transformer, {@link
 * org.ckcoop.backbone.checkpoint.VitShape}, or OpenAI's modified ResNet, {@link
 * org.ckcoop.backbone.checkpoint.ResNetShape}), the image normalisation, and the weights under
 * OpenAI's tensor names as F32 (for a ResNet, with the batch norms' running statistics).
 * {@link org.ckcoop.backbone.checkpoint.CheckpointLayout} implementations read and write the Hugging
 * Face layout (ViT only) and the OpenAI / open_clip layout; errors name the file, the tensor and the
 * expected versus found shape.
 */
package org.ckcoop.backbone.checkpoint;
