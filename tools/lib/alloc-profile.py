"""Allocations per frame from two DHAT profiles (N and N + FRAMES frames), grouped by Seawall call sites.

usage: alloc-profile.py SHORT.json LONG.json FRAMES BINARY SYMBOLIZER
"""
import json
import subprocess
import sys

PIE_BASE = 0x108000          # where valgrind maps a position-independent executable
OWN_CODE_LIMIT = 0x1000000   # addresses below this are the executable's; shared libraries sit far higher


def sites(path):
    profile = json.load(open(path))
    table = profile["ftbl"]
    counts = {}
    for point in profile["pps"]:
        frames = [table[i].split(": ", 1)[0] for i in point["fs"]]
        own = tuple(f for f in frames if f.startswith("0x") and int(f, 16) < OWN_CODE_LIMIT)[:3]
        counts[own] = counts.get(own, 0) + point["tbk"]
    return counts


def main():
    short, long, frames, binary, symbolizer = sys.argv[1:6]
    frames = int(frames)
    a, b = sites(long), sites(short)
    per_site = sorted(((a.get(k, 0) - b.get(k, 0), k) for k in set(a) | set(b)), reverse=True)
    per_site = [(n, k) for n, k in per_site if n > 0]
    addresses = sorted({f for _, k in per_site for f in k})
    out = subprocess.run([symbolizer, "--obj=" + binary, "--functions=linkage", "--no-demangle"]
                         + [hex(int(x, 16) - PIE_BASE) for x in addresses],
                         capture_output=True, text=True).stdout.strip().split("\n\n")
    symbols = [text.strip().split("\n") for text in out]
    # Swift names, shortened by the toolchain's demangler ("Renderer.paint(…)" rather than "$s6Render…").
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact"],
                               input="\n".join(lines[0] if lines else "?" for lines in symbols),
                               capture_output=True, text=True).stdout.split("\n")
    names = {}
    for address, lines, name in zip(addresses, symbols, demangled):
        where = lines[1].rsplit("/", 1)[-1] if len(lines) > 1 else "?"
        names[address] = f"{name.split('(')[0] or '?'} ({where})"
    total = sum(n for n, _ in per_site)
    print(f"heap allocations per frame: {total / frames:.1f} (over {frames} frames)")
    for n, k in per_site:
        print(f"{n / frames:6.2f}  " + "  <-  ".join(names.get(f, f) for f in k) if k else f"{n / frames:6.2f}  (outside Seawall's code)")


if __name__ == "__main__":
    main()
