#!/usr/bin/python3
"""Writes the OpenCV references for ResizeTest and ImageIoTest (run with Debian's /usr/bin/python3, which has
python3-opencv and numpy; the tests themselves need no Python).

Every case is a pipeline of operations applied to a source image; Java replays the same pipeline. Output:
  resize_refs.tsv   name, pipeline, output shape (w h cn), SHA-256 of the output bytes (row-major, interleaved RGB)
  small/<name>.bin  the raw output bytes of the small cases (for a byte-by-byte difference count)

Pipeline operations (separated by " | "):
  load:cityscapes | load:deepglobe    the fixture image as RGB (cv2.imread + BGR2RGB)
  noise:W,H,CN                        pseudo-random bytes: v[i] = ((i * 2654435761) mod 2^32) >> 24, i = flat index
  channel:K                           keep channel K (one-channel image)
  crop:X0,Y0,X1,Y1                    image[Y0:Y1, X0:X1]
  linear:W,H                          cv2.resize(..., (W, H), interpolation=cv2.INTER_LINEAR)
  nearest:W,H                         cv2.resize(..., (W, H), interpolation=cv2.INTER_NEAREST)
  normalize                           torchvision ToTensor() + Normalize(ImageNet mean, std): float32 3xHxW
                                      (the digest is over its little-endian float32 bytes, channels first)
  classes:W,H                         a synthetic class map: ((7x + 3y) // 13) % 19 (uint8 HxW)
  colorize                            Cityscapes class2bgr, as RGB (class 19 and up black)
  demo:cityscapes                     demo.py: resize the colours to the fixture image (INTER_LINEAR) and
                                      (0.5 * image + 0.5 * colour).astype("uint8")
  roundtrip                           normalize, then test.py's NormalizeInverse + to_pil_image: uint8 HxWx3

Usage: /usr/bin/python3 make_resize_refs.py FIXTURES_IMAGES_DIR OUT_DIR
"""
import hashlib
import math
import os
import sys

import cv2
import numpy as np
import torch
import torchvision.transforms as T
from torchvision.transforms.functional import to_pil_image

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
normalize = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])


class NormalizeInverse(T.Normalize):
    """The reference's magnet/utils/transform.py NormalizeInverse."""

    def __init__(self, mean, std):
        mean = torch.as_tensor(mean)
        std = torch.as_tensor(std)
        std_inv = 1 / (std + 1e-7)
        mean_inv = -mean * std_inv
        super().__init__(mean=mean_inv, std=std_inv)

    def __call__(self, tensor):
        return super().__call__(tensor.clone())


inverse = NormalizeInverse(MEAN, STD)
CITYSCAPES_COLORS = [(128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156), (190, 153, 153), (153, 153, 153),
                     (250, 170, 30), (220, 220, 0), (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60),
                     (255, 0, 0), (0, 0, 142), (0, 0, 70), (0, 60, 100), (0, 80, 100), (0, 0, 230), (119, 11, 32)]

SMALL = 20000  # outputs up to this many bytes are also stored whole


def load(images, which):
    name = {"cityscapes": "frankfurt_000001_003056_leftImg8bit.png", "deepglobe": "639004_sat.jpg"}[which]
    return cv2.cvtColor(cv2.imread(os.path.join(images, name), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def noise(w, h, cn):
    i = np.arange(w * h * cn, dtype=np.uint64)
    v = ((i * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)) >> np.uint64(24)
    return v.astype(np.uint8).reshape((h, w, cn) if cn > 1 else (h, w))


def run(images, pipeline, cache):
    img = None
    for op in pipeline.split(" | "):
        kind, _, arg = op.partition(":")
        nums = [int(v) for v in arg.split(",")] if arg and kind not in ("load", "demo") else None
        if kind == "load":
            if arg not in cache:
                cache[arg] = load(images, arg)
            img = cache[arg]
        elif kind == "noise":
            img = noise(*nums)
        elif kind == "channel":
            img = np.ascontiguousarray(img[:, :, nums[0]])
        elif kind == "crop":
            x0, y0, x1, y1 = nums
            img = np.ascontiguousarray(img[y0:y1, x0:x1])
        elif kind == "linear":
            img = cv2.resize(img, (nums[0], nums[1]), interpolation=cv2.INTER_LINEAR)
        elif kind == "nearest":
            img = cv2.resize(img, (nums[0], nums[1]), interpolation=cv2.INTER_NEAREST)
        elif kind == "classes":
            w, h = nums
            y, x = np.mgrid[0:h, 0:w]
            img = (((7 * x + 3 * y) // 13) % 19).astype(np.uint8)
        elif kind == "colorize":
            out = np.zeros(img.shape + (3,), np.uint8)
            for k, col in enumerate(CITYSCAPES_COLORS):
                out[img == k] = col
            img = out
        elif kind == "demo":
            image = run(images, "load:" + arg, cache)
            pred = cv2.resize(img, (image.shape[1], image.shape[0]))
            img = (0.5 * image + 0.5 * pred).astype("uint8")
        elif kind == "normalize":
            img = normalize(img).numpy().astype("<f4")
        elif kind == "roundtrip":
            img = np.array(to_pil_image(inverse(normalize(img))))
        else:
            raise ValueError(op)
    return np.ascontiguousarray(img)


def patch_boxes(scale, crop):
    n_x = math.ceil(scale[0] / crop[0])
    step_x = int(crop[0] - (n_x * crop[0] - scale[0]) / max(n_x - 1, 1.0))
    n_y = math.ceil(scale[1] / crop[1])
    step_y = int(crop[1] - (n_y * crop[1] - scale[1]) / max(n_y - 1, 1.0))
    return [(x * step_x, y * step_y, x * step_x + crop[0], y * step_y + crop[1]) for x in range(n_x) for y in range(n_y)]


def cases():
    c = []
    # the fixture images themselves (decoding)
    c.append(("decode_cityscapes_png", "load:cityscapes"))
    c.append(("decode_deepglobe_jpg", "load:deepglobe"))
    # Cityscapes scales (2048x1024 -> 256x128, 512x256, 1024x512) and the test.py side-by-side sizes
    for w, h in [(256, 128), (512, 256), (1024, 512), (2048, 1024)]:
        c.append((f"cityscapes_linear_{w}x{h}", f"load:cityscapes | linear:{w},{h}"))
    c.append(("cityscapes_linear_256x128_to_1024x512", "load:cityscapes | linear:256,128 | linear:1024,512"))
    # Cityscapes patches at 512x256 and 1024x512 (crop 256x128 = input 256x128, the resize is a copy),
    # and resized back up to a bigger size as the ensemble would
    for s in [(512, 256), (1024, 512)]:
        for i, b in enumerate(patch_boxes(s, (256, 128))[:3]):
            p = f"load:cityscapes | linear:{s[0]},{s[1]} | crop:{b[0]},{b[1]},{b[2]},{b[3]}"
            c.append((f"cityscapes_{s[0]}_patch{i}", p + " | linear:256,128"))
            c.append((f"cityscapes_{s[0]}_patch{i}_up", p + " | linear:300,150"))
    # DeepGlobe scales (2448 -> 612, 1224, 508) and patches 612 -> 508
    for w in [612, 1224, 508, 512]:
        c.append((f"deepglobe_linear_{w}", f"load:deepglobe | linear:{w},{w}"))
    c.append(("deepglobe_612_to_508", "load:deepglobe | linear:612,612 | linear:508,508"))
    c.append(("deepglobe_508_to_512", "load:deepglobe | linear:508,508 | linear:512,512"))
    for s in [1224, 2448]:
        boxes = patch_boxes((s, s), (612, 612))
        for i in sorted({0, 1, len(boxes) // 2, len(boxes) - 1}):
            b = boxes[i]
            pre = f"load:deepglobe | linear:{s},{s}" if s != 2448 else "load:deepglobe"
            c.append((f"deepglobe_{s}_patch{i}", pre + f" | crop:{b[0]},{b[1]},{b[2]},{b[3]} | linear:508,508"))
    # nearest neighbour (labels) at the same sizes
    c.append(("cityscapes_nearest_256x128", "load:cityscapes | channel:0 | nearest:256,128"))
    c.append(("cityscapes_nearest_1024x512", "load:cityscapes | nearest:1024,512"))
    c.append(("deepglobe_nearest_612", "load:deepglobe | nearest:612,612"))
    c.append(("deepglobe_nearest_508", "load:deepglobe | channel:1 | nearest:508,508"))
    c.append(("deepglobe_612_nearest_508", "load:deepglobe | crop:612,0,1224,612 | nearest:508,508"))
    # odd sizes, both interpolations, 3 and 1 channels
    odd = [((37, 23), (100, 61)), ((100, 61), (37, 23)), ((1, 1), (5, 3)), ((7, 5), (1, 1)), ((1, 9), (4, 2)),
           ((100, 61), (170, 104)), ((3, 3), (2, 2)), ((5, 4), (10, 8)), ((9, 7), (4, 3)), ((64, 48), (32, 24)),
           ((33, 17), (16, 8)), ((2, 2), (3, 3)), ((255, 3), (1, 7)), ((13, 11), (13, 29)), ((50, 40), (49, 41))]
    for (sw, sh), (dw, dh) in odd:
        for cn in (3, 1):
            for interp in ("linear", "nearest"):
                c.append((f"noise{cn}_{sw}x{sh}_{interp}_{dw}x{dh}", f"noise:{sw},{sh},{cn} | {interp}:{dw},{dh}"))
    for (sw, sh), (dw, dh) in [((37, 23), (100, 61)), ((100, 61), (37, 23)), ((100, 61), (170, 104))]:
        c.append((f"cityscapes_crop_{sw}x{sh}_linear_{dw}x{dh}", f"load:cityscapes | crop:1000,500,{1000 + sw},{500 + sh} | linear:{dw},{dh}"))
        c.append((f"deepglobe_crop_{sw}x{sh}_linear_{dw}x{dh}", f"load:deepglobe | crop:1200,1300,{1200 + sw},{1300 + sh} | linear:{dw},{dh}"))
    c.append(("deepglobe_enlarge_1.7", "load:deepglobe | crop:0,0,300,200 | linear:510,340"))
    c.append(("cityscapes_enlarge_1.7", "load:cityscapes | crop:700,400,1000,600 | linear:510,340"))
    # demo.py overlay: a 256x128 class map coloured, resized to 2048x1024, blended with the image
    c.append(("colorize_classes_64x32", "classes:64,32 | colorize"))
    c.append(("demo_overlay_cityscapes", "classes:256,128 | colorize | demo:cityscapes"))
    # normalisation (torchvision) and the reference's inverse, on every byte value and on real patches
    c.append(("normalize_noise_64x48", "noise:64,48,3 | normalize"))
    c.append(("roundtrip_noise_64x48", "noise:64,48,3 | roundtrip"))
    c.append(("normalize_cityscapes_patch", "load:cityscapes | linear:512,256 | crop:256,128,512,256 | normalize"))
    c.append(("roundtrip_cityscapes_256x128", "load:cityscapes | linear:256,128 | roundtrip"))
    c.append(("normalize_deepglobe_patch", "load:deepglobe | linear:1224,1224 | crop:612,612,1224,1224 | linear:508,508 | normalize"))
    return c


def main():
    images, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "small"), exist_ok=True)
    cache = {}
    lines = []
    for name, pipeline in cases():
        img = run(images, pipeline, cache)
        if pipeline.endswith("normalize"):
            cn, h, w = img.shape
        else:
            h, w = img.shape[:2]
            cn = img.shape[2] if img.ndim == 3 else 1
        data = img.tobytes()
        lines.append(f"{name}\t{pipeline}\t{w} {h} {cn}\t{hashlib.sha256(data).hexdigest()}")
        if len(data) <= SMALL:
            with open(os.path.join(out, "small", name + ".bin"), "wb") as f:
                f.write(data)
    with open(os.path.join(out, "resize_refs.tsv"), "w") as f:
        f.write("# written by magnet/src/test/python/make_resize_refs.py with opencv %s\n" % cv2.__version__)
        f.write("\n".join(lines) + "\n")
    print(len(lines), "cases")


if __name__ == "__main__":
    main()
