/**
 * The built-in demo world: what a newcomer without GPU, CLIP weights or datasets needs to see the
 * framework work end to end. Sub-packages: {@code render} draws the procedural images,
 * {@code dataset} writes captions and downstream datasets in the CoOp DATA layout, {@code pretrain}
 * trains the mini-CLIP on the captions with the symmetric contrastive loss.
 */
package org.ckcoop.world;
