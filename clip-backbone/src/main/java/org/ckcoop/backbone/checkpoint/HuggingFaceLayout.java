package org.ckcoop.backbone.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.text.BpeVocabulary;

/**
 * The Hugging Face {@code CLIPModel} layout, as in {@code openai/clip-vit-base-patch16}:
 * {@code config.json} + {@code model.safetensors} (or shards with
 * {@code model.safetensors.index.json}), optionally {@code preprocessor_config.json} for the image
 * mean and std. Separate q/k/v projections are fused into OpenAI's in-projection and the [out, in]
 * projection matrices transposed, so both layouts give the same canonical weights.
 */
public final class HuggingFaceLayout implements CheckpointLayout {
  /** The model config file name. */
  public static final String CONFIG = "config.json";
  /** The image processor config file name (optional). */
  public static final String PREPROCESSOR = "preprocessor_config.json";
  /** The base name of the weights file(s). */
  public static final String WEIGHTS = "model";

  private static final Pattern BLOCK =
      Pattern.compile("^(visual\\.transformer|transformer)\\.resblocks\\.(\\d+)\\.(.+)$");

  @Override
  public String name() {
    return "huggingface";
  }

  @Override
  public boolean recognizes(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  @Override
  public ClipCheckpoint readFolder(Path dir) {
    Path config = dir.resolve(CONFIG);
    JsonNode root = ConfigFiles.read(config);
    String modelType = root.path("model_type").asText("clip");
    if (!modelType.equals("clip")) {
      throw new CheckpointException(config, "model_type is '" + modelType + "', expected 'clip'");
    }
    ClipArchitecture architecture = fromConfig(config, root);
    ImageNormalization normalization = ImageNormalization.CLIP;
    Path preprocessor = dir.resolve(PREPROCESSOR);
    if (Files.isRegularFile(preprocessor)) {
      JsonNode p = ConfigFiles.read(preprocessor);
      normalization = new ImageNormalization(
          ConfigFiles.triple(preprocessor, p, "image_mean", ImageNormalization.CLIP.mean()),
          ConfigFiles.triple(preprocessor, p, "image_std", ImageNormalization.CLIP.std()));
    }
    if (!CheckpointTensors.exists(dir, WEIGHTS)) {
      throw new CheckpointException(dir, "has " + CONFIG + " but no weights file (looked for "
          + String.join(", ", CheckpointTensors.candidateNames(WEIGHTS)) + ")");
    }
    try (CheckpointTensors stored = CheckpointTensors.open(dir, WEIGHTS)) {
      Map<String, FloatTensor> weights = CanonicalWeights.assemble(
          stored, architecture, HuggingFaceLayout::recipe, n -> n.endsWith("position_ids"),
          "the sizes in " + config);
      return new ClipCheckpoint(dir, name(), architecture, normalization, weights);
    }
  }

  private static ClipArchitecture fromConfig(Path file, JsonNode root) {
    JsonNode text = root.has("text_config") ? root.get("text_config") : root.get("text_config_dict");
    JsonNode vision = root.has("vision_config") ? root.get("vision_config") : root.get("vision_config_dict");
    try {
      return new ClipArchitecture(
          ConfigFiles.intValue(file, root, "", "projection_dim", 512),
          ConfigFiles.intValue(file, vision, "vision_config.", "image_size", 224),
          ConfigFiles.intValue(file, vision, "vision_config.", "patch_size", 32),
          tower(file, vision, "vision_config.", 768, 3072, 12, 12),
          ConfigFiles.intValue(file, text, "text_config.", "max_position_embeddings", 77),
          ConfigFiles.intValue(file, text, "text_config.", "vocab_size", 49408),
          tower(file, text, "text_config.", 512, 2048, 12, 8));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, e.getMessage(), e);
    }
  }

  private static TowerShape tower(Path file, JsonNode node, String path, int width, int mlp, int layers, int heads) {
    String act = node == null ? "quick_gelu" : node.path("hidden_act").asText("quick_gelu");
    Activation activation;
    try {
      activation = Activation.parse(act);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, path + "hidden_act: " + e.getMessage());
    }
    return new TowerShape(
        ConfigFiles.intValue(file, node, path, "hidden_size", width),
        ConfigFiles.intValue(file, node, path, "num_hidden_layers", layers),
        ConfigFiles.intValue(file, node, path, "num_attention_heads", heads),
        ConfigFiles.intValue(file, node, path, "intermediate_size", mlp),
        activation,
        ConfigFiles.doubleValue(file, node, path, "layer_norm_eps", 1e-5));
  }

  /** Maps a canonical (OpenAI) weight name to how Hugging Face stores it. */
  static WeightRecipe recipe(String canonical, long[] shape) {
    Matcher m = BLOCK.matcher(canonical);
    if (m.matches()) {
      String p = (m.group(1).startsWith("visual") ? "vision_model" : "text_model") + ".encoder.layers." + m.group(2) + ".";
      String rest = m.group(3);
      return switch (rest) {
        case "attn.in_proj_weight" -> WeightRecipe.rowBlocks(
            List.of(p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight"), shape);
        case "attn.in_proj_bias" -> WeightRecipe.rowBlocks(
            List.of(p + "self_attn.q_proj.bias", p + "self_attn.k_proj.bias", p + "self_attn.v_proj.bias"), shape);
        default -> WeightRecipe.same(p + blockPart(rest), shape);
      };
    }
    return switch (canonical) {
      case "visual.conv1.weight" -> WeightRecipe.same("vision_model.embeddings.patch_embedding.weight", shape);
      case "visual.class_embedding" -> WeightRecipe.same("vision_model.embeddings.class_embedding", shape);
      case "visual.positional_embedding" -> WeightRecipe.same("vision_model.embeddings.position_embedding.weight", shape);
      case "visual.ln_pre.weight" -> WeightRecipe.same("vision_model.pre_layrnorm.weight", shape);
      case "visual.ln_pre.bias" -> WeightRecipe.same("vision_model.pre_layrnorm.bias", shape);
      case "visual.ln_post.weight" -> WeightRecipe.same("vision_model.post_layernorm.weight", shape);
      case "visual.ln_post.bias" -> WeightRecipe.same("vision_model.post_layernorm.bias", shape);
      case "visual.proj" -> WeightRecipe.transposed("visual_projection.weight", shape);
      case "token_embedding.weight" -> WeightRecipe.same("text_model.embeddings.token_embedding.weight", shape);
      case "positional_embedding" -> WeightRecipe.same("text_model.embeddings.position_embedding.weight", shape);
      case "ln_final.weight" -> WeightRecipe.same("text_model.final_layer_norm.weight", shape);
      case "ln_final.bias" -> WeightRecipe.same("text_model.final_layer_norm.bias", shape);
      case "text_projection" -> WeightRecipe.transposed("text_projection.weight", shape);
      case "logit_scale" -> WeightRecipe.same("logit_scale", shape);
      default -> throw new IllegalArgumentException("no Hugging Face name for '" + canonical + "'");
    };
  }

  private static String blockPart(String rest) {
    return switch (rest) {
      case "attn.out_proj.weight" -> "self_attn.out_proj.weight";
      case "attn.out_proj.bias" -> "self_attn.out_proj.bias";
      case "ln_1.weight" -> "layer_norm1.weight";
      case "ln_1.bias" -> "layer_norm1.bias";
      case "mlp.c_fc.weight" -> "mlp.fc1.weight";
      case "mlp.c_fc.bias" -> "mlp.fc1.bias";
      case "mlp.c_proj.weight" -> "mlp.fc2.weight";
      case "mlp.c_proj.bias" -> "mlp.fc2.bias";
      case "ln_2.weight" -> "layer_norm2.weight";
      case "ln_2.bias" -> "layer_norm2.bias";
      default -> throw new IllegalArgumentException("no Hugging Face name for block weight '" + rest + "'");
    };
  }

  @Override
  public void write(ClipCheckpoint checkpoint, Path dir, StorageType type) {
    write(checkpoint, dir, type, (BpeVocabulary) null);
  }

  /**
   * Writes the checkpoint; with a vocabulary, also its files and the special-token ids in
   * {@code text_config} (Hugging Face's CLIPModel pools at {@code eos_token_id}, which otherwise
   * defaults to CLIP's 49407).
   */
  @Override
  public void write(ClipCheckpoint checkpoint, Path dir, StorageType type, BpeVocabulary vocabulary) {
    if (!checkpoint.architecture().hasVitImageTower()) {
      throw new org.ckcoop.common.InputException(name() + " layout", "Hugging Face's CLIPModel has only ViT image towers;"
          + " this checkpoint's is " + checkpoint.architecture().imageTower().label() + ": write it in the openai layout");
    }
    ConfigFiles.createFolder(dir);
    SafetensorsWriter writer = new SafetensorsWriter().putMetadata("format", "pt");
    CanonicalWeights.disassemble(checkpoint.weights(), HuggingFaceLayout::recipe, writer, type);
    writer.write(dir.resolve(WEIGHTS + ".safetensors"));
    ObjectNode config = config(checkpoint.architecture(), type);
    if (vocabulary != null) {
      ObjectNode text = (ObjectNode) config.get("text_config");
      text.put("bos_token_id", vocabulary.startOfTextId());
      text.put("eos_token_id", vocabulary.endOfTextId());
      text.put("pad_token_id", 0);
      vocabulary.writeHuggingFace(dir);
    }
    ConfigFiles.write(dir.resolve(CONFIG), config);
    ObjectNode pre = ConfigFiles.JSON.createObjectNode();
    pre.put("crop_size", checkpoint.architecture().imageResolution());
    pre.put("do_center_crop", true);
    pre.put("do_normalize", true);
    pre.put("do_resize", true);
    pre.put("image_processor_type", "CLIPImageProcessor");
    pre.putPOJO("image_mean", checkpoint.normalization().mean());
    pre.putPOJO("image_std", checkpoint.normalization().std());
    pre.put("resample", 3);
    pre.put("size", checkpoint.architecture().imageResolution());
    ConfigFiles.write(dir.resolve(PREPROCESSOR), pre);
  }

  private static ObjectNode config(ClipArchitecture a, StorageType type) {
    ObjectNode root = ConfigFiles.JSON.createObjectNode();
    root.putArray("architectures").add("CLIPModel");
    root.put("model_type", "clip");
    root.put("projection_dim", a.embedDim());
    root.put("logit_scale_init_value", 2.6592);
    root.put("torch_dtype", switch (type) {
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      default -> "float32";
    });
    ObjectNode text = root.putObject("text_config");
    putTower(text, a.text());
    text.put("max_position_embeddings", a.contextLength());
    text.put("vocab_size", a.vocabSize());
    text.put("model_type", "clip_text_model");
    ObjectNode vision = root.putObject("vision_config");
    putTower(vision, a.vision());
    vision.put("image_size", a.imageResolution());
    vision.put("patch_size", a.patchSize());
    vision.put("num_channels", 3);
    vision.put("model_type", "clip_vision_model");
    return root;
  }

  private static void putTower(ObjectNode node, TowerShape t) {
    node.put("hidden_size", t.width());
    node.put("intermediate_size", t.mlpWidth());
    node.put("num_attention_heads", t.heads());
    node.put("num_hidden_layers", t.layers());
    node.put("hidden_act", t.activation().configName());
    node.put("layer_norm_eps", t.layerNormEps());
  }
}
