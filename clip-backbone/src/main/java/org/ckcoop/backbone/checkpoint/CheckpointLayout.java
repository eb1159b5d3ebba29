package org.ckcoop.backbone.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.text.BpeVocabulary;

/**
 * One way of storing a CLIP checkpoint in a folder: which files, which tensor names, which config.
 * {@link #read(Path)} detects the layout of a folder and reads it.
 */
public interface CheckpointLayout {

  /** Returns the layout's name as shown to users ({@code huggingface}, {@code openai}). */
  String name();

  /** Returns true if {@code dir} holds a checkpoint in this layout. */
  boolean recognizes(Path dir);

  /**
   * Reads the checkpoint in {@code dir}.
   *
   * @throws CheckpointException naming the file and tensor when something is missing or wrong
   */
  ClipCheckpoint readFolder(Path dir);

  /** Writes {@code checkpoint} into {@code dir} in this layout, weights stored as {@code type}. */
  void write(ClipCheckpoint checkpoint, Path dir, StorageType type);

  /**
   * Writes {@code checkpoint} and its tokenizer vocabulary ({@code vocab.json} + {@code merges.txt});
   * layouts whose config names special tokens record the vocabulary's.
   */
  default void write(ClipCheckpoint checkpoint, Path dir, StorageType type, BpeVocabulary vocabulary) {
    write(checkpoint, dir, type);
    vocabulary.writeHuggingFace(dir);
  }

  /** Returns the supported layouts, in the order they are tried. */
  static List<CheckpointLayout> all() {
    return List.of(new OpenAiLayout(true), new HuggingFaceLayout());
  }

  /** Returns the layout with this name ({@code huggingface} or {@code openai}). */
  static CheckpointLayout named(String name) {
    return switch (name) {
      case "huggingface", "hf" -> new HuggingFaceLayout();
      case "openai", "open_clip" -> new OpenAiLayout(true);
      case "openai-noconfig" -> new OpenAiLayout(false);
      default -> throw new org.ckcoop.common.InputException(
          "unknown checkpoint layout '" + name + "' (known: huggingface, openai, openai-noconfig)");
    };
  }

  /**
   * Detects the layout of {@code path} (a checkpoint folder, or a safetensors or PyTorch file with
   * OpenAI's names) and reads it.
   *
   * @throws CheckpointException naming the folder and the files looked for when no layout fits
   */
  static ClipCheckpoint read(Path path) {
    if (Files.isRegularFile(path) && CheckpointTensors.isWeightsFileName(path.getFileName().toString())) {
      return OpenAiLayout.readFile(path);
    }
    if (!Files.isDirectory(path)) {
      throw new CheckpointException(path, "no such checkpoint folder or weights file (.safetensors, .bin, .pt, .pth)");
    }
    for (CheckpointLayout layout : all()) {
      if (layout.recognizes(path)) {
        return layout.readFolder(path);
      }
    }
    throw new CheckpointException(
        path,
        "not a CLIP checkpoint folder: expected config.json + model.safetensors or pytorch_model.bin "
            + "(Hugging Face), open_clip_config.json + open_clip_model.safetensors or open_clip_pytorch_model.bin "
            + "(open_clip), or one .safetensors, .bin, .pt or .pth file with OpenAI's tensor names "
            + "(visual.conv1.weight, ...)");
  }
}
