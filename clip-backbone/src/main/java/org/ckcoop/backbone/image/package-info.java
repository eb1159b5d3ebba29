/**
 * CLIP's image preprocessing in plain Java, numerically faithful to the Python reference that
 * openai/CLIP ({@code clip/clip.py::_transform}) and Dassl/CoOp run: PIL decoding to RGB, Pillow's
 * antialiased bicubic resampling, and torchvision's {@code Resize}, {@code CenterCrop}, {@code
 * RandomResizedCrop}, {@code RandomHorizontalFlip}, {@code ToTensor} and {@code Normalize}.
 *
 * <p>Pipeline pieces:
 *
 * <ul>
 *   <li>{@link org.ckcoop.backbone.image.ImageDecoder}: PNG/JPEG bytes to {@link
 *       org.ckcoop.backbone.image.RgbImage} as {@code Image.open(p).convert("RGB")} does;
 *   <li>{@link org.ckcoop.backbone.image.BicubicResampler}: Pillow's {@code Image.resize(size,
 *       BICUBIC[, box])} bit for bit;
 *   <li>{@link org.ckcoop.backbone.image.ClipPreprocessor}: the evaluation transform (resize the
 *       shorter side, center crop, normalise) to a {@code [3, n, n]} CHW float tensor;
 *   <li>{@link org.ckcoop.backbone.image.TrainAugmentation}: CoOp's training transform (random
 *       resized crop, horizontal flip, normalise) driven by a caller-supplied seeded generator;
 *   <li>{@link org.ckcoop.backbone.image.ChannelNormalization}: {@code ToTensor} + {@code Normalize}
 *       in float32, exactly as torch computes them.
 * </ul>
 *
 * <p>Ordering note: Dassl (and so CoOp) converts to RGB when it reads the file and transforms the
 * RGB image; CLIP's own {@code _transform} converts after {@code Resize}/{@code CenterCrop}. Both
 * agree for RGB, grey and JPEG inputs. They differ for RGBA (Pillow resizes RGBA premultiplied)
 * and palette images (Pillow resizes mode P with NEAREST); this package follows Dassl/CoOp:
 * decode to RGB first, then transform.
 *
 * <p>All types are immutable or stateless and safe to use from several threads.
 */
package org.ckcoop.backbone.image;
