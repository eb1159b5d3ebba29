package org.ckcoop.backbone.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;

/**
 * OpenAI's tensor names ({@code visual.conv1.weight}, {@code transformer.resblocks.N...}), as in the
 * released CLIP models and in open_clip. The architecture comes from {@code open_clip_config.json}
 * when present; otherwise it is derived from tensor shapes as OpenAI's {@code build_model} does
 * (heads = width / 64, resolution = patch x grid, QuickGELU, layer-norm epsilon 1e-5). A
 * {@code visual.layer1.0.conv1.weight} tensor marks a ResNet image tower ({@link ResNetShape}):
 * blocks per stage from the names, width from that tensor, resolution = 32 x the attention pool's
 * grid, heads = width x 32 / 64 (open_clip: {@code vision_cfg.layers} a list, heads = width x 32 /
 * head_width); the batch norms' {@code num_batches_tracked} buffers are ignored.
 */
public final class OpenAiLayout implements CheckpointLayout {
  /** The open_clip config file name. */
  public static final String CONFIG = "open_clip_config.json";
  /** The weights file name used with an open_clip config. */
  public static final String WEIGHTS = "open_clip_model";
  /** The weights file name used without a config. */
  public static final String PLAIN_WEIGHTS = "model";

  private static final Pattern VISUAL_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d+)\\.");
  private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.");
  /** Buffers and scalars some exports carry that are not weights. */
  private static final Set<String> NON_WEIGHTS = Set.of("input_resolution", "context_length", "vocab_size", "attn_mask");
  /** Marks an option that must be absent, null or empty. */
  private static final Object NULL_VALUE = new Object();

  /**
   * open_clip options this backbone understands, with the values it implements ({@code null}: any
   * value, read or irrelevant to inference). Any other key, or another value, is rejected by name so
   * that a model that would compute something else never loads silently.
   */
  private static final Map<String, Object> MODEL_KEYS = allowed(
      "embed_dim", null, "quick_gelu", null, "vision_cfg", null, "text_cfg", null, "cast_dtype", null,
      "init_logit_scale", null, "init_logit_bias", NULL_VALUE, "custom_text", false);
  private static final Map<String, Object> VISION_KEYS = allowed(
      "image_size", null, "layers", null, "width", null, "head_width", null, "mlp_ratio", null,
      "patch_size", null, "norm_kwargs", null, "patch_dropout", null, "output_tokens", null,
      "ls_init_value", NULL_VALUE, "attentional_pool", false, "pool_type", "tok", "final_ln_after_pool", false,
      "no_ln_pre", false, "input_patchnorm", false, "pos_embed_type", "learnable", "timm_model_name", NULL_VALUE,
      "act_kwargs", NULL_VALUE, "global_average_pool", false);
  private static final Map<String, Object> TEXT_KEYS = allowed(
      "context_length", null, "vocab_size", null, "width", null, "heads", null, "layers", null, "mlp_ratio", null,
      "norm_kwargs", null, "output_tokens", null, "pad_id", 0, "ls_init_value", NULL_VALUE, "hf_model_name", NULL_VALUE,
      "hf_tokenizer_name", NULL_VALUE, "tokenizer_kwargs", NULL_VALUE, "proj_type", "linear", "proj_bias", false,
      "pool_type", "argmax", "embed_cls", false, "no_causal_mask", false, "final_ln_after_pool", false,
      "act_kwargs", NULL_VALUE);

  private final boolean writeConfig;

  /**
   * Creates the layout.
   *
   * @param writeConfig whether {@link #write} writes {@code open_clip_config.json} (needed for widths
   *     that are not multiples of 64 and for GELU models) or only OpenAI-named weights
   */
  public OpenAiLayout(boolean writeConfig) {
    this.writeConfig = writeConfig;
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public boolean recognizes(Path dir) {
    if (Files.isRegularFile(dir.resolve(CONFIG))) {
      // A Hugging Face folder may carry an open_clip config too (LAION hub repos do): it is ours only
      // when open_clip weights are there, or when there is no Hugging Face config to fall back to.
      return hasOwnWeights(dir) || findPlainWeights(dir) != null
          || !Files.isRegularFile(dir.resolve(HuggingFaceLayout.CONFIG));
    }
    return findPlainWeights(dir) != null;
  }

  private static boolean hasOwnWeights(Path dir) {
    return CheckpointTensors.exists(dir, WEIGHTS);
  }

  private static Path findPlainWeights(Path dir) {
    List<Path> candidates;
    try (Stream<Path> files = Files.list(dir)) {
      candidates = files.filter(p -> CheckpointTensors.isWeightsFileName(p.getFileName().toString()))
          .sorted(java.util.Comparator.comparing((Path p) -> !p.getFileName().toString().endsWith(".safetensors"))
              .thenComparing(Path::getFileName))
          .toList();
    } catch (IOException e) {
      return null;
    }
    for (Path p : candidates) {
      try (CheckpointTensors t = CheckpointTensors.openSingle(p)) {
        if (t.contains("visual.conv1.weight")) {
          return p;
        }
      } catch (CheckpointException e) {
        if (candidates.size() == 1) {
          throw e;
        }
      }
    }
    return null;
  }

  @Override
  public ClipCheckpoint readFolder(Path dir) {
    Path config = dir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      return readFile(findPlainWeights(dir));
    }
    JsonNode root = ConfigFiles.read(config);
    JsonNode modelCfg = root.has("model_cfg") ? root.get("model_cfg") : root;
    JsonNode preprocess = root.get("preprocess_cfg");
    ClipArchitecture architecture = fromOpenClipConfig(config, modelCfg);
    ImageNormalization normalization = new ImageNormalization(
        ConfigFiles.triple(config, preprocess, "mean", ImageNormalization.CLIP.mean()),
        ConfigFiles.triple(config, preprocess, "std", ImageNormalization.CLIP.std()));
    try (CheckpointTensors stored = hasOwnWeights(dir)
        ? CheckpointTensors.open(dir, WEIGHTS)
        : CheckpointTensors.openSingle(requirePlainWeights(dir))) {
      Map<String, FloatTensor> weights = CanonicalWeights.assemble(
          stored, architecture, WeightRecipe::same, OpenAiLayout::ignorable, "the sizes in " + config);
      return new ClipCheckpoint(dir, name(), architecture, normalization, weights);
    }
  }

  private static Path requirePlainWeights(Path dir) {
    Path p = findPlainWeights(dir);
    if (p == null) {
      throw new CheckpointException(
          dir, "has " + CONFIG + " but no " + WEIGHTS + ".safetensors (nor another .safetensors, .bin, .pt or .pth "
              + "with OpenAI names)");
    }
    return p;
  }

  /** Reads a single weights file (safetensors or PyTorch) with OpenAI's names, deriving the architecture from shapes. */
  static ClipCheckpoint readFile(Path file) {
    try (CheckpointTensors stored = CheckpointTensors.openSingle(file)) {
      ClipArchitecture architecture = deriveFromShapes(stored);
      Map<String, FloatTensor> weights = CanonicalWeights.assemble(
          stored, architecture, WeightRecipe::same, OpenAiLayout::ignorable,
          "the architecture derived from the tensor shapes");
      return new ClipCheckpoint(file, "openai", architecture, ImageNormalization.CLIP, weights);
    }
  }

  private static boolean ignorable(String name) {
    return NON_WEIGHTS.contains(name) || name.endsWith("position_ids") || name.endsWith(".num_batches_tracked");
  }

  /** The tensor whose presence marks a ResNet image tower, as in OpenAI's {@code build_model}. */
  static final String RESNET_MARKER = "visual.layer1.0.conv1.weight";

  private static ClipArchitecture deriveFromShapes(CheckpointTensors t) {
    if (t.contains(RESNET_MARKER)) {
      return deriveResNetFromShapes(t);
    }
    Path file = t.description();
    long[] conv = require(t, "visual.conv1.weight", 4);
    long[] visualPos = require(t, "visual.positional_embedding", 2);
    long[] textProj = require(t, "text_projection", 2);
    long[] textPos = require(t, "positional_embedding", 2);
    long[] tokens = require(t, "token_embedding.weight", 2);
    long[] lnFinal = require(t, "ln_final.weight", 1);
    int visionWidth = (int) conv[0];
    int patch = (int) conv[3];
    int grid = (int) Math.round(Math.sqrt(visualPos[0] - 1));
    if (grid * grid + 1 != visualPos[0]) {
      throw new CheckpointException(file, "tensor 'visual.positional_embedding' has " + visualPos[0]
          + " rows, expected a square number of patches + 1");
    }
    int textWidth = (int) lnFinal[0];
    int visionLayers = countBlocks(t, VISUAL_BLOCK);
    int textLayers = countBlocks(t, TEXT_BLOCK);
    if (visionLayers == 0 || textLayers == 0) {
      throw new CheckpointException(file, "no transformer blocks found (visual.transformer.resblocks.N / transformer.resblocks.N)");
    }
    int visionMlp = (int) require(t, "visual.transformer.resblocks.0.mlp.c_fc.weight", 2)[0];
    int textMlp = (int) require(t, "transformer.resblocks.0.mlp.c_fc.weight", 2)[0];
    return new ClipArchitecture(
        (int) textProj[1], patch * grid, patch,
        new TowerShape(visionWidth, visionLayers, headsFor(file, "vision", visionWidth), visionMlp, Activation.QUICK_GELU, 1e-5),
        (int) textPos[0], (int) tokens[0],
        new TowerShape(textWidth, textLayers, headsFor(file, "text", textWidth), textMlp, Activation.QUICK_GELU, 1e-5));
  }

  /**
   * OpenAI's {@code build_model} for a ResNet image tower: blocks per stage counted from the names
   * {@code visual.layerS.B.*}, width from {@code visual.layer1.0.conv1.weight}, the attention pool's
   * grid from its positional embedding (resolution = grid x 32), heads = width x 32 / 64.
   */
  private static ClipArchitecture deriveResNetFromShapes(CheckpointTensors t) {
    Path file = t.description();
    long[] first = require(t, RESNET_MARKER, 4);
    long[] pool = require(t, "visual.attnpool.positional_embedding", 2);
    int width = (int) first[0];
    int grid = (int) Math.round(Math.sqrt(pool[0] - 1));
    if (grid * grid + 1 != pool[0]) {
      throw new CheckpointException(file, "tensor 'visual.attnpool.positional_embedding' has " + pool[0]
          + " rows, expected a square grid + 1");
    }
    List<Integer> layers = new java.util.ArrayList<>();
    for (int stage = 1; stage <= 4; stage++) {
      int blocks = countBlocks(t, Pattern.compile("^visual\\.layer" + stage + "\\.(\\d+)\\."));
      if (blocks == 0) {
        throw new CheckpointException(file, "no blocks of ResNet stage " + stage + " found (visual.layer" + stage + ".N...)");
      }
      layers.add(blocks);
    }
    if (width < 2 || width % 2 != 0) {
      throw new CheckpointException(file, "tensor '" + RESNET_MARKER + "' gives the ResNet width " + width
          + "; OpenAI's rule for the attention pool's heads (width x 32 / 64) needs an even width");
    }
    ResNetShape image = new ResNetShape(layers, width, ResNetShape.openAiHeads(width));
    Text text = deriveText(t);
    try {
      return new ClipArchitecture(text.embedDim(), grid * ResNetShape.DOWNSAMPLING, image, text.contextLength(),
          text.vocabSize(), text.shape());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, e.getMessage(), e);
    }
  }

  /** The text tower and joint embedding as derived from shapes. */
  private record Text(int embedDim, int contextLength, int vocabSize, TowerShape shape) {}

  private static Text deriveText(CheckpointTensors t) {
    Path file = t.description();
    long[] textProj = require(t, "text_projection", 2);
    long[] textPos = require(t, "positional_embedding", 2);
    long[] tokens = require(t, "token_embedding.weight", 2);
    long[] lnFinal = require(t, "ln_final.weight", 1);
    int textWidth = (int) lnFinal[0];
    int textLayers = countBlocks(t, TEXT_BLOCK);
    if (textLayers == 0) {
      throw new CheckpointException(file, "no text transformer blocks found (transformer.resblocks.N)");
    }
    int textMlp = (int) require(t, "transformer.resblocks.0.mlp.c_fc.weight", 2)[0];
    return new Text((int) textProj[1], (int) textPos[0], (int) tokens[0],
        new TowerShape(textWidth, textLayers, headsFor(file, "text", textWidth), textMlp, Activation.QUICK_GELU, 1e-5));
  }

  private static int headsFor(Path file, String tower, int width) {
    if (width < 64 || width % 64 != 0) {
      throw new CheckpointException(file, "cannot derive the number of heads of the " + tower + " tower from width "
          + width + " (OpenAI's rule is width / 64); add an " + CONFIG + " that states the sizes");
    }
    return width / 64;
  }

  private static long[] require(CheckpointTensors t, String name, int rank) {
    if (!t.contains(name)) {
      throw new CheckpointException(t.description(), "missing tensor '" + name + "', needed to derive the architecture");
    }
    long[] shape = t.shape(name);
    if (shape.length != rank) {
      throw new CheckpointException(t.fileOf(name), "tensor '" + name + "' has shape "
          + java.util.Arrays.toString(shape) + ", expected " + rank + " dimensions");
    }
    return shape;
  }

  private static int countBlocks(CheckpointTensors t, Pattern pattern) {
    int max = -1;
    for (String name : t.names()) {
      Matcher m = pattern.matcher(name);
      if (m.find()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return max + 1;
  }

  private static ClipArchitecture fromOpenClipConfig(Path file, JsonNode cfg) {
    JsonNode vision = cfg.get("vision_cfg");
    JsonNode text = cfg.get("text_cfg");
    if (vision == null || text == null || !cfg.has("embed_dim")) {
      throw new CheckpointException(file, "expected model_cfg with embed_dim, vision_cfg and text_cfg");
    }
    checkKeys(file, cfg, "model_cfg.", MODEL_KEYS);
    checkKeys(file, vision, "vision_cfg.", VISION_KEYS);
    checkKeys(file, text, "text_cfg.", TEXT_KEYS);
    double visionEps = ConfigFiles.doubleValue(file, vision.get("norm_kwargs"), "vision_cfg.norm_kwargs.", "eps", 1e-5);
    double textEps = ConfigFiles.doubleValue(file, text.get("norm_kwargs"), "text_cfg.norm_kwargs.", "eps", 1e-5);
    Activation act = cfg.path("quick_gelu").asBoolean(false) ? Activation.QUICK_GELU : Activation.GELU;
    if (vision.path("layers").isArray()) {
      return resNetFromOpenClipConfig(file, cfg, vision, text, act, textEps);
    }
    int vWidth = ConfigFiles.intValue(file, vision, "vision_cfg.", "width", 768);
    int headWidth = ConfigFiles.intValue(file, vision, "vision_cfg.", "head_width", 64);
    if (headWidth <= 0 || vWidth % headWidth != 0) {
      throw new CheckpointException(file, "vision_cfg.width " + vWidth + " is not a multiple of head_width " + headWidth);
    }
    double vRatio = ConfigFiles.doubleValue(file, vision, "vision_cfg.", "mlp_ratio", 4.0);
    int tWidth = ConfigFiles.intValue(file, text, "text_cfg.", "width", 512);
    double tRatio = ConfigFiles.doubleValue(file, text, "text_cfg.", "mlp_ratio", 4.0);
    try {
      return new ClipArchitecture(
          ConfigFiles.intValue(file, cfg, "model_cfg.", "embed_dim", 512),
          ConfigFiles.intValue(file, vision, "vision_cfg.", "image_size", 224),
          ConfigFiles.intValue(file, vision, "vision_cfg.", "patch_size", 16),
          new TowerShape(vWidth, ConfigFiles.intValue(file, vision, "vision_cfg.", "layers", 12), vWidth / headWidth,
              (int) (vWidth * vRatio), act, visionEps),
          ConfigFiles.intValue(file, text, "text_cfg.", "context_length", 77),
          ConfigFiles.intValue(file, text, "text_cfg.", "vocab_size", 49408),
          new TowerShape(tWidth, ConfigFiles.intValue(file, text, "text_cfg.", "layers", 12),
              ConfigFiles.intValue(file, text, "text_cfg.", "heads", 8), (int) (tWidth * tRatio), act, textEps));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, e.getMessage(), e);
    }
  }

  /**
   * open_clip's ResNet branch ({@code vision_cfg.layers} a list of four stage depths): heads =
   * {@code width * 32 / head_width}, as open_clip's {@code _build_vision_tower} computes them.
   */
  private static ClipArchitecture resNetFromOpenClipConfig(
      Path file, JsonNode cfg, JsonNode vision, JsonNode text, Activation act, double textEps) {
    List<Integer> layers = new java.util.ArrayList<>();
    for (JsonNode n : vision.get("layers")) {
      if (!n.isIntegralNumber()) {
        throw new CheckpointException(file, "vision_cfg.layers must be a list of integers, got " + vision.get("layers"));
      }
      layers.add(n.asInt());
    }
    int width = ConfigFiles.intValue(file, vision, "vision_cfg.", "width", 64);
    int headWidth = ConfigFiles.intValue(file, vision, "vision_cfg.", "head_width", 64);
    if (headWidth <= 0 || (width * 32) % headWidth != 0) {
      throw new CheckpointException(file, "vision_cfg.width x 32 = " + width * 32 + " is not a multiple of head_width "
          + headWidth);
    }
    int tWidth = ConfigFiles.intValue(file, text, "text_cfg.", "width", 512);
    double tRatio = ConfigFiles.doubleValue(file, text, "text_cfg.", "mlp_ratio", 4.0);
    try {
      return new ClipArchitecture(
          ConfigFiles.intValue(file, cfg, "model_cfg.", "embed_dim", 1024),
          ConfigFiles.intValue(file, vision, "vision_cfg.", "image_size", 224),
          new ResNetShape(layers, width, width * 32 / headWidth),
          ConfigFiles.intValue(file, text, "text_cfg.", "context_length", 77),
          ConfigFiles.intValue(file, text, "text_cfg.", "vocab_size", 49408),
          new TowerShape(tWidth, ConfigFiles.intValue(file, text, "text_cfg.", "layers", 12),
              ConfigFiles.intValue(file, text, "text_cfg.", "heads", 8), (int) (tWidth * tRatio), act, textEps));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, "vision_cfg: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> allowed(Object... pairs) {
    Map<String, Object> map = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static void checkKeys(Path file, JsonNode node, String path, Map<String, Object> allowed) {
    for (var it = node.fields(); it.hasNext(); ) {
      var field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (!allowed.containsKey(key)) {
        throw new CheckpointException(file, path + key + " is an open_clip option this CLIP backbone does not implement");
      }
      Object expected = allowed.get(key);
      if (expected == null || value.isNull()) {
        continue;
      }
      boolean ok;
      if (expected == NULL_VALUE) {
        ok = (value.isObject() || value.isArray()) && value.isEmpty();
      } else if (expected instanceof Boolean b) {
        ok = value.isBoolean() && value.asBoolean() == b;
      } else if (expected instanceof Integer n) {
        ok = value.isIntegralNumber() && value.asInt() == n;
      } else {
        ok = value.isTextual() && value.asText().equals(expected);
      }
      if (!ok) {
        throw new CheckpointException(file, path + key + " = " + value + " is not supported by this CLIP backbone"
            + (expected == NULL_VALUE ? "" : " (only " + expected + ")"));
      }
    }
    if (path.equals("vision_cfg.") || path.equals("text_cfg.")) {
      JsonNode norm = node.get("norm_kwargs");
      if (norm != null && !norm.isNull()) {
        for (var it = norm.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!k.equals("eps")) {
            throw new CheckpointException(file, path + "norm_kwargs." + k + " is not supported (only eps)");
          }
        }
      }
    }
  }

  @Override
  public void write(ClipCheckpoint checkpoint, Path dir, StorageType type) {
    ClipArchitecture a = checkpoint.architecture();
    boolean vit = a.hasVitImageTower();
    if (!writeConfig) {
      boolean textDerivable = a.text().activation() == Activation.QUICK_GELU
          && a.text().heads() * 64 == a.text().width() && a.text().layerNormEps() == 1e-5;
      boolean imageDerivable;
      if (vit) {
        imageDerivable = a.vision().activation() == Activation.QUICK_GELU
            && a.vision().heads() * 64 == a.vision().width() && a.vision().layerNormEps() == 1e-5;
      } else {
        ResNetShape r = (ResNetShape) a.imageTower();
        imageDerivable = r.heads() == ResNetShape.openAiHeads(r.width());
      }
      if (!textDerivable || !imageDerivable) {
        throw new IllegalArgumentException(
            "this architecture cannot be derived from tensor shapes alone; write it with its config");
      }
    } else if (vit && a.vision().activation() != a.text().activation()) {
      throw new IllegalArgumentException(
          "open_clip configs have one activation for both towers; use the Hugging Face layout");
    }
    ConfigFiles.createFolder(dir);
    SafetensorsWriter writer = new SafetensorsWriter().putMetadata("format", "pt");
    CanonicalWeights.disassemble(checkpoint.weights(), WeightRecipe::same, writer, type);
    if (writeConfig) {
      writer.write(dir.resolve(WEIGHTS + ".safetensors"));
      ConfigFiles.write(dir.resolve(CONFIG), openClipConfig(checkpoint));
    } else {
      writer.write(dir.resolve(PLAIN_WEIGHTS + ".safetensors"));
    }
  }

  /** Returns a ratio r with {@code (int) (width * r) == mlpWidth}, as open_clip computes the MLP width. */
  private static double mlpRatio(TowerShape tower) {
    double ratio = (double) tower.mlpWidth() / tower.width();
    while ((int) (tower.width() * ratio) < tower.mlpWidth()) {
      ratio = Math.nextUp(ratio);
    }
    return ratio;
  }

  private static ObjectNode openClipConfig(ClipCheckpoint checkpoint) {
    ClipArchitecture a = checkpoint.architecture();
    ObjectNode root = ConfigFiles.JSON.createObjectNode();
    ObjectNode model = root.putObject("model_cfg");
    model.put("embed_dim", a.embedDim());
    model.put("quick_gelu", a.text().activation() == Activation.QUICK_GELU);
    ObjectNode vision = model.putObject("vision_cfg");
    vision.put("image_size", a.imageResolution());
    if (a.imageTower() instanceof ResNetShape r) {
      r.layers().forEach(vision.putArray("layers")::add);
      vision.put("width", r.width());
      vision.put("head_width", r.poolWidth() / r.heads());
      vision.putNull("patch_size");
    } else {
      vision.put("layers", a.vision().layers());
      vision.put("width", a.vision().width());
      vision.put("head_width", a.vision().headWidth());
      vision.put("mlp_ratio", mlpRatio(a.vision()));
      vision.put("patch_size", a.patchSize());
      if (a.vision().layerNormEps() != 1e-5) {
        vision.putObject("norm_kwargs").put("eps", a.vision().layerNormEps());
      }
    }
    ObjectNode text = model.putObject("text_cfg");
    text.put("context_length", a.contextLength());
    text.put("vocab_size", a.vocabSize());
    text.put("width", a.text().width());
    text.put("heads", a.text().heads());
    text.put("layers", a.text().layers());
    text.put("mlp_ratio", mlpRatio(a.text()));
    if (a.text().layerNormEps() != 1e-5) {
      text.putObject("norm_kwargs").put("eps", a.text().layerNormEps());
    }
    ObjectNode preprocess = root.putObject("preprocess_cfg");
    preprocess.putPOJO("mean", checkpoint.normalization().mean());
    preprocess.putPOJO("std", checkpoint.normalization().std());
    return root;
  }
}
