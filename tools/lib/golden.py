#!/usr/bin/env python3
"""Golden images for the shell tools: reads PPM (P6) and PNG, writes PNG, compares pixels.

  golden.py compare ACTUAL GOLDEN.png   exit 0 if the pixels are equal; otherwise exit 1 and write
                                        ACTUAL's pixels and a diff image next to ACTUAL (BASE.actual.png,
                                        BASE.diff.png) and say where they are
  golden.py record ACTUAL GOLDEN.png    writes ACTUAL's pixels to GOLDEN.png, then reads it back and checks
                                        that the pixels round-trip exactly
  golden.py same A B                    exit 0 if the two images have equal pixels (any mix of PPM and PNG)

ACTUAL may be a PPM (Seawall's frames, QMP screendumps) or a PNG. Only what Seawall's goldens need is read:
PPM P6 with maxval 255, and PNG with 8-bit RGB or RGBA (opaque) pixels, not interlaced. The diff image is the
one the Swift tests write (SeawallTestSupport's ImageComparison): matching pixels as a dimmed grey of the
golden's pixel, differing ones bright red. Python's zlib is all it needs.
"""
import os
import struct
import sys
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageError(Exception):
    pass


class Image:
    """8-bit RGB pixels, row-major, 3 bytes per pixel, no padding."""

    def __init__(self, width, height, rgb):
        if len(rgb) != width * height * 3:
            raise ImageError(f"{len(rgb)} bytes of pixels for {width}x{height}")
        self.width, self.height, self.rgb = width, height, bytes(rgb)


def read_ppm(data, path):
    fields, at = [], 2
    while len(fields) < 3:
        while at < len(data) and data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            while at < len(data) and data[at] not in b"\r\n":
                at += 1
            continue
        start = at
        while at < len(data) and data[at:at + 1].isdigit():
            at += 1
        if start == at:
            raise ImageError(f"{path}: bad PPM header")
        fields.append(int(data[start:at]))
    width, height, maxval = fields
    if maxval != 255:
        raise ImageError(f"{path}: PPM maxval {maxval} unsupported (only 255)")
    at += 1   # the single whitespace byte that ends the header
    pixels = data[at:]
    if len(pixels) != width * height * 3:
        raise ImageError(f"{path}: PPM {width}x{height} needs {width * height * 3} bytes of pixels, has {len(pixels)}")
    return Image(width, height, pixels)


def unfilter(kind, row, previous, bpp):
    """Undoes one PNG filter (RFC 2083 / PNG spec 9.2) on a scanline, given the unfiltered one above."""
    if kind == 0:
        return row
    out = bytearray(row)
    n = len(out)
    if kind == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(n):
            out[i] = (out[i] + previous[i]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            a = out[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    else:
        raise ImageError(f"unknown PNG filter type {kind}")
    return out


def read_png(data, path):
    at, header, idat = 8, None, []
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        crc = data[at + 8 + length:at + 12 + length]
        if len(body) != length or len(crc) != 4 or struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
            raise ImageError(f"{path}: PNG chunk {kind!r} is truncated or fails its CRC")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if header is None:
        raise ImageError(f"{path}: PNG has no IHDR")
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace != 0:
        raise ImageError(f"{path}: PNG with bit depth {depth}, colour type {color}, interlace {interlace}: "
                         "only 8-bit RGB or RGBA, not interlaced, is read here")
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != height * (stride + 1):
        raise ImageError(f"{path}: PNG pixel data is {len(raw)} bytes, {width}x{height} needs {height * (stride + 1)}")
    rows, previous = [], bytes(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        previous = bytes(unfilter(line[0], line[1:], previous, bpp))
        rows.append(previous)
    pixels = b"".join(rows)
    if bpp == 4:
        if any(a != 255 for a in pixels[3::4]):
            raise ImageError(f"{path}: PNG has transparent pixels; goldens are opaque")
        rgb = bytearray(width * height * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = pixels[0::4], pixels[1::4], pixels[2::4]
        pixels = bytes(rgb)
    return Image(width, height, pixels)


def read_image(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(PNG_SIGNATURE):
        return read_png(data, path)
    if data.startswith(b"P6"):
        return read_ppm(data, path)
    raise ImageError(f"{path}: neither a PNG nor a binary PPM (P6)")


def write_png(path, image):
    """8-bit RGB PNG; each row filtered Up when that is smaller than unfiltered (gradients compress well)."""
    stride = image.width * 3
    lines, previous = [], bytes(stride)
    for y in range(image.height):
        row = image.rgb[y * stride:(y + 1) * stride]
        up = bytes((a - b) & 0xFF for a, b in zip(row, previous))
        lines.append(b"\x02" + up if up.count(0) > row.count(0) else b"\x00" + row)
        previous = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    data = PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(lines), 9)) + chunk(b"IEND", b"")
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def diff_image(actual, expected):
    """(number of differing pixels, first one as (x, y) or None, the diff image)."""
    out = bytearray(len(expected.rgb))
    count, first = 0, None
    a, e = actual.rgb, expected.rgb
    for p in range(expected.width * expected.height):
        i = p * 3
        if a[i:i + 3] != e[i:i + 3]:
            count += 1
            if first is None:
                first = (p % expected.width, p // expected.width)
            out[i] = 255
        else:
            grey = ((77 * e[i] + 150 * e[i + 1] + 29 * e[i + 2]) >> 8) // 3
            out[i] = out[i + 1] = out[i + 2] = grey
    return count, first, Image(expected.width, expected.height, out)


def base_name(path):
    root, extension = os.path.splitext(path)
    return root if extension.lower() in (".ppm", ".png") else path


def compare(actual_path, golden_path):
    actual, golden = read_image(actual_path), read_image(golden_path)
    if (actual.width, actual.height, actual.rgb) == (golden.width, golden.height, golden.rgb):
        return 0
    base = base_name(actual_path)
    write_png(base + ".actual.png", actual)
    if (actual.width, actual.height) != (golden.width, golden.height):
        print(f"size mismatch: {actual_path} is {actual.width}x{actual.height}, golden {golden_path} is "
              f"{golden.width}x{golden.height}; actual: {base}.actual.png")
        return 1
    count, first, diff = diff_image(actual, golden)
    write_png(base + ".diff.png", diff)
    print(f"{count} of {golden.width * golden.height} pixels differ from {golden_path}, first at {first}; "
          f"actual: {base}.actual.png, diff: {base}.diff.png")
    return 1


def record(actual_path, golden_path):
    actual = read_image(actual_path)
    write_png(golden_path, actual)
    back = read_image(golden_path)
    if (back.width, back.height, back.rgb) != (actual.width, actual.height, actual.rgb):
        print(f"{golden_path} does not read back as the pixels of {actual_path}")
        return 1
    return 0


def main(argv):
    commands = {"compare": compare, "record": record,
                "same": lambda a, b: 0 if vars(read_image(a)) == vars(read_image(b)) else 1}
    if len(argv) != 4 or argv[1] not in commands:
        sys.exit(__doc__)
    try:
        return commands[argv[1]](argv[2], argv[3])
    except (OSError, ImageError, zlib.error) as error:
        print(f"golden.py {argv[1]}: {error}")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
