#!/usr/bin/env python3
"""Writes expected/png.txt, expected/jpeg_decode.txt, expected/jpeg_encode.txt
and expected/ogg.txt: what the libraries HashLink's fmt.hdll links return for
the inputs here, called with the arguments libs/fmt/fmt.c passes (libpng's
simplified API, TurboJPEG's tjDecompress2 and tjCompress2, libvorbisfile's
ov_open_callbacks / ov_info / ov_pcm_total / ov_pcm_tell / ov_pcm_seek /
ov_read over libhl's memory callbacks).

Run from this directory on Debian 12 (libpng16-16 1.6.39 with Debian's
security fixes, libturbojpeg0 2.1.5, libvorbisfile3 1.3.7: the libraries the
reference hl's fmt.hdll loads):
    python3 reference.py
Outputs are compared by MD5; each line says what was called and what came back.
"""
import ctypes as C
import hashlib
import struct

tj = C.CDLL("libturbojpeg.so.0")
tj.tjInitDecompress.restype = C.c_void_p
tj.tjInitCompress.restype = C.c_void_p
tj.tjDestroy.argtypes = [C.c_void_p]
tj.tjDecompressHeader3.argtypes = [C.c_void_p, C.c_char_p, C.c_ulong] + [C.POINTER(C.c_int)] * 4
tj.tjDecompress2.argtypes = [C.c_void_p, C.c_char_p, C.c_ulong, C.c_void_p] + [C.c_int] * 5
tj.tjBufSize.restype = C.c_ulong
tj.tjBufSize.argtypes = [C.c_int] * 3
tj.tjCompress2.argtypes = [C.c_void_p, C.c_char_p] + [C.c_int] * 4 + [C.POINTER(C.c_void_p), C.POINTER(C.c_ulong)] + [C.c_int] * 3

PIXEL_SIZE = [3, 3, 4, 4, 4, 4, 1, 4, 4, 4, 4, 4]
FILL = 0xA5


def md5(b):
    return hashlib.md5(b).hexdigest()


def jpeg_dims(data):
    h = tj.tjInitDecompress()
    w, hh, ss, cs = (C.c_int() for _ in range(4))
    r = tj.tjDecompressHeader3(h, data, len(data), w, hh, ss, cs)
    tj.tjDestroy(h)
    assert r == 0
    return w.value, hh.value


def decode_buffer_size(w, h):
    """The buffer the tests decode into: room for a 2x scaled image with
    padded rows, prefilled with FILL."""
    return (2 * w + 8) * (2 * h + 8) * 4


def jpg_decode(data, width, height, stride, fmt, flags, size):
    # fmt.c: tjInitDecompress, tjDecompress2(..., flags & 1 ? TJFLAG_BOTTOMUP : 0), tjDestroy.
    out = C.create_string_buffer(bytes([FILL]) * size, size)
    h = tj.tjInitDecompress()
    r = tj.tjDecompress2(h, data, len(data), out, width, stride, height, fmt, 2 if flags & 1 else 0)
    tj.tjDestroy(h)
    return r == 0, out.raw


JPEG_FILES = ["q85_420", "q90_444", "q75_422", "gray", "progressive", "s440", "s411", "arith", "restart",
              "ycck", "cmyk_adobe", "odd_420"]


def jpeg_decode_table():
    lines = ["# file format width height stride flags buffer-size result md5 (tjDecompress2 into a buffer"
             " of (2w+8)*(2h+8)*4 bytes filled with 0xA5, w x h the file's size; file@n: its first n bytes)"]
    for name in JPEG_FILES:
        data = open(name + ".jpg", "rb").read()
        w, h = jpeg_dims(data)
        size = decode_buffer_size(w, h)
        cases = []
        # Every pixel format at full size, top-down and bottom-up, and with padded rows.
        for fmt in range(12):
            for flags in (0, 1):
                cases.append((fmt, w, h, 0, flags))
            cases.append((fmt, w, h, w * PIXEL_SIZE[fmt] + 5, 1))
        # Every scaling factor (n/8 of the size picks factor n/8; 2/1 needs 2x),
        # 0 x 0 (the file's size), and sizes between factors.
        sizes = [((w * n + 7) // 8, (h * n + 7) // 8) for n in range(1, 17)] + [(0, 0), (w - 1, h), (w, 0)]
        for fmt in (7, 1, 6):
            for rw, rh in sizes:
                cases.append((fmt, rw, rh, 0, 0))
        for fmt, rw, rh, stride, flags in cases:
            ok, out = jpg_decode(data, rw, rh, stride, fmt, flags, size)
            lines.append(f"{name}.jpg {fmt} {rw} {rh} {stride} {flags} {size} {'ok' if ok else 'fail'} {md5(out) if ok else '-'}")
        # Truncated files.
        for cut in (len(data) // 3, len(data) - 40):
            ok, out = jpg_decode(data[:cut], w, h, 0, 7, 0, size)
            lines.append(f"{name}.jpg@{cut} 7 {w} {h} 0 0 {size} {'ok' if ok else 'fail'} {md5(out) if ok else '-'}")
    return lines


def jpg_encode(src, width, height, stride, fmt, subsamp, quality, flags):
    # fmt.c: tjBufSize, a buffer of that size, tjCompress2(..., flags & 1 ? TJFLAG_BOTTOMUP : 0).
    h = tj.tjInitCompress()
    size = C.c_ulong(tj.tjBufSize(width, height, subsamp))
    buf = C.create_string_buffer(size.value)
    p = C.c_void_p(C.addressof(buf))
    r = tj.tjCompress2(h, src, width, stride, height, fmt, C.byref(p), C.byref(size), subsamp, quality,
                       2 if flags & 1 else 0)
    tj.tjDestroy(h)
    return C.string_at(p, size.value) if r == 0 else None


def encode_source(n):
    """encode_src.rgba's bytes repeated to n bytes."""
    src = open("encode_src.rgba", "rb").read()
    return (src * (n // len(src) + 1))[:n]


def jpeg_encode_table():
    lines = ["# width height stride format subsamp quality flags result length md5 (tjCompress2 of"
             " encode_src.rgba's bytes repeated to fill height rows of stride bytes, or of packed pixels for stride 0)"]
    cases = []
    for fmt in range(12):
        for subsamp in range(6):
            for quality in (0, 1, 50, 75, 90, 95, 96, 100):
                cases.append((37, 29, 0, fmt, subsamp, quality, 0))
    for subsamp in range(6):
        cases += [(37, 29, 0, 7, subsamp, 85, 1), (37, 29, 37 * 4 + 9, 7, subsamp, 85, 0), (64, 48, 0, 0, subsamp, 80, 0),
                  (1, 1, 0, 7, subsamp, 90, 0), (300, 7, 0, 7, subsamp, 70, 0)]
    for w, h, stride, fmt, subsamp, quality, flags in cases:
        row = stride or w * PIXEL_SIZE[fmt]
        out = jpg_encode(encode_source(row * h), w, h, stride, fmt, subsamp, quality, flags)
        res = f"ok {len(out)} {md5(out)}" if out is not None else "fail 0 -"
        lines.append(f"{w} {h} {stride} {fmt} {subsamp} {quality} {flags} {res}")
    return lines


# ---------------------------------------------------------------------------
# PNG: png_image_begin_read_from_memory, the format fmt.c maps, a size check,
# png_image_finish_read(stride * (flags & 1 ? -1 : 1)).

png = C.CDLL("libpng16.so.16")


class PngImage(C.Structure):
    _fields_ = [("opaque", C.c_void_p), ("version", C.c_uint32), ("width", C.c_uint32), ("height", C.c_uint32),
                ("format", C.c_uint32), ("flags", C.c_uint32), ("colormap_entries", C.c_uint32),
                ("warning_or_error", C.c_uint32), ("message", C.c_char * 64)]


png.png_image_begin_read_from_memory.argtypes = [C.c_void_p, C.c_char_p, C.c_size_t]
png.png_image_finish_read.argtypes = [C.c_void_p, C.c_void_p, C.c_void_p, C.c_int32, C.c_void_p]
png.png_image_free.argtypes = [C.c_void_p]

# fmt.c's format numbers -> PNG_FORMAT_* and components per pixel.
PNG_FORMATS = {0: (2, 3), 1: (2 | 16, 3), 7: (3, 4), 8: (3 | 16, 4), 9: (3 | 16 | 32, 4), 10: (3 | 32, 4),
               12: (4, 1), 13: (6, 3), 14: (7, 4), 15: (5, 2)}
PNG_W, PNG_H = 21, 13


def png_buffer_size(fmt, stride):
    comps = PNG_FORMATS[fmt][1]
    unit = 2 if fmt >= 12 else 1
    return (abs(stride) or PNG_W * comps) * PNG_H * unit + 64


def png_decode(data, fmt, flags, stride, fill):
    size = png_buffer_size(fmt, stride)
    out = C.create_string_buffer(bytes([fill]) * size, size)
    img = PngImage()
    img.version = 1
    if png.png_image_begin_read_from_memory(C.byref(img), data, len(data)) == 0:
        png.png_image_free(C.byref(img))
        return False, out.raw
    img.format = PNG_FORMATS[fmt][0]
    if img.width != PNG_W or img.height != PNG_H:
        png.png_image_free(C.byref(img))
        return False, out.raw
    ok = png.png_image_finish_read(C.byref(img), None, out, stride * (-1 if flags & 1 else 1), None) != 0
    png.png_image_free(C.byref(img))
    return ok, out.raw


PNG_FILES = ["rgba8", "rgb8", "gray8", "graya8", "pal", "gray16", "rgba8_interlaced", "rgba16", "rgb8_gamma10",
             "rgba16_sbit", "ga16", "rgb16_gamma", "rgba8_gamma", "ga8_srgb", "gray4", "gray_trns", "pal_opaque"]


def png_table():
    lines = ["# file format flags stride fill result md5 (png_decode into a buffer of |stride| (or the row's"
             " components) x 13 rows (x2 bytes for formats 12-15) + 64 bytes, filled with `fill`)"]
    for name in PNG_FILES:
        data = open(name + ".png", "rb").read()
        for fmt in PNG_FORMATS:
            comps = PNG_FORMATS[fmt][1]
            for flags, stride in ((0, 0), (1, 0), (0, PNG_W * comps + 3), (1, PNG_W * comps + 3)):
                for fill in ((0, 128, 255) if fmt < 12 else (0,)):
                    ok, out = png_decode(data, fmt, flags, stride, fill)
                    lines.append(f"{name}.png {fmt} {flags} {stride} {fill} {'ok' if ok else 'fail'} {md5(out)}")
    # A short stride, a wrong size, a truncated file.
    data = open("rgba8.png", "rb").read()
    ok, out = png_decode(data, 7, 0, PNG_W * 4 - 1, 0)
    lines.append(f"rgba8.png 7 0 {PNG_W * 4 - 1} 0 {'ok' if ok else 'fail'} {md5(out)}")
    return lines


# ---------------------------------------------------------------------------
# Ogg: libvorbisfile over libhl's memory callbacks.

vf = C.CDLL("libvorbisfile.so.3")
READ = C.CFUNCTYPE(C.c_size_t, C.c_void_p, C.c_size_t, C.c_size_t, C.c_void_p)
SEEK = C.CFUNCTYPE(C.c_int, C.c_void_p, C.c_int64, C.c_int)
CLOSE = C.CFUNCTYPE(C.c_int, C.c_void_p)
TELL = C.CFUNCTYPE(C.c_long, C.c_void_p)


class Callbacks(C.Structure):
    _fields_ = [("read", READ), ("seek", SEEK), ("close", C.c_void_p), ("tell", TELL)]


vf.ov_open_callbacks.argtypes = [C.c_void_p, C.c_void_p, C.c_void_p, C.c_long, Callbacks]
vf.ov_info.restype = C.POINTER(C.c_int * 2)  # version, channels
vf.ov_info.argtypes = [C.c_void_p, C.c_int]
vf.ov_pcm_total.restype = C.c_int64
vf.ov_pcm_total.argtypes = [C.c_void_p, C.c_int]
vf.ov_pcm_tell.restype = C.c_int64
vf.ov_pcm_tell.argtypes = [C.c_void_p]
vf.ov_pcm_seek.argtypes = [C.c_void_p, C.c_int64]
vf.ov_read.restype = C.c_long
vf.ov_read.argtypes = [C.c_void_p, C.c_void_p, C.c_int, C.c_int, C.c_int, C.c_int, C.POINTER(C.c_int)]
vf.ov_clear.argtypes = [C.c_void_p]


class VorbisInfo(C.Structure):
    _fields_ = [("version", C.c_int), ("channels", C.c_int), ("rate", C.c_long), ("upper", C.c_long),
                ("nominal", C.c_long), ("lower", C.c_long), ("window", C.c_long), ("setup", C.c_void_p)]


class MemFile:
    """libhl's fmt_ogg callbacks: ogg_memread, ogg_memseek, ogg_memtell."""

    def __init__(self, data):
        self.data, self.pos = data, 0
        self.cb = Callbacks(READ(self.read), SEEK(self.seek), None, TELL(self.tell))
        self.vf = C.create_string_buffer(4096)  # larger than OggVorbis_File
        self.token = C.create_string_buffer(1)  # vorbisfile needs a non-null datasource
        self.ok = vf.ov_open_callbacks(self.token, self.vf, None, 0, self.cb) == 0

    def read(self, ptr, size, count, _):
        n = min(size * count, len(self.data) - self.pos)
        C.memmove(ptr, self.data[self.pos:self.pos + n], n)
        self.pos += n
        return n

    def seek(self, _, offset, mode):
        size = len(self.data)
        if mode == 0:
            if offset < 0 or offset > size:
                return 1
            self.pos = offset
        elif mode == 1:
            if self.pos + offset < 0 or self.pos + offset > size:
                return 1
            self.pos += offset
        else:
            if offset < 0 or offset > size:
                return 1
            self.pos = size - offset
        return 0

    def tell(self, _):
        return self.pos

    def info(self):
        i = C.cast(vf.ov_info(self.vf, -1), C.POINTER(VorbisInfo)).contents
        return i.nominal, i.rate, vf.ov_pcm_total(self.vf, -1) & 0xFFFFFFFF, i.channels

    def read_pcm(self, chunk, fmt, limit=None):
        """ogg_read calls until 0 (or `limit` bytes): all bytes and every return value."""
        out, rets, sec = bytearray(), [], C.c_int()
        buf = C.create_string_buffer(chunk)
        while limit is None or len(out) < limit:
            n = vf.ov_read(self.vf, buf, chunk, 1 if fmt & 128 else 0, fmt & 3, 0 if fmt & 256 else 1, C.byref(sec))
            rets.append(n)
            if n <= 0:
                break
            out += buf.raw[:n]
        return bytes(out), rets


def signed32(v):
    return v - (1 << 32) if v >= 1 << 31 else v


OGG_FILES = ["stereo", "mono", "long", "chained", "offset", "stereo44"]


def ogg_table():
    lines = ["# file: info bitrate rate samples channels | read chunk format: bytes md5 md5-of-return-values |"
             " seek target chunk: result tell md5-of-the-next-4096-bytes"]
    for name in OGG_FILES:
        data = open(name + ".ogg", "rb").read()
        m = MemFile(data)
        assert m.ok, name
        b, r, s, c = m.info()
        lines.append(f"{name}.ogg info {b} {r} {signed32(s)} {c}")
        total = s
        for chunk, fmt in ((4096, 2), (1000, 2), (4096, 2 | 128), (4096, 2 | 256), (4096, 1), (4096, 1 | 256), (333, 1)):
            m = MemFile(data)
            pcm, rets = m.read_pcm(chunk, fmt)
            lines.append(f"{name}.ogg read {chunk} {fmt} {len(pcm)} {md5(pcm)} {md5(str(rets).encode())} "
                         f"tell {vf.ov_pcm_tell(m.vf)}")
        m = MemFile(data)
        for target in (total // 2, 0, total - 100, 1, total // 3, total, total + 1, -1, 12345 % max(total, 1)):
            ok = vf.ov_pcm_seek(m.vf, target) == 0
            tell = vf.ov_pcm_tell(m.vf)
            pcm, _ = m.read_pcm(4096, 2, 4096)
            lines.append(f"{name}.ogg seek {target} {int(ok)} {tell} {md5(pcm)}")
        # A failed open: the file cut in its headers.
        cut = MemFile(data[:200])
        lines.append(f"{name}.ogg@200 open {int(cut.ok)}")
    return lines


if __name__ == "__main__":
    for path, lines in (("expected/png.txt", png_table()), ("expected/jpeg_decode.txt", jpeg_decode_table()), ("expected/jpeg_encode.txt", jpeg_encode_table()),
                        ("expected/ogg.txt", ogg_table())):
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(path, len(lines) - 1, "cases")
