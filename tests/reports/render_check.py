#!/usr/bin/env python3
"""render_check.py - checks on what headless Chromium made of the HTML report (html.sh).
Python 3 standard library only.

  render_check.py png FILE MIN_COLOURS MIN_INK   the screenshot is not blank: at least MIN_COLOURS
                                                 distinct colours and a share of at least MIN_INK
                                                 (0..1) of pixels that are not white
  render_check.py png FILE N INK '#rrggbb'...    and each of these colours is somewhere in it
  render_check.py netlog FILE                    the page made no network request: no request in
                                                 Chromium's net log (--log-net-log) started by the
                                                 page (an initiator other than "not an origin",
                                                 which marks the browser's own background requests)
Exit 0 when the check holds, 1 with the reason on stderr when not.
"""
import json
import struct
import sys
import zlib


def png_pixels(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, colour type %d, interlace %d)" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def check_png(path, min_colours, min_ink, wanted=()):
    width, height, rows = png_pixels(path)
    colours, ink = set(), 0
    for row in rows:
        for px in row:
            colours.add(px)
            if px != (255, 255, 255):
                ink += 1
    share = ink / float(width * height)
    print("%s: %dx%d, %d distinct colours, %.1f %% of pixels not white" % (path, width, height, len(colours), 100 * share))
    if len(colours) < min_colours or share < min_ink:
        sys.stderr.write("%s looks blank: %d colours (want >= %d), %.2f %% ink (want >= %.2f %%)\n"
                         % (path, len(colours), min_colours, 100 * share, 100 * min_ink))
        return 1
    missing = [w for w in wanted if tuple(int(w[i:i + 2], 16) for i in (1, 3, 5)) not in colours]
    if missing:
        sys.stderr.write("%s lacks the colours %s\n" % (path, " ".join(missing)))
        return 1
    return 0


def check_netlog(path):
    log = json.load(open(path))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    by_page = sorted({e["params"]["url"] for e in log["events"]
                      if names.get(e["type"]) == "URL_REQUEST_START_JOB"
                      and e.get("params", {}).get("initiator", "not an origin") != "not an origin"})
    if by_page:
        sys.stderr.write("the page requested: %s\n" % ", ".join(by_page))
        return 1
    print("%s: no request started by the page" % path)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "png":
        sys.exit(check_png(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5:]))
    if len(sys.argv) == 3 and sys.argv[1] == "netlog":
        sys.exit(check_netlog(sys.argv[2]))
    sys.stderr.write(__doc__)
    sys.exit(2)
