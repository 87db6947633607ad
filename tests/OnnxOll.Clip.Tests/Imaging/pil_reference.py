"""Reference for ClipImagePreprocessorTests: torchvision's Resize(size, BICUBIC) + CenterCrop(size) done with Pillow
on the TestImages.Pattern image. Prints one C# table row per case: width, height, channels, size, base64 of the
cropped RGB bytes (HWC) and their sha256. Run with a python that has Pillow (Debian: python3-pil)."""
import base64, hashlib
from PIL import Image

CASES = [(45, 30, 3, 16), (7, 11, 3, 16), (16, 16, 3, 16), (100, 61, 3, 24), (13, 9, 1, 20), (32, 32, 3, 224), (640, 427, 3, 224)]


def pattern(w, h, ch):
    return bytes((37 * x + 91 * y + 53 * c + 7 * x * y) % 256 for y in range(h) for x in range(w) for c in range(ch))


def clip_preprocess(img, size):
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) != (w, h):
        img = img.resize((new_w, new_h), Image.BICUBIC)
    left, top = int(round((new_w - size) / 2.0)), int(round((new_h - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


for w, h, ch, size in CASES:
    img = Image.frombytes("L" if ch == 1 else "RGB", (w, h), pattern(w, h, ch)).convert("RGB")
    out = clip_preprocess(img, size).tobytes()
    b64 = base64.b64encode(out).decode() if len(out) <= 3 * 24 * 24 else ""
    print(f'{{ {w}, {h}, {ch}, {size}, "{b64}", "{hashlib.sha256(out).hexdigest()}" }},')
