/**
 * The procedural image world: {@link org.ckcoop.world.render.SceneSampler} draws a
 * {@link org.ckcoop.world.render.Scene} (shape, colour, size, place, rotation, background pattern,
 * style, distractor) from a {@link org.ckcoop.world.render.SplitMix64} generator, and
 * {@link org.ckcoop.world.render.SceneRenderer} draws it with its own supersampled geometry. Both use
 * only specified arithmetic (IEEE doubles, {@link java.lang.StrictMath}, this package's generator),
 * so an image depends on its seed alone and is the same on every machine and JDK.
 */
package org.ckcoop.world.render;
