"""One-off PIL reference for CLIP's image preprocessing (not used by any test; the numbers it gave are
quoted in test/clip/preprocess.test.ts).

For every image file in DIR writes DIR/<name>.pil.f32 (float32, [3, 224, 224], channel-first):
what transformers' CLIPImageProcessor computes for openai/clip-vit-base-patch32 when given a PIL
image opened from those bytes, i.e. CLIP's reference preprocessing:
    convert('RGB') -> resize the shortest edge to 224 with PIL BICUBIC (reducing_gap None; the
    long edge int(224 * long / short)) -> centre crop 224 (offsets floor((size - 224) / 2))
    -> x / 255 -> (x - mean) / std
and DIR/<name>.pil-exif.f32 with ImageOps.exif_transpose first (what transformers' load_image does
for a path or URL; a PIL image passed in directly, and openai/CLIP's own `preprocess`, are NOT
transposed). Needs Debian's python3-pil and python3-numpy.

    /usr/bin/python3 tools/clip/pil_reference.py DIR
"""
import os
import sys

import numpy as np
from PIL import Image, ImageOps

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
SIZE = 224


def clip_pixels(img):
    img = img.convert('RGB')
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(SIZE * long / short)
    nw, nh = (SIZE, new_long) if w <= h else (new_long, SIZE)
    img = img.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None)
    top, left = (nh - SIZE) // 2, (nw - SIZE) // 2
    a = np.asarray(img.crop((left, top, left + SIZE, top + SIZE)), dtype=np.float32) / np.float32(255)
    return ((a - MEAN) / STD).transpose(2, 0, 1).astype(np.float32)


def main(folder):
    for name in sorted(os.listdir(folder)):
        if name.endswith('.f32'):
            continue
        path = os.path.join(folder, name)
        with Image.open(path) as img:
            mode = img.mode
            clip_pixels(img).tofile(f'{path}.pil.f32')
            clip_pixels(ImageOps.exif_transpose(img)).tofile(f'{path}.pil-exif.f32')
        print(name, mode)


if __name__ == '__main__':
    main(sys.argv[1])
