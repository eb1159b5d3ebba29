package org.ckcoop.eval.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a dataset turns the class names of its source (folder names, annotation strings) into the names
 * prompts use, as CoOp's dataset code does (methods notes 6.1). CoOp's {@code split_zhou_*.json}
 * files already hold cleaned names; every cleaning here is idempotent (a cleaned name stays as it is),
 * so a reader can apply it to a split file's names and change only names that were not cleaned.
 */
@FunctionalInterface
public interface ClassNameCleaning {

  /** Returns the cleaned name of a raw class name. */
  String clean(String raw);

  /** Keeps names as they are (DTD, Food101, FGVCAircraft, OxfordFlowers, ImageNet and its variants). */
  ClassNameCleaning NONE = raw -> raw;

  /** Caltech101: airplanes, Faces, Leopards, Motorbikes become airplane, face, leopard, motorbike. */
  ClassNameCleaning CALTECH101 = renaming(Map.of(
      "airplanes", "airplane", "Faces", "face", "Leopards", "leopard", "Motorbikes", "motorbike"));

  /** EuroSAT: the folder names become CoOp's descriptive names ({@code AnnualCrop} is {@code Annual Crop Land}). */
  ClassNameCleaning EUROSAT = renaming(Map.of(
      "AnnualCrop", "Annual Crop Land",
      "Forest", "Forest",
      "HerbaceousVegetation", "Herbaceous Vegetation Land",
      "Highway", "Highway or Road",
      "Industrial", "Industrial Buildings",
      "Pasture", "Pasture Land",
      "PermanentCrop", "Permanent Crop Land",
      "Residential", "Residential Buildings",
      "River", "River",
      "SeaLake", "Sea or Lake"));

  /** OxfordPets: the breed in lower case ({@code Abyssinian} is {@code abyssinian}). */
  ClassNameCleaning OXFORD_PETS = raw -> raw.toLowerCase(Locale.ROOT);

  /**
   * StanfordCars: the model year moves to the front ({@code Tesla Model S Sedan 2012} is
   * {@code 2012 Tesla Model S Sedan}); a name that already starts with a year is kept.
   */
  ClassNameCleaning STANFORD_CARS = raw -> {
    String[] words = raw.split(" ");
    boolean endsWithYear = words.length > 1 && words[words.length - 1].matches("(19|20)\\d\\d");
    if (!endsWithYear || words[0].matches("(19|20)\\d\\d")) {
      return raw;
    }
    List<String> list = new ArrayList<>(List.of(words));
    list.add(0, list.remove(list.size() - 1));
    return String.join(" ", list);
  };

  /**
   * SUN397: the category path without its first letter, reversed ({@code /b/bakery/shop} is
   * {@code shop bakery}); a name without {@code /} is kept.
   */
  ClassNameCleaning SUN397 = raw -> {
    if (raw.indexOf('/') < 0) {
      return raw;
    }
    String path = raw.startsWith("/") ? raw.substring(1) : raw;
    List<String> names = new ArrayList<>(List.of(path.split("/")));
    names.remove(0);
    Collections.reverse(names);
    return names.isEmpty() ? raw : String.join(" ", names);
  };

  /**
   * UCF101: CamelCase split into words joined by underscores ({@code ApplyEyeMakeup} is
   * {@code Apply_Eye_Makeup}), like CoOp's {@code re.findall("[A-Z][^A-Z]*", action)}; a name with an
   * underscore, or not starting with a capital, is kept.
   */
  ClassNameCleaning UCF101 = raw -> {
    if (raw.indexOf('_') >= 0 || raw.isEmpty() || !Character.isUpperCase(raw.charAt(0)) || raw.charAt(0) > 'Z') {
      return raw;
    }
    Matcher m = Pattern.compile("[A-Z][^A-Z]*").matcher(raw);
    List<String> parts = new ArrayList<>();
    while (m.find()) {
      parts.add(m.group());
    }
    return String.join("_", parts);
  };

  /** Returns a cleaning that renames the names in {@code renames} and keeps the others. */
  static ClassNameCleaning renaming(Map<String, String> renames) {
    Map<String, String> copy = Map.copyOf(renames);
    return raw -> copy.getOrDefault(raw, raw);
  }
}
