#!/usr/bin/python3
"""Generates the golden fixtures for org.ckcoop.backbone.image from real Pillow.

Run with Debian's Python (which has python3-pil and python3-numpy):

    /usr/bin/python3 generate_golden.py

from this directory. It rewrites the test images, golden.txt and the *.f32 tensor files. It is
deterministic: running it twice gives byte-identical files (for a given Pillow / libjpeg-turbo).

The reference for torchvision is a plain numpy re-implementation of exactly the arithmetic that
torchvision (0.8 ... 0.2x) applies to PIL images in CLIP's `_transform` and Dassl/CoOp:

  * Resize(n)            -> PIL `img.resize((new_w, new_h), BICUBIC)` with the shorter side = n and
                            the longer side = int(n * long / short) (_compute_resized_output_size)
  * CenterCrop(n)        -> zero padding if the image is smaller (left/top = (n - size) // 2,
                            right/bottom = (n - size + 1) // 2), then
                            top = int(round((h - n) / 2.0)), left = int(round((w - n) / 2.0))
  * RandomResizedCrop    -> `img.crop((left, top, left + w, top + h)).resize((n, n), BICUBIC)`
  * RandomHorizontalFlip -> `img.transpose(FLIP_LEFT_RIGHT)`
  * ToTensor + Normalize -> float32: (x / 255 - mean) / std, CHW

golden.txt lines (whitespace separated, '#' starts a comment):

  decode      FILE W H SHA256          Image.open(FILE).convert("RGB") bytes (HWC, RGB)
  decode16    FILE W H SHA256 PILSHA   16-bit grey: the high-byte rule (SHA256) and what PIL
                                       itself gives (PILSHA, I -> RGB clips at 255)
  jpeg        FILE REFPNG              REFPNG holds Pillow's decode of the JPEG FILE, losslessly
  resize      FILE OW OH SHA256        img.resize((OW, OH), BICUBIC)
  resizebox   FILE OW OH L T R B SHA256  img.resize((OW, OH), BICUBIC, box=(L, T, R, B))
  resizedcrop FILE TOP LEFT H W N FLIP SHA256  crop, resize to N x N, optional flip
  centercrop  FILE N SHA256            torchvision CenterCrop(N) alone (may pad)
  cropparams  W H TOP LEFT CH CW FLIP U...  RandomResizedCrop.get_params + RandomHorizontalFlip
                                       on a W x H image fed with the uniforms U... in draw order
                                       (randint(0, b - 1) is taken as int(u * b))
  preprocess  FILE N RGBSHA TENSORSHA STRIDE SAMPLES
                                       Resize(N) + CenterCrop(N): RGB bytes digest; the float32
                                       little-endian tensor digest; SAMPLES holds every STRIDE-th
                                       value of the flattened CHW tensor as float32 little-endian
"""

import hashlib
import math
import os
import random
import struct
import zlib

import numpy as np
from PIL import Image, ImageCms

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
BICUBIC = Image.BICUBIC


def sha(data):
    return hashlib.sha256(data).hexdigest()


def out(name):
    return os.path.join(HERE, name)


# ---------------------------------------------------------------- synthetic content


def noise(w, h, seed, channels=3, maxval=255, dtype=np.uint8):
    rng = np.random.default_rng(seed)
    return rng.integers(0, maxval + 1, size=(h, w, channels), endpoint=False).astype(dtype)


def structured(w, h, seed):
    """Compressible but resampling-hostile content: gradients, hard edges and coloured blocks."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 255 // max(w - 1, 1)).astype(np.int32)
    r = np.where((x // 9) % 2 == 0, r, 255 - r)
    g = (127.5 + 127.5 * np.sin(x / 5.0) * np.cos(y / 7.0)).astype(np.int32)
    palette = rng.integers(0, 256, size=(64, 3))
    block = ((y // 11) * 7 + (x // 13) * 3) % 64
    b = palette[block, 2]
    img = np.stack([r, g, b], axis=-1)
    # a few saturated bars to make the bicubic filter overshoot (clipping path)
    img[(y % 37) < 3] = [255, 255, 255]
    img[(x % 41) < 2] = [0, 0, 0]
    img[:, :, 0] = np.where(block % 5 == 0, palette[block, 0], img[:, :, 0])
    return img.clip(0, 255).astype(np.uint8)


def smooth(w, h):
    """Photo-like smooth content for JPEG (so the JPEG stays small and realistic)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 100 * np.sin(x / 9.0 + y / 23.0)
    g = 128 + 90 * np.cos(y / 7.0) * np.sin(x / 17.0)
    b = 60 + 150 * (x + y) / (w + h)
    img = np.stack([r, g, b], axis=-1)
    img[(x - w / 2) ** 2 + (y - h / 2) ** 2 < (min(w, h) / 4) ** 2] = [250, 20, 30]
    img[int(h * 0.7):int(h * 0.8), int(w * 0.1):int(w * 0.6)] = [10, 10, 240]
    return img.clip(0, 255).astype(np.uint8)


# ---------------------------------------------------------------- a tiny PNG encoder
# Pillow cannot write 16-bit RGB(A), 1/2-bit grey, tRNS for RGB, gAMA, or Adam7 interlacing; this
# encoder writes them (filter type 0, one IDAT). Pillow then decodes them as the reference.


def _chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _pack_rows(samples, bit_depth):
    """samples: (h, w*channels) array of ints -> list of packed row bytes."""
    rows = []
    for row in samples:
        if bit_depth == 16:
            rows.append(row.astype(">u2").tobytes())
        elif bit_depth == 8:
            rows.append(row.astype(np.uint8).tobytes())
        else:
            per_byte = 8 // bit_depth
            buf = bytearray((len(row) * bit_depth + 7) // 8)
            for i, v in enumerate(row):
                buf[i // per_byte] |= int(v) << (8 - bit_depth * (i % per_byte + 1))
            rows.append(bytes(buf))
    return rows


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(name, pixels, color_type, bit_depth, palette=None, trns=None, gamma=None,
              interlace=False):
    """pixels: (h, w, channels) array of raw sample values (palette indices for type 3)."""
    h, w = pixels.shape[:2]
    ch = pixels.shape[2]
    raw = b""
    if not interlace:
        for r in _pack_rows(pixels.reshape(h, w * ch), bit_depth):
            raw += b"\x00" + r
    else:
        for (x0, y0, dx, dy) in ADAM7:
            sub = pixels[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for r in _pack_rows(sub.reshape(sub.shape[0], sub.shape[1] * ch), bit_depth):
                raw += b"\x00" + r
    data = b"\x89PNG\r\n\x1a\n"
    data += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0,
                                        1 if interlace else 0))
    if gamma is not None:
        data += _chunk(b"gAMA", struct.pack(">I", gamma))
    if palette is not None:
        data += _chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        data += _chunk(b"tRNS", trns)
    data += _chunk(b"IDAT", zlib.compress(raw, 9))
    data += _chunk(b"IEND", b"")
    with open(out(name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- a non-sRGB ICC profile
# A minimal ICC v2 display profile with linear (gamma 1.0) tone curves: a decoder that applied the
# embedded profile (ImageIO's JPEG reader does, by default) would change every sample; PIL does not.


def _s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def linear_icc(grey=False):
    def xyz(x, y, z):
        return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)

    text = b"linear test profile\0"
    desc = (b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4) + bytes(4)
            + bytes(2) + bytes(1) + bytes(67))
    curve = b"curv" + bytes(4) + struct.pack(">I", 1) + struct.pack(">H", 0x0100) + bytes(2)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
            (b"cprt", b"text" + bytes(4) + b"public domain\0")]
    if grey:
        tags.append((b"kTRC", curve))
    else:
        tags += [(b"rXYZ", xyz(0.4361, 0.2225, 0.0139)), (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
                 (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)), (b"rTRC", curve), (b"gTRC", curve),
                 (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    body = b""
    for sig, data in tags:
        data += bytes(-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"none" + struct.pack(">I", 0x02100000) + b"mntr"
              + (b"GRAY" if grey else b"RGB ") + b"XYZ " + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
              + b"acsp" + bytes(4 * 5) + bytes(8) + bytes(4) + _s15(0.9642) + _s15(1.0)
              + _s15(0.8249) + b"none")
    header += bytes(128 - len(header))
    return header + table + body


# ---------------------------------------------------------------- torchvision arithmetic


def tv_resize(img, n):
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = n, int(n * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return img.resize((new_w, new_h), BICUBIC)


def tv_center_crop(arr, n):
    """arr: HWC uint8 -> HWC uint8 (torchvision center_crop incl. its zero padding)."""
    h, w = arr.shape[:2]
    if n > w or n > h:
        left = (n - w) // 2 if n > w else 0
        top = (n - h) // 2 if n > h else 0
        right = (n - w + 1) // 2 if n > w else 0
        bottom = (n - h + 1) // 2 if n > h else 0
        arr = np.pad(arr, ((top, bottom), (left, right), (0, 0)), constant_values=0)
        h, w = arr.shape[:2]
        if w == n and h == n:
            return arr
    top = int(round((h - n) / 2.0))
    left = int(round((w - n) / 2.0))
    return arr[top:top + n, left:left + n]


def to_tensor_normalize(arr):
    t = arr.transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    return (t - MEAN[:, None, None]) / STD[:, None, None]


def get_params(width, height, draws, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0)):
    """torchvision's RandomResizedCrop.get_params (python floats), uniforms taken from draws."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target_area = area * (scale[0] + (scale[1] - scale[0]) * next(draws))
        aspect_ratio = math.exp(log_ratio[0] + (log_ratio[1] - log_ratio[0]) * next(draws))
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if 0 < w <= width and 0 < h <= height:
            i = int(next(draws) * (height - h + 1))
            j = int(next(draws) * (width - w + 1))
            return i, j, h, w
    in_ratio = float(width) / float(height)
    if in_ratio < min(ratio):
        w = width
        h = int(round(w / min(ratio)))
    elif in_ratio > max(ratio):
        h = height
        w = int(round(h * max(ratio)))
    else:
        w = width
        h = height
    i = (height - h) // 2
    j = (width - w) // 2
    return i, j, h, w


def rgb(path):
    return Image.open(out(path)).convert("RGB")


# ---------------------------------------------------------------- main


def main():
    lines = ["# generated by generate_golden.py with Pillow " + Image.__version__ + "; do not edit"]
    for f in os.listdir(HERE):
        if f.endswith((".png", ".jpg", ".f32")):
            os.remove(out(f))

    # --- PNGs written by Pillow
    Image.fromarray(noise(37, 23, 1)).save(out("rgb_37x23.png"))
    Image.fromarray(structured(300, 200, 2)).save(out("rgb_300x200.png"), optimize=True)
    Image.fromarray(structured(64, 400, 3)).save(out("rgb_64x400.png"), optimize=True)
    Image.fromarray(structured(400, 300, 4)).save(out("rgb_400x300.png"), optimize=True)
    rgba = noise(45, 31, 5, channels=4)
    rgba[::3, ::2, 3] = 0  # fully transparent pixels keep their colour in convert("RGB")
    Image.fromarray(rgba, "RGBA").save(out("rgba_45x31.png"))
    Image.fromarray(noise(50, 33, 6, channels=1)[:, :, 0], "L").save(out("grey_50x33.png"))
    Image.fromarray(noise(29, 41, 7, channels=2), "LA").save(out("greyalpha_29x41.png"))
    pal = Image.fromarray(noise(40, 30, 8, channels=1, maxval=199)[:, :, 0], "P")
    pal.putpalette(list(noise(200, 1, 9).reshape(-1)))
    pal.save(out("palette_40x30.png"))
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[24:36] = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)  # fixed creation date (reproducible)
    icc[84:100] = bytes(16)  # profile ID "not computed"
    icc = bytes(icc)
    Image.fromarray(noise(27, 19, 10)).save(out("rgb_icc_27x19.png"), icc_profile=icc)

    # --- PNGs written by the small encoder
    write_png("palette_trns_33x17.png", noise(33, 17, 11, channels=1, maxval=63), 3, 8,
              palette=noise(64, 1, 12), trns=bytes(range(0, 256, 8)))
    write_png("palette4_21x13.png", noise(21, 13, 13, channels=1, maxval=15), 3, 4,
              palette=noise(16, 1, 14))
    write_png("palette1_17x5.png", noise(17, 5, 15, channels=1, maxval=1), 3, 1,
              palette=[[200, 10, 30], [5, 250, 120]])
    write_png("grey1_23x9.png", noise(23, 9, 16, channels=1, maxval=1), 0, 1)
    write_png("grey2_19x11.png", noise(19, 11, 17, channels=1, maxval=3), 0, 2)
    write_png("grey4_15x10.png", noise(15, 10, 18, channels=1, maxval=15), 0, 4)
    write_png("rgb16_35x27.png", noise(35, 27, 19, maxval=65535, dtype=np.uint16), 2, 16)
    write_png("rgba16_26x18.png", noise(26, 18, 20, channels=4, maxval=65535, dtype=np.uint16),
              6, 16)
    write_png("grey16_30x20.png", noise(30, 20, 21, channels=1, maxval=65535, dtype=np.uint16),
              0, 16)
    write_png("greyalpha16_22x14.png",
              noise(22, 14, 22, channels=2, maxval=65535, dtype=np.uint16), 4, 16)
    write_png("rgb_trns_24x16.png", noise(24, 16, 23), 2, 8, trns=struct.pack(">HHH", 7, 8, 9))
    write_png("grey_trns_18x12.png", noise(18, 12, 24, channels=1), 0, 8, trns=struct.pack(">H", 0))
    write_png("grey_gamma_20x20.png", noise(20, 20, 25, channels=1), 0, 8, gamma=100000)
    write_png("rgb_interlaced_31x29.png", noise(31, 29, 26), 2, 8, interlace=True)
    write_png("grey16_interlaced_13x11.png",
              noise(13, 11, 27, channels=1, maxval=65535, dtype=np.uint16), 0, 16, interlace=True)

    # --- JPEGs written by Pillow (libjpeg-turbo)
    jpegs = {
        "photo_101x67_420.jpg": dict(quality=90, subsampling=2),
        "photo_80x60_progressive.jpg": dict(quality=85, progressive=True),
        "photo_75x50_444.jpg": dict(quality=95, subsampling=0),
        "photo_64x48_422.jpg": dict(quality=80, subsampling=1),
    }
    for name, opts in jpegs.items():
        w, h = map(int, name.split("_")[1].split("x"))
        Image.fromarray(smooth(w, h)).save(out(name), **opts)
    Image.fromarray(smooth(40, 30)[:, :, 1], "L").save(out("grey_40x30.jpg"), quality=90)
    Image.fromarray(smooth(48, 32)).save(out("photo_icc_48x32.jpg"), quality=90, icc_profile=icc)
    Image.fromarray(noise(16, 16, 28, channels=4), "CMYK").save(out("cmyk_16x16.jpg"), quality=90)
    Image.fromarray(smooth(44, 30)).save(out("photo_linear_icc_44x30.jpg"), quality=90,
                                         icc_profile=linear_icc())
    Image.fromarray(smooth(26, 20)[:, :, 0], "L").save(out("grey_linear_icc_26x20.jpg"),
                                                       quality=90, icc_profile=linear_icc(True))
    Image.fromarray(noise(21, 15, 29)).save(out("rgb_linear_icc_21x15.png"),
                                            icc_profile=linear_icc())

    # --- decode goldens
    pngs = sorted(f for f in os.listdir(HERE) if f.endswith(".png"))
    sources = []  # files whose decoded RGB is the exact reference for the pipeline tests
    for f in pngs:
        im = rgb(f)
        arr = np.asarray(im)
        if f.startswith("grey16"):
            raw = np.asarray(Image.open(out(f)))  # mode I, the 16-bit samples
            hi = (raw >> 8).astype(np.uint8)
            ours = np.stack([hi, hi, hi], axis=-1)
            lines.append("decode16 %s %d %d %s %s" % (f, im.width, im.height, sha(ours.tobytes()),
                                                      sha(arr.tobytes())))
        else:
            lines.append("decode %s %d %d %s" % (f, im.width, im.height, sha(arr.tobytes())))
            sources.append(f)
    for f in sorted(list(jpegs) + ["grey_40x30.jpg", "photo_icc_48x32.jpg",
                                   "photo_linear_icc_44x30.jpg", "grey_linear_icc_26x20.jpg"]):
        ref = f + ".pil.png"
        rgb(f).save(out(ref))  # lossless copy of Pillow's decode
        lines.append("jpeg %s %s" % (f, ref))
        lines.append("decode %s %d %d %s" % (ref, *rgb(f).size, sha(np.asarray(rgb(f)).tobytes())))
        sources.append(ref)

    # --- resize goldens (sizes up, down, one axis only, identity, box)
    resizes = {
        "rgb_37x23.png": [(74, 46), (10, 7), (37, 50), (80, 23), (1, 1), (37, 23), (224, 224),
                          (3, 60)],
        "rgb_300x200.png": [(224, 149), (31, 200), (300, 13), (149, 224), (450, 300), (7, 5)],
        "rgb_64x400.png": [(32, 200), (100, 625), (224, 1400), (64, 17)],
        "rgb_400x300.png": [(298, 224), (224, 168), (41, 29)],
        "grey_50x33.png": [(33, 22), (51, 34)],
        "rgba_45x31.png": [(20, 20), (90, 62)],
        "photo_101x67_420.jpg.pil.png": [(50, 33), (202, 134)],
    }
    for f, sizes in resizes.items():
        im = rgb(f)
        for (ow, oh) in sizes:
            lines.append("resize %s %d %d %s" % (f, ow, oh,
                                                 sha(np.asarray(im.resize((ow, oh), BICUBIC)).tobytes())))
    boxes = [
        ("rgb_37x23.png", 20, 15, (3.5, 2.25, 30.75, 20.0)),
        ("rgb_37x23.png", 50, 40, (1.3, 0.7, 36.9, 22.1)),
        ("rgb_37x23.png", 27, 18, (5.0, 3.0, 32.0, 21.0)),   # integer box of the same size: a crop
        ("rgb_37x23.png", 37, 23, (0.0, 0.0, 37.0, 23.0)),   # identity
        ("rgb_37x23.png", 30, 23, (0.0, 0.0, 37.0, 23.0)),   # only horizontal
        ("rgb_37x23.png", 37, 23, (2.0, 0.0, 35.0, 23.0)),   # same size, shifted box
        ("rgb_300x200.png", 224, 224, (10.0, 20.0, 250.0, 190.0)),
        ("rgb_300x200.png", 64, 64, (0.5, 0.5, 299.5, 199.5)),
    ]
    for f, ow, oh, box in boxes:
        res = rgb(f).resize((ow, oh), BICUBIC, box=box)
        lines.append("resizebox %s %d %d %r %r %r %r %s" % (f, ow, oh, *box,
                                                            sha(np.asarray(res).tobytes())))

    # --- resized crops (RandomResizedCrop with fixed parameters), with and without the flip
    crops = [
        ("rgb_300x200.png", 13, 27, 150, 120, 224, 0),
        ("rgb_300x200.png", 0, 0, 200, 300, 224, 1),
        ("rgb_300x200.png", 190, 290, 10, 10, 32, 0),
        ("rgb_300x200.png", 50, 60, 32, 32, 32, 1),
        ("rgb_64x400.png", 100, 5, 57, 43, 224, 1),
        ("rgb_37x23.png", 3, 4, 17, 21, 32, 0),
        ("rgb_400x300.png", 7, 11, 281, 377, 224, 0),
    ]
    for f, top, left, h, w, n, flip in crops:
        res = rgb(f).crop((left, top, left + w, top + h)).resize((n, n), BICUBIC)
        if flip:
            res = res.transpose(Image.FLIP_LEFT_RIGHT)
        lines.append("resizedcrop %s %d %d %d %d %d %d %s" % (f, top, left, h, w, n, flip,
                                                             sha(np.asarray(res).tobytes())))

    # --- CenterCrop alone (padding when the image is smaller, Python's half-to-even round)
    for f, n in [("rgb_37x23.png", 32), ("rgb_37x23.png", 40), ("rgb_37x23.png", 20),
                 ("rgb_37x23.png", 22), ("grey_50x33.png", 35), ("rgb_64x400.png", 63)]:
        cc = tv_center_crop(np.asarray(rgb(f)), n)
        lines.append("centercrop %s %d %s" % (f, n, sha(np.ascontiguousarray(cc).tobytes())))

    # --- RandomResizedCrop.get_params + flip with given uniforms (the arithmetic, not torch's RNG)
    rnd = random.Random(1234)
    sizes = [(500, 375), (375, 500), (224, 224), (37, 23), (1, 1), (2, 3), (1000, 20), (20, 1000),
             (300, 200), (64, 400), (1, 700), (640, 480), (101, 67)]
    for k in range(260):
        width, height = sizes[k] if k < len(sizes) else (rnd.randint(1, 800), rnd.randint(1, 800))
        us = [rnd.random() for _ in range(23)]
        if k % 7 == 0:
            us[:20] = [rnd.choice([0.0, 0.999999, 0.5, 1e-9]) for _ in range(20)]
        draws = iter(us)
        top, left, h, w = get_params(width, height, draws)
        flip = 1 if next(draws) < 0.5 else 0
        lines.append("cropparams %d %d %d %d %d %d %d %s" % (width, height, top, left, h, w, flip,
                                                            " ".join(repr(u) for u in us)))

    # --- the full CLIP / Dassl test pipeline
    big = {"rgb_300x200.png", "rgb_64x400.png", "rgb_400x300.png", "rgb_37x23.png",
           "grey_50x33.png", "photo_101x67_420.jpg.pil.png", "palette_40x30.png"}
    for f in sources:
        for n in (32, 224):
            if n == 224 and f not in big:
                continue
            crop = np.ascontiguousarray(tv_center_crop(np.asarray(tv_resize(rgb(f), n)), n))
            t = to_tensor_normalize(crop).astype("<f4")
            stride = 5 if n == 32 else 61
            samples = "%s.t%d.f32" % (f.rsplit(".", 1)[0], n)
            with open(out(samples), "wb") as fh:
                fh.write(t.reshape(-1)[::stride].tobytes())
            lines.append("preprocess %s %d %s %s %d %s" % (f, n, sha(crop.tobytes()),
                                                          sha(t.tobytes()), stride, samples))

    with open(out("golden.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
