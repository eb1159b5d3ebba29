package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The generic {@code split-file} dataset: any image folder plus a split JSON in CoOp's
 * {@code split_zhou} format ({@code "train"}, {@code "val"}, {@code "test"} lists of
 * {@code [relative_image_path, label, class_name]}, paths relative to the folder). {@code "test"} is
 * required; {@code "train"} and {@code "val"} may be left out (a test-only dataset has neither).
 * Class names are used as the file gives them.
 */
final class SplitFileDataset implements DatasetReader {

  @Override
  public String name() {
    return "split-file";
  }

  @Override
  public List<String> aliases() {
    return List.of("splitfile", "split-json");
  }

  @Override
  public String description() {
    return "any image folder (dataset.root) plus a split JSON in CoOp's split_zhou format (dataset.split_file)";
  }

  @Override
  public ZeroShotTemplate template() {
    return ZeroShotTemplate.PHOTO;
  }

  @Override
  public DatasetSplits read(DatasetLocation location) {
    Path file = location.splitFile().orElseThrow(() -> new DatasetException("dataset.split_file",
        "the split-file dataset needs a split JSON; set dataset.split_file to a file of \"train\", \"val\" and \"test\" "
            + "lists of " + SplitJsonFile.ENTRY_FORM + " entries"));
    Path root = ImageFiles.requireFolder(location.root(), "the image folder that " + file.getFileName()
        + " lists paths in");
    String name = root.getFileName() == null ? name() : root.getFileName().toString();
    return SplitJsonFile.read(new SplitJsonFile.Spec(name, file, root, root, template(), ClassNameCleaning.NONE, false));
  }

  @Override
  public String toString() {
    return name();
  }
}
