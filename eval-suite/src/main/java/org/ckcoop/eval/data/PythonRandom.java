package org.ckcoop.eval.data;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * CPython's {@code random.Random}, bit for bit, for the calls Dassl's few-shot sampling makes: the
 * Mersenne Twister MT19937 of {@code Modules/_randommodule.c} seeded from an integer as
 * {@code random.seed(int)} does ({@code init_by_array} over the 32-bit words of {@code abs(seed)},
 * least significant first), {@code getrandbits}, {@code random()}, {@code _randbelow_with_getrandbits},
 * {@code sample} (both of its algorithms, chosen by CPython's rule) and {@code choices} without
 * weights.
 *
 * <p>These functions are the same in CPython 3.6 to 3.13 (checked against each interpreter; see the
 * golden test resource), so a stream drawn here equals the stream drawn there after the same seed and
 * the same calls. Not thread-safe.
 *
 * <pre>{@code
 * PythonRandom random = new PythonRandom(1);          // random.seed(1)
 * List<String> picked = random.sample(items, 16);     // random.sample(items, 16)
 * }</pre>
 */
public final class PythonRandom {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] mt = new int[N];
  private int index;

  /** Equivalent to {@code random.Random(seed)}: seeds from {@code abs(seed)}. */
  public PythonRandom(long seed) {
    seed(seed);
  }

  /** Equivalent to {@code random.Random(seed)} for an integer of any size. */
  public PythonRandom(BigInteger seed) {
    seed(seed);
  }

  /** Equivalent to {@code random.seed(seed)} for an int: {@code init_by_array} over {@code abs(seed)}. */
  public void seed(long seed) {
    seed(BigInteger.valueOf(seed));
  }

  /** Equivalent to {@code random.seed(seed)} for an int of any size. */
  public void seed(BigInteger seed) {
    Objects.requireNonNull(seed, "seed");
    BigInteger n = seed.abs();
    int bits = n.bitLength();
    int words = bits == 0 ? 1 : (bits - 1) / 32 + 1;
    int[] key = new int[words];
    for (int i = 0; i < words; i++) {
      key[i] = n.shiftRight(32 * i).intValue(); // low 32 bits of each word
    }
    initByArray(key);
  }

  private void initGenrand(int s) {
    mt[0] = s;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  private void initByArray(int[] key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32-bit output of MT19937 ({@code genrand_uint32}), as an unsigned value in a long. */
  public long nextUint32() {
    if (index >= N) {
      int kk;
      for (kk = 0; kk < N - M; kk++) {
        int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
      }
      int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
      index = 0;
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  /**
   * Equivalent to {@code random.getrandbits(k)} for {@code 0 <= k <= 63}: {@code k <= 32} takes the top
   * {@code k} bits of one output; larger {@code k} fills 32-bit words from the least significant up,
   * keeping the top bits of the last output.
   */
  public long getrandbits(int k) {
    if (k < 0 || k > 63) {
      throw new IllegalArgumentException("k must be in [0, 63], got " + k + " (use getrandbitsBig)");
    }
    if (k == 0) {
      return 0;
    }
    if (k <= 32) {
      return nextUint32() >>> (32 - k);
    }
    long low = nextUint32();
    long high = nextUint32() >>> (64 - k);
    return low | (high << 32);
  }

  /** Equivalent to {@code random.getrandbits(k)} for any {@code k >= 0}. */
  public BigInteger getrandbitsBig(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    if (k <= 32) {
      return BigInteger.valueOf(getrandbits(k));
    }
    BigInteger value = BigInteger.ZERO;
    int shift = 0;
    for (int left = k; left > 0; left -= 32, shift += 32) {
      long r = nextUint32();
      if (left < 32) {
        r >>>= 32 - left;
      }
      value = value.or(BigInteger.valueOf(r).shiftLeft(shift));
    }
    return value;
  }

  /** Equivalent to {@code random.random()}: 53 bits from two outputs, in {@code [0, 1)}. */
  public double random() {
    long a = nextUint32() >>> 5;
    long b = nextUint32() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /**
   * Equivalent to {@code random._randbelow(n)} ({@code _randbelow_with_getrandbits}): draws
   * {@code n.bit_length()} bits until the value is below {@code n}.
   */
  public long randbelow(long n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be > 0, got " + n);
    }
    int k = 64 - Long.numberOfLeadingZeros(n);
    long r = getrandbits(k);
    while (r >= n) {
      r = getrandbits(k);
    }
    return r;
  }

  /**
   * Equivalent to {@code random.sample(population, k)}: {@code k} distinct elements in selection
   * order. Like CPython it keeps a pool (partial Fisher-Yates) when {@code n <= setsize} and otherwise
   * redraws indices already taken, with {@code setsize = 21 + (k > 5 ? 4 ** ceil(log(3k, 4)) : 0)}.
   *
   * @throws IllegalArgumentException if {@code k} is negative or larger than the population
   */
  public <T> List<T> sample(List<T> population, int k) {
    int n = population.size();
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("Sample larger than population or is negative: k=" + k + ", n=" + n);
    }
    List<T> result = new ArrayList<>(k);
    if (n <= sampleSetSize(k)) {
      List<T> pool = new ArrayList<>(population);
      for (int i = 0; i < k; i++) {
        int j = (int) randbelow(n - i);
        result.add(pool.get(j));
        pool.set(j, pool.get(n - i - 1));
      }
    } else {
      Set<Integer> selected = new HashSet<>();
      for (int i = 0; i < k; i++) {
        int j = (int) randbelow(n);
        while (selected.contains(j)) {
          j = (int) randbelow(n);
        }
        selected.add(j);
        result.add(population.get(j));
      }
    }
    return result;
  }

  /**
   * CPython's threshold between {@code sample}'s two algorithms: {@code 21 + 4 ** ceil(log(3k, 4))}
   * for {@code k > 5}, else 21. Computed in integers: {@code ceil(log4(3k))} is the smallest {@code m}
   * with {@code 4^m >= 3k}; {@code 3k} is never a power of 4, and for every int {@code k} the float
   * logarithm is at least 1e-10 away from an integer, so CPython's float result is the same.
   */
  static long sampleSetSize(int k) {
    long setsize = 21;
    if (k > 5) {
      long target = 3L * k;
      long power = 1;
      while (power < target) {
        power *= 4;
      }
      setsize += power;
    }
    return setsize;
  }

  /**
   * Equivalent to {@code random.choices(population, k=k)} (no weights): {@code k} draws with
   * replacement, each {@code population[floor(random() * n)]}.
   */
  public <T> List<T> choices(List<T> population, int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int n = population.size();
    if (n == 0 && k > 0) {
      throw new IllegalArgumentException("cannot choose from an empty population");
    }
    double size = n;
    List<T> result = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      result.add(population.get((int) Math.floor(random() * size)));
    }
    return result;
  }
}
