package org.ckcoop.world.render;

/**
 * The world's random number generator: Steele, Lea and Flood's SplitMix64, written out here so that
 * every draw is specified by this file alone (the JDK's generators are not specified to stay the
 * same across versions). Not thread-safe; the world seeds one per example with
 * {@link #forExample(long, long, long)}, so any example can be drawn alone.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long state;

  /** Creates a generator whose sequence is determined by {@code seed}. */
  public SplitMix64(long seed) {
    this.state = seed;
  }

  /**
   * Returns the generator of one example: the seed mixes the world seed, a stream (what the example
   * is for, e.g. the pretraining corpus or one dataset) and the example's index.
   */
  public static SplitMix64 forExample(long worldSeed, long stream, long index) {
    long h = mix(worldSeed ^ 0x5DEECE66DL);
    h = mix(h ^ mix(stream + GOLDEN_GAMMA));
    h = mix(h ^ mix(index * GOLDEN_GAMMA + 0x632BE59BD9B4E019L));
    return new SplitMix64(h);
  }

  /** SplitMix64's finaliser (David Stafford's Mix13): a bijective scramble of 64 bits. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Returns a stable 64-bit code of a name (FNV-1a over its UTF-16 units, then mixed), to derive a
   * stream from a dataset's name.
   */
  public static long streamOf(String name) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < name.length(); i++) {
      h ^= name.charAt(i);
      h *= 0x100000001B3L;
    }
    return mix(h);
  }

  /** Returns the next 64 random bits. */
  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Returns a uniform double in {@code [0, 1)} (53 random bits). */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  /** Returns a uniform double in {@code [low, high)}. */
  public double uniform(double low, double high) {
    return low + (high - low) * nextDouble();
  }

  /**
   * Returns a uniform integer in {@code [0, bound)} (Lemire's multiply-shift with rejection, so
   * exactly uniform).
   *
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long r = nextLong() >>> 32;
    long m = r * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        r = nextLong() >>> 32;
        m = r * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Returns true with probability {@code p}. */
  public boolean chance(double p) {
    return nextDouble() < p;
  }

  /** Returns one of the values, uniformly. */
  @SafeVarargs
  public final <T> T pick(T... values) {
    return values[nextInt(values.length)];
  }
}
