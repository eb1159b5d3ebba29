/**
 * The CLIP forward pass on DJL's PyTorch engine: pre-LN residual attention blocks, the ViT image
 * tower and the causal text tower, written as functions of frozen weight arrays so that every result
 * belongs to the caller's NDManager (never to the long-lived weights') and gradients flow only to
 * what the caller marks as trainable.
 */
package org.ckcoop.backbone.model;
