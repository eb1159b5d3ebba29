package org.ckcoop.backbone.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a small CLIP-compatible BPE vocabulary from a corpus of strings, for random test
 * checkpoints and for mini-CLIP models trained on caption corpora.
 *
 * <p>The corpus goes through exactly the tokenizer's pipeline (cleaning, pre-token split, UTF-8
 * byte symbols, {@code </w>} on the last symbol of each word); the special tokens in the text are
 * not counted. Then, repeatedly, the most frequent adjacent symbol pair is merged everywhere. A
 * pair's frequency is the number of positions where it occurs, summed over all words weighted by
 * how often each word occurs.
 *
 * <p>Deterministic: ties are broken by the smaller left symbol, then the smaller right symbol, in
 * {@link String#compareTo} order (byte symbols are BMP characters, so this is code point order).
 * A pair whose merge would produce a token the vocabulary already has (for example {@code "a" +
 * "bc"} after {@code "ab" + "c"}) is skipped, so that every merge adds exactly one token. Training
 * stops after {@code mergeCount} merges or when no pair reaches the minimum frequency.
 *
 * <p>The result ({@link BpeVocabulary#fromMerges(List)}) has the reference's id order: 256 byte
 * symbols, the same with {@code </w>}, one token per merge, {@code <|startoftext|>}, {@code
 * <|endoftext|>}.
 */
public final class BpeTrainer {
  private BpeTrainer() {}

  /** Learns up to {@code mergeCount} merges; pairs seen at least once are eligible. */
  public static BpeVocabulary train(Iterable<String> corpus, int mergeCount) {
    return train(corpus, mergeCount, 1);
  }

  /**
   * Learns up to {@code mergeCount} merges of pairs that occur at least {@code minPairFrequency}
   * times.
   */
  public static BpeVocabulary train(Iterable<String> corpus, int mergeCount, long minPairFrequency) {
    Objects.requireNonNull(corpus, "corpus");
    if (mergeCount < 0) {
      throw new IllegalArgumentException("mergeCount is " + mergeCount + "; expected >= 0");
    }
    if (minPairFrequency < 1) {
      throw new IllegalArgumentException(
          "minPairFrequency is " + minPairFrequency + "; expected >= 1");
    }
    return new Run(corpus).learn(mergeCount, minPairFrequency);
  }

  /** The mutable state of one training run. */
  private static final class Run {
    private final List<String> symbols = new ArrayList<>();
    private final Set<String> tokens = new HashSet<>();
    private final int[][] words;
    private final int[] lengths;
    private final long[] frequencies;
    private final Map<Long, long[]> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
    private final Set<Long> skipped = new HashSet<>();
    private final PriorityQueue<Candidate> queue;

    Run(Iterable<String> corpus) {
      List<String> base = BpeVocabulary.referenceTokens(List.of());
      symbols.addAll(base.subList(0, 512));
      tokens.addAll(base);
      int[] byteId = new int[256];
      for (int b = 0; b < 256; b++) {
        byteId[b] = ByteAlphabet.symbols().indexOf(String.valueOf(ByteAlphabet.symbol(b)));
      }
      // Word frequencies, in a sorted map so that the internal layout is reproducible too.
      Map<String, long[]> counts = new TreeMap<>();
      for (String text : corpus) {
        for (String piece : PreTokenizer.split(TextCleaner.clean(text))) {
          if (!piece.equals(BpeVocabulary.START_OF_TEXT)
              && !piece.equals(BpeVocabulary.END_OF_TEXT)) {
            counts.computeIfAbsent(piece, k -> new long[1])[0]++;
          }
        }
      }
      words = new int[counts.size()][];
      lengths = new int[counts.size()];
      frequencies = new long[counts.size()];
      int w = 0;
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        byte[] bytes = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int[] word = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
          word[i] = byteId[bytes[i] & 0xFF] + (i == bytes.length - 1 ? 256 : 0);
        }
        words[w] = word;
        lengths[w] = word.length;
        frequencies[w] = e.getValue()[0];
        w++;
      }
      Comparator<Candidate> order = Comparator.<Candidate>comparingLong(c -> -c.count)
          .thenComparing(c -> symbols.get(c.left))
          .thenComparing(c -> symbols.get(c.right));
      queue = new PriorityQueue<>(order);
      for (w = 0; w < words.length; w++) {
        addPairs(w, null);
      }
      for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) {
        queue.add(new Candidate(e.getKey(), e.getValue()[0]));
      }
    }

    BpeVocabulary learn(int mergeCount, long minPairFrequency) {
      List<BpeMerge> merges = new ArrayList<>(mergeCount);
      while (merges.size() < mergeCount) {
        Candidate best = queue.poll();
        if (best == null || best.count < minPairFrequency) {
          break;
        }
        long key = best.key();
        if (count(key) != best.count || skipped.contains(key)) {
          continue; // stale entry
        }
        String left = symbols.get(best.left);
        String right = symbols.get(best.right);
        if (!tokens.add(left + right)) {
          skipped.add(key);
          continue;
        }
        int merged = symbols.size();
        symbols.add(left + right);
        merges.add(new BpeMerge(left, right));
        Set<Integer> affected = pairWords.remove(key); // the pair cannot occur again
        Set<Long> changed = new HashSet<>();
        for (int w : affected == null ? Set.<Integer>of() : affected) {
          mergeInWord(w, best.left, best.right, merged, changed);
        }
        for (long k : changed) {
          long c = count(k);
          if (c > 0 && !skipped.contains(k)) {
            queue.add(new Candidate(k, c));
          }
        }
      }
      return BpeVocabulary.fromMerges(merges);
    }

    private void mergeInWord(int w, int left, int right, int merged, Set<Long> changed) {
      int[] word = words[w];
      int n = lengths[w];
      boolean present = false;
      for (int i = 0; i < n - 1 && !present; i++) {
        present = word[i] == left && word[i + 1] == right;
      }
      if (!present) {
        return;
      }
      for (int i = 0; i < n - 1; i++) {
        long k = pairKey(word[i], word[i + 1]);
        pairCounts.get(k)[0] -= frequencies[w];
        changed.add(k);
      }
      int out = 0;
      for (int i = 0; i < n; ) {
        if (i < n - 1 && word[i] == left && word[i + 1] == right) {
          word[out++] = merged;
          i += 2;
        } else {
          word[out++] = word[i++];
        }
      }
      lengths[w] = out;
      addPairs(w, changed);
    }

    private void addPairs(int w, Set<Long> changed) {
      int[] word = words[w];
      for (int i = 0; i < lengths[w] - 1; i++) {
        long k = pairKey(word[i], word[i + 1]);
        pairCounts.computeIfAbsent(k, x -> new long[1])[0] += frequencies[w];
        pairWords.computeIfAbsent(k, x -> new HashSet<>()).add(w);
        if (changed != null) {
          changed.add(k);
        }
      }
    }

    private long count(long key) {
      long[] c = pairCounts.get(key);
      return c == null ? 0 : c[0];
    }
  }

  private static long pairKey(int left, int right) {
    return ((long) left << 32) | right;
  }

  /** A queued pair with its frequency when it was queued. */
  private static final class Candidate {
    final int left;
    final int right;
    final long count;

    Candidate(long key, long count) {
      this.left = (int) (key >>> 32);
      this.right = (int) key;
      this.count = count;
    }

    long key() {
      return pairKey(left, right);
    }
  }
}
