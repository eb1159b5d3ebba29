package org.ckcoop.world.render;

/**
 * Where an object is drawn, in reference units (the image is 32 units wide whatever its pixel size).
 *
 * @param centreX centre, 0 at the left edge
 * @param centreY centre, 0 at the top edge
 * @param radius radius of the circle that holds the shape
 * @param rotation clockwise rotation in radians
 */
public record Placement(double centreX, double centreY, double radius, double rotation) {}
