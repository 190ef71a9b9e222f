#!/usr/bin/env python3
"""Writes the small images and sounds the fmt decode tests read.

Run from this directory (Pillow, numpy and soundfile from PyPI):
    python3 generate.py
Everything is derived from fixed seeds, so the files are reproducible with the
same library versions, except the Ogg files: libvorbis picks a random stream
serial number, so rewritten Ogg files need their expected values redone. The expected decoded values are kept separately
(expected/*), produced by HashLink's own fmt library (see README.md here).
"""
import struct
import zlib
import numpy as np
from PIL import Image
import soundfile as sf

rng = np.random.default_rng(1234)


def picture(w, h):
    """Smooth gradients, a hard edge, a circle and some noise: exercises
    IDCT ringing, chroma upsampling and every byte value."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * x / (w - 1)
    g = 255 * y / (h - 1)
    b = 127.5 + 127.5 * np.sin((x + 2 * y) / 3.0)
    circle = (x - w * 0.6) ** 2 + (y - h * 0.4) ** 2 < (min(w, h) * 0.3) ** 2
    r[circle] = 250
    g[circle] = 30
    b[:, : w // 5] = 10
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def alpha(w, h):
    y, x = np.mgrid[0:h, 0:w]
    a = (x * 255 // (w - 1)) ^ (y * 37 % 256)
    a[0, :] = 0
    a[-1, :] = 255
    return a.astype(np.uint8)


def write_png(name, pixels, color_type, depth, interlace=False, extra=b""):
    """A PNG written by hand: Pillow writes neither 16-bit colour, Adam7
    nor gAMA chunks. `pixels` is (h, w, channels) of uint8 or uint16."""
    h, w = pixels.shape[:2]
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    def rows(p):
        return b"".join(b"\0" + p[y].astype(">u2" if depth == 16 else "u1").tobytes() for y in range(p.shape[0]))
    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b"".join(rows(pixels[y0::dy, x0::dx]) for x0, y0, dx, dy in passes if pixels[y0::dy, x0::dx].size)
    else:
        raw = rows(pixels)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0)
    with open(name, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))



def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def original():
    global rgb, a
    W, H = 21, 13
    rgb = picture(W, H)
    a = alpha(W, H)

    # PNG: every colour type the decoder converts from.
    Image.fromarray(np.dstack([rgb, a]), "RGBA").save("rgba8.png", optimize=False)
    Image.fromarray(rgb, "RGB").save("rgb8.png")
    Image.fromarray(rgb[:, :, 1], "L").save("gray8.png")
    Image.fromarray(np.dstack([rgb[:, :, 0], a]), "LA").save("graya8.png")
    pal = Image.fromarray(rgb, "RGB").quantize(colors=16, dither=Image.Dither.NONE)
    pal.save("pal.png", transparency=bytes(range(0, 256, 16)))
    # 16-bit grey (Pillow writes "I;16" as a 16-bit greyscale PNG).
    g16 = (rgb[:, :, 0].astype(np.uint16) * 257) ^ (np.arange(W, dtype=np.uint16) * 3)
    Image.fromarray(g16).save("gray16.png")



    rgba = np.dstack([rgb, a])
    write_png("rgba8_interlaced.png", rgba, 6, 8, interlace=True)
    rgba16 = rgba.astype(np.uint16) * 257 + rng.integers(0, 257, rgba.shape, dtype=np.uint16)
    write_png("rgba16.png", rgba16, 6, 16)
    # gAMA 1.0 (100000): libpng's simplified API converts such files to sRGB.
    write_png("rgb8_gamma10.png", rgb, 2, 8, extra=struct.pack(">I", 4) + b"gAMA" + struct.pack(">I", 100000)
              + struct.pack(">I", zlib.crc32(b"gAMA" + struct.pack(">I", 100000))))

    # JPEG: 4:2:0 (the default), 4:4:4, 4:2:2, greyscale and progressive.
    big = picture(37, 29)
    Image.fromarray(big, "RGB").save("q85_420.jpg", quality=85)
    Image.fromarray(big, "RGB").save("q90_444.jpg", quality=90, subsampling=0)
    Image.fromarray(big, "RGB").save("q75_422.jpg", quality=75, subsampling=1)
    Image.fromarray(big[:, :, 1], "L").save("gray.jpg", quality=80)
    Image.fromarray(big, "RGB").save("progressive.jpg", quality=80, progressive=True)

    # Raw pixels for jpg_encode.
    with open("encode_src.rgba", "wb") as f:
        f.write(np.dstack([big, alpha(37, 29)]).tobytes())

    # Sounds: a chord with a glide, stereo and mono.
    rate = 22050
    t = np.arange(int(rate * 0.25)) / rate
    left = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.25 * np.sin(2 * np.pi * (660 + 400 * t) * t)
    right = 0.4 * np.sin(2 * np.pi * 550 * t) + 0.1 * rng.normal(0, 1, t.size)
    stereo = np.stack([left, right], axis=-1).clip(-1, 1)
    sf.write("stereo.ogg", stereo, rate, format="OGG", subtype="VORBIS")
    sf.write("mono.ogg", left[: rate // 8], rate, format="OGG", subtype="VORBIS")
    # Long enough (3 s) for seeks that jump between Ogg pages.
    t3 = np.arange(rate * 3) / rate
    sf.write("long.ogg", (0.6 * np.sin(2 * np.pi * (200 + 300 * t3) * t3)).astype(np.float32), rate, format="OGG", subtype="VORBIS")
    sf.write("stereo.mp3", stereo, rate, format="MP3", subtype="MPEG_LAYER_III")
    sf.write("mono.mp3", left[: rate // 8], 16000, format="MP3", subtype="MPEG_LAYER_III")


# ---------------------------------------------------------------------------
# Added with the exact JPEG and Ogg natives (run `python3 generate.py more`
# to write only these; they need Debian's libturbojpeg0 as well). The other
# files above stay as first written.

def crc_ogg(data):
    """The Ogg page checksum (CRC-32, polynomial 0x04c11db7, not reflected)."""
    crc = 0
    for b in data:
        crc ^= b << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def shift_granules(data, delta):
    """The same Ogg stream with `delta` added to every audio page's granule
    position: a stream that does not start at sample 0 (cut from a longer one)."""
    out, pos = bytearray(), 0
    while pos < len(data):
        assert data[pos:pos + 4] == b"OggS"
        nseg = data[pos + 26]
        size = 27 + nseg + sum(data[pos + 27:pos + 27 + nseg])
        page = bytearray(data[pos:pos + size])
        granule = struct.unpack_from("<q", page, 6)[0]
        if granule > 0:
            struct.pack_into("<q", page, 6, granule + delta)
        struct.pack_into("<I", page, 22, 0)
        struct.pack_into("<I", page, 22, crc_ogg(page))
        out += page
        pos += size
    return bytes(out)


def more():
    global rng
    rng = np.random.default_rng(2024)  # independent of whether original() ran
    import ctypes as C
    import os
    tj = C.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = C.c_void_p
    tj.tjCompress2.argtypes = [C.c_void_p, C.c_char_p] + [C.c_int] * 4 + [C.POINTER(C.c_void_p), C.POINTER(C.c_ulong)] + [C.c_int] * 3

    def turbo(name, pixels, fmt, subsamp, quality, env=()):
        """A JPEG written by TurboJPEG, its TJ_* environment options set."""
        for k, v in env:
            os.environ[k] = v
        h, w = pixels.shape[:2]
        buf, size = C.c_void_p(), C.c_ulong()
        assert tj.tjCompress2(C.c_void_p(tj.tjInitCompress()), pixels.tobytes(), w, 0, h, fmt, C.byref(buf), C.byref(size),
                              subsamp, quality, 0) == 0
        for k, _ in env:
            del os.environ[k]
        with open(name, "wb") as f:
            f.write(C.string_at(buf, size.value))

    rng2 = np.random.default_rng(99)
    pic = picture(45, 35)
    turbo("s440.jpg", pic, 0, 4, 85)  # 4:4:0
    turbo("s411.jpg", pic, 0, 5, 85)  # 4:1:1
    turbo("arith.jpg", pic, 0, 2, 80, [("TJ_ARITHMETIC", "1")])
    turbo("restart.jpg", pic, 0, 1, 90, [("TJ_RESTART", "1")])  # a restart marker every MCU row
    cmyk = np.dstack([pic, rng2.integers(0, 256, pic.shape[:2], dtype=np.uint8)])
    turbo("ycck.jpg", cmyk, 11, 2, 85)  # TJPF_CMYK: a YCCK file
    Image.fromarray(cmyk, "CMYK").save("cmyk_adobe.jpg", quality=85)  # plain CMYK with an Adobe marker
    Image.fromarray(picture(67, 41), "RGB").save("odd_420.jpg", quality=60)

    # PNG: 16-bit with sBIT, grey+alpha and gAMA; 8-bit with a significant
    # gAMA or an sRGB chunk; 4-bit grey; grey with tRNS; an opaque palette.
    W, H = 21, 13
    rgb = picture(W, H)
    a = alpha(W, H)
    rgba16 = np.dstack([rgb, a]).astype(np.uint16) * 257 + rng.integers(0, 257, (H, W, 4), dtype=np.uint16)
    write_png("rgba16_sbit.png", rgba16, 6, 16, extra=chunk(b"sBIT", bytes([10, 10, 10, 8])))
    write_png("ga16.png", rgba16[:, :, [1, 3]], 4, 16)
    write_png("rgb16_gamma.png", rgba16[:, :, :3], 2, 16, extra=chunk(b"gAMA", struct.pack(">I", 45455)))
    write_png("rgba8_gamma.png", np.dstack([rgb, a]), 6, 8, extra=chunk(b"gAMA", struct.pack(">I", 80000)))
    write_png("ga8_srgb.png", np.dstack([rgb[:, :, 2], a]), 4, 8, extra=chunk(b"sRGB", bytes([0])))
    Image.fromarray(rgb[:, :, 0] >> 4 << 4, "L").save("gray4.png", bits=4)
    Image.fromarray(rgb[:, :, 1], "L").save("gray_trns.png", transparency=int(rgb[3, 3, 1]))
    Image.fromarray(rgb, "RGB").quantize(colors=7, dither=Image.Dither.NONE).save("pal_opaque.png")

    # Ogg: a chained stream (two logical streams, different channel counts),
    # a stream starting after sample 0, and 44.1 kHz stereo.
    with open("chained.ogg", "wb") as f:
        f.write(open("stereo.ogg", "rb").read() + open("mono.ogg", "rb").read())
    with open("offset.ogg", "wb") as f:
        f.write(shift_granules(open("long.ogg", "rb").read(), 4321))
    t44 = np.arange(44100) / 44100
    st44 = np.stack([0.7 * np.sin(2 * np.pi * 330 * t44) * np.exp(-t44), 0.3 * rng2.normal(0, 1, t44.size).clip(-3, 3) / 3], axis=-1)
    sf.write("stereo44.ogg", st44, 44100, format="OGG", subtype="VORBIS")


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["more"]:
        more()
    else:
        original()
        more()
