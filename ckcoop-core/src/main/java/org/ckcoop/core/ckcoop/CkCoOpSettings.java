package org.ckcoop.core.ckcoop;

import java.util.List;
import org.ckcoop.core.config.Setting;
import org.ckcoop.core.prompt.ClassTokenPosition;

/**
 * The {@code learner.ckcoop.*} settings. Defaults: 4 context vectors fitted to "a photo of a", a
 * 256-entry dictionary (k-means, seed 0), 3 balanced Kronecker factors, alpha 1, free coefficients:
 * {@code 4 * 256 + 160 = 1,184} learnable parameters at width 512.
 *
 * @param nCtx number of context vectors (with a non-empty {@code ctx_init}: its token count)
 * @param ctxInit the words the coefficients are fitted to with {@code coefficient_init = words}
 * @param k dictionary size (k-means clusters of the token-embedding table)
 * @param kmeansSeed k-means seed
 * @param kmeansIterations maximum Lloyd iterations
 * @param kmeansTolerance tolerance on the relative centroid shift
 * @param kmeansNormalize cluster L2-normalised token embeddings instead of raw ones
 * @param factors number P of Kronecker factors, shapes balanced automatically
 * @param factorShapes explicit factor shapes {@code RxC} (overrides {@code factors})
 * @param alpha scale of the Kronecker part
 * @param coefficientInit words (ridge fit) or random
 * @param ridge relative ridge strength of the words fit
 * @param coefficients free (linear) or softmax (convex) combinations
 * @param useDictionary use the quantized dictionary {@code D_com}
 * @param useKronecker use the Kronecker part
 * @param classTokenPosition where the class name goes
 * @param initStd standard deviation of random coefficients
 * @param factorInitStd standard deviation of the non-first Kronecker factors at initialisation
 */
public record CkCoOpSettings(
    @Setting(description = "number of context vectors (with ctx_init: the words' token count)", defaultValue = "4", min = 1)
        int nCtx,
    @Setting(description = "words the coefficients are fitted to (coefficient_init = words)", defaultValue = "a photo of a")
        String ctxInit,
    @Setting(description = "dictionary size k: k-means clusters of the token-embedding table", defaultValue = "256", min = 1)
        int k,
    @Setting(description = "k-means seed", defaultValue = "0") long kmeansSeed,
    @Setting(description = "k-means maximum Lloyd iterations", defaultValue = "30", min = 1) int kmeansIterations,
    @Setting(description = "k-means tolerance on the relative centroid shift", defaultValue = "1e-4", min = 0)
        double kmeansTolerance,
    @Setting(description = "cluster L2-normalised token embeddings", defaultValue = "false") boolean kmeansNormalize,
    @Setting(description = "number of Kronecker factors P (balanced shapes)", defaultValue = "3", min = 1) int factors,
    @Setting(description = "explicit Kronecker factor shapes, e.g. 8x8, 8x8, 4x8 (empty: balanced from factors)",
        defaultValue = "") List<String> factorShapes,
    @Setting(description = "scale alpha of the Kronecker part", defaultValue = "1.0") double alpha,
    @Setting(description = "coefficient init: words (ridge fit to the ctx_init embeddings) or random", defaultValue = "words")
        CoefficientInit coefficientInit,
    @Setting(description = "relative ridge strength of the words fit", defaultValue = "1e-3", min = 0) double ridge,
    @Setting(description = "coefficients: free (linear combinations) or softmax (convex combinations)", defaultValue = "free")
        Coefficients coefficients,
    @Setting(description = "use the quantized dictionary D_com (false: bases are alpha * K alone)", defaultValue = "true")
        boolean useDictionary,
    @Setting(description = "use the Kronecker part (false: bases are D_com alone, only coefficients train)", defaultValue = "true")
        boolean useKronecker,
    @Setting(description = "class name position: end, middle or front", defaultValue = "end")
        ClassTokenPosition classTokenPosition,
    @Setting(description = "std of random coefficients", defaultValue = "0.02", min = 0) double initStd,
    @Setting(description = "std of the non-first Kronecker factors at init (the first starts at zero)", defaultValue = "1.0",
        min = 0, minExclusive = true) double factorInitStd) {

  /** How the coefficients start. */
  public enum CoefficientInit {
    /** A ridge fit so that {@code C D_com} approximates the embeddings of {@code ctx_init}. */
    WORDS,
    /** Independent N(0, init_std^2). */
    RANDOM
  }

  /** How coefficients combine the bases. */
  public enum Coefficients {
    /** Any real weights. */
    FREE,
    /** Each context vector is a convex combination: softmax over the k weights. */
    SOFTMAX
  }

  /** Cross-field checks. */
  public CkCoOpSettings {
    factorShapes = List.copyOf(factorShapes);
    if (!useDictionary && !useKronecker) {
      throw new IllegalArgumentException("use_dictionary and use_kronecker cannot both be false (no bases left)");
    }
    if (coefficientInit == CoefficientInit.WORDS && !useDictionary) {
      throw new IllegalArgumentException("coefficient_init = words fits the coefficients to D_com, which use_dictionary = false removes");
    }
    if (coefficientInit == CoefficientInit.WORDS && ctxInit.isBlank()) {
      throw new IllegalArgumentException("coefficient_init = words needs ctx_init words");
    }
  }
}
