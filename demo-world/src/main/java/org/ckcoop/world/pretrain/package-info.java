/**
 * Contrastive pretraining of a mini-CLIP on a {@link org.ckcoop.world.CaptionedImages} corpus (the
 * world's by default): CLIP's symmetric InfoNCE loss, AdamW with warm-up and cosine decay on the
 * engine's device, seeded and bit-reproducible, resumable from a state file, writing a Hugging Face
 * checkpoint folder that {@code ClipBackbone} loads like any other. See docs/pretrain.md.
 */
package org.ckcoop.world.pretrain;
