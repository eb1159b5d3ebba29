/**
 * Reading PyTorch checkpoint files without running pickled code: {@code torch.save} zip archives
 * ({@code pytorch_model.bin}, {@code open_clip_pytorch_model.bin}, {@code *.pt}, {@code *.pth}) and
 * TorchScript archives ({@code torch.jit.save}, e.g. OpenAI's {@code ViT-B-16.pt} and
 * {@code RN50.pt} from {@code clip.load}).
 *
 * <p>Both are zip files with one top-level folder holding {@code data.pkl} (a pickle of the object
 * tree), {@code data/<key>} (one raw little-endian entry per storage) and {@code version}; TorchScript
 * archives add {@code code/} and {@code constants.pkl}. {@link
 * org.ckcoop.backbone.pytorch.TorchCheckpointFile} unpickles {@code data.pkl} with an allow-list
 * unpickler: only the globals torch writes for tensors and containers are accepted ({@link
 * org.ckcoop.backbone.pytorch.TorchCheckpointFile#ALLOWED_GLOBALS}), TorchScript module classes
 * ({@code __torch__.*}) become inert attribute bags, and any other global stops the read with an
 * error naming it and the file. Tensor data is read on demand from the storage entries, honouring
 * storage offsets and strides (views, shared storages), and widened to F32 in Java.
 */
package org.ckcoop.backbone.pytorch;
