package org.ckcoop.backbone.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.text.BpeTrainer;
import org.ckcoop.backbone.text.BpeVocabulary;

/**
 * Complete random checkpoint folders (weights, config and a tokenizer) for tests, the demo and
 * benchmarks: what {@code ckcoop random-checkpoint} writes. The tokenizer is a small byte-level BPE
 * learnt from a fixed built-in caption corpus, so it is the same on every machine.
 */
public final class RandomCheckpoints {
  private static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "orange", "black", "white"};
  private static final String[] SHAPES = {"circle", "square", "triangle", "star", "cross", "diamond", "heart", "ring"};
  private static final String[] TEMPLATES = {
    "a photo of a %s %s.", "a sketch of a %s %s.", "a small %s %s on a striped background.",
    "a large %s %s.", "a blurry photo of the %s %s.", "there is a %s %s in the picture."
  };
  private static BpeVocabulary vocabulary;

  private RandomCheckpoints() {}

  /** Returns the built-in caption corpus the small vocabulary is learnt from. */
  public static List<String> corpus() {
    List<String> captions = new ArrayList<>();
    for (String t : TEMPLATES) {
      for (String c : COLOURS) {
        for (String s : SHAPES) {
          captions.add(String.format(t, c, s));
        }
      }
    }
    return captions;
  }

  /** Returns the small vocabulary (byte symbols, up to 200 merges, the two special tokens). */
  public static synchronized BpeVocabulary smallVocabulary() {
    if (vocabulary == null) {
      vocabulary = BpeTrainer.train(corpus(), 200);
    }
    return vocabulary;
  }

  /**
   * Returns a preset architecture (one of {@link ClipArchitecture#PRESETS}: ViTs and OpenAI's
   * ResNets); {@code tiny} and {@code tiny-rn} get the small vocabulary's size, the others keep
   * CLIP's 49,408-row token table (the small tokenizer uses only its first rows). A ResNet preset
   * must be written in the OpenAI layout (Hugging Face's has no ResNet).
   */
  public static ClipArchitecture preset(String name) {
    return ClipArchitecture.preset(name, smallVocabulary().size());
  }

  /**
   * Writes a random checkpoint of {@code architecture} with the small tokenizer into {@code dir}.
   *
   * @return the checkpoint as written
   */
  public static ClipCheckpoint write(
      Path dir, ClipArchitecture architecture, CheckpointLayout layout, StorageType type, long seed) {
    if (smallVocabulary().size() > architecture.vocabSize()) {
      throw new IllegalArgumentException("the architecture's vocabulary (" + architecture.vocabSize()
          + ") is smaller than the built-in tokenizer's (" + smallVocabulary().size() + ")");
    }
    ClipCheckpoint checkpoint = RandomWeights.generate(architecture, seed);
    layout.write(checkpoint, dir, type, smallVocabulary());
    return checkpoint;
  }
}
