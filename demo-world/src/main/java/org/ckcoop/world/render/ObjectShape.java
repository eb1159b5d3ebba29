package org.ckcoop.world.render;

/**
 * The eight object shapes, in the order of their words. Each is defined in a unit space (centre at
 * the origin, y pointing down, the shape inside the unit circle) by its exact signed distance
 * function: negative inside, positive outside, in unit lengths. Polygon vertices are computed once
 * with {@link StrictMath}, so the geometry is identical on every JVM.
 */
public enum ObjectShape {
  /** An arrow pointing right (before rotation). */
  ARROW("arrow"),
  /** A disc. */
  CIRCLE("circle"),
  /** A plus sign. */
  CROSS("cross"),
  /** A heart, tip down. */
  HEART("heart"),
  /** An annulus. */
  RING("ring"),
  /** A square. */
  SQUARE("square"),
  /** A five-pointed star, one point up. */
  STAR("star"),
  /** An equilateral triangle, one corner up. */
  TRIANGLE("triangle");

  private static final double CIRCLE_RADIUS = 0.92;
  private static final double RING_MID = 0.72;
  private static final double RING_HALF_WIDTH = 0.23;

  private final String word;
  private double[] xs;
  private double[] ys;

  static {
    ARROW.polygon(-0.95, -0.2, 0.1, -0.2, 0.1, -0.62, 0.95, 0.0, 0.1, 0.62, 0.1, 0.2, -0.95, 0.2);
    CROSS.polygon(-0.3, -0.95, 0.3, -0.95, 0.3, -0.3, 0.95, -0.3, 0.95, 0.3, 0.3, 0.3, 0.3, 0.95,
        -0.3, 0.95, -0.3, 0.3, -0.95, 0.3, -0.95, -0.3, -0.3, -0.3);
    SQUARE.polygon(-0.7, -0.7, 0.7, -0.7, 0.7, 0.7, -0.7, 0.7);
    TRIANGLE.polygon(regular(3, 1.0, 1.0));
    STAR.polygon(regular(5, 1.0, 0.45));
    HEART.polygon(heart(28));
  }

  ObjectShape(String word) {
    this.word = word;
  }

  /** Returns the word captions use, e.g. {@code "star"}. */
  public String word() {
    return word;
  }

  private void polygon(double... coords) {
    int n = coords.length / 2;
    xs = new double[n];
    ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = coords[2 * i];
      ys[i] = coords[2 * i + 1];
    }
  }

  /** Vertices of a regular polygon (inner == outer) or star, first vertex pointing up. */
  private static double[] regular(int points, double outer, double inner) {
    boolean star = inner != outer;
    int n = star ? 2 * points : points;
    double[] c = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double angle = -Math.PI / 2 + 2 * Math.PI * i / n;
      double radius = star && i % 2 == 1 ? inner : outer;
      c[2 * i] = radius * StrictMath.cos(angle);
      c[2 * i + 1] = radius * StrictMath.sin(angle);
    }
    return c;
  }

  /** The classic parametric heart, centred on its bounding box and scaled into the unit circle. */
  private static double[] heart(int n) {
    double[] c = new double[2 * n];
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      double t = 2 * Math.PI * i / n;
      double s = StrictMath.sin(t);
      c[2 * i] = 16 * s * s * s;
      c[2 * i + 1] = -(13 * StrictMath.cos(t) - 5 * StrictMath.cos(2 * t) - 2 * StrictMath.cos(3 * t)
          - StrictMath.cos(4 * t));
      minY = Math.min(minY, c[2 * i + 1]);
      maxY = Math.max(maxY, c[2 * i + 1]);
    }
    double shift = (minY + maxY) / 2;
    double far = 0;
    for (int i = 0; i < n; i++) {
      c[2 * i + 1] -= shift;
      far = Math.max(far, Math.sqrt(c[2 * i] * c[2 * i] + c[2 * i + 1] * c[2 * i + 1]));
    }
    double scale = 0.98 / far;
    for (int i = 0; i < 2 * n; i++) {
      c[i] *= scale;
    }
    return c;
  }

  /**
   * Returns the exact signed distance from {@code (x, y)} (unit space) to the shape's boundary:
   * negative inside.
   */
  public double signedDistance(double x, double y) {
    switch (this) {
      case CIRCLE:
        return Math.sqrt(x * x + y * y) - CIRCLE_RADIUS;
      case RING:
        return Math.abs(Math.sqrt(x * x + y * y) - RING_MID) - RING_HALF_WIDTH;
      default:
        return polygonDistance(xs, ys, x, y);
    }
  }

  /** Inigo Quilez's exact polygon distance with the winding-crossing sign. */
  private static double polygonDistance(double[] xs, double[] ys, double px, double py) {
    int n = xs.length;
    double dx0 = px - xs[0];
    double dy0 = py - ys[0];
    double best = dx0 * dx0 + dy0 * dy0;
    boolean inside = false;
    for (int i = 0, j = n - 1; i < n; j = i, i++) {
      double ex = xs[j] - xs[i];
      double ey = ys[j] - ys[i];
      double wx = px - xs[i];
      double wy = py - ys[i];
      double t = (wx * ex + wy * ey) / (ex * ex + ey * ey);
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      double bx = wx - ex * t;
      double by = wy - ey * t;
      double d = bx * bx + by * by;
      if (d < best) {
        best = d;
      }
      boolean c1 = py >= ys[i];
      boolean c2 = py < ys[j];
      boolean c3 = ex * wy > ey * wx;
      if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) {
        inside = !inside;
      }
    }
    double distance = Math.sqrt(best);
    return inside ? -distance : distance;
  }
}
