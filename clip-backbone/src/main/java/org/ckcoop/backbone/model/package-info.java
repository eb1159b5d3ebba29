/**
 * The CLIP forward pass on DJL's PyTorch engine: pre-LN residual attention blocks, the image towers
 * (the vision transformer, {@code VitImageTower}, and OpenAI's modified ResNet with eval-mode batch
 * norm and an attention pool, {@code ResNetImageTower}, behind one {@code ImageTower} seam chosen by
 * the architecture) and the causal text tower, written as functions of weight arrays so that every
 * result belongs to the caller's NDManager (never to the long-lived weights') and gradients flow only
 * to what is marked as trainable. The towers take their arrays from a {@code TowerWeights}: frozen
 * uploads for the backbone ({@link org.ckcoop.backbone.model.ClipNetwork}), or trainable leaves for
 * contrastive pretraining of ViT CLIPs ({@link org.ckcoop.backbone.model.TrainableClipNetwork}), whose
 * snapshot is a checkpoint in canonical form.
 */
package org.ckcoop.backbone.model;
