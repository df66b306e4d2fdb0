"""Allocations per frame from two DHAT profiles (N and N + FRAMES frames), grouped by Seawall call sites and,
for an allocation made inside a library, the library function Seawall called ([wl_resource_post_event in
libwayland-server]).

usage: alloc-profile.py SHORT.json LONG.json FRAMES BINARY SYMBOLIZER
"""
import json
import subprocess
import sys

PIE_BASE = 0x108000          # where valgrind maps a position-independent executable
OWN_CODE_LIMIT = 0x1000000   # addresses below this are the executable's; shared libraries sit far higher


ALLOCATORS = ("malloc", "calloc", "realloc", "memalign", "posix_memalign", "swift_slowAlloc", "swift_allocObject",
              "operator new")


def library_entry(entries):
    """The library function Seawall's code called that allocated (e.g. libwayland's wl_resource_post_event),
    or "" when Seawall's own code (or the Swift runtime on its behalf) allocated."""
    called = ""
    for entry in entries:
        address, _, rest = entry.partition(": ")
        if address.startswith("0x") and int(address, 16) < OWN_CODE_LIMIT:
            break
        name, _, where = rest.partition(" (in ")
        if name.startswith(ALLOCATORS) or "libswiftCore" in where or name == "???":
            continue
        called = f"{name} in {where.rsplit('/', 1)[-1].split('.so')[0]}"
    return called


def sites(path):
    profile = json.load(open(path))
    table = profile["ftbl"]
    counts = {}
    for point in profile["pps"]:
        entries = [table[i] for i in point["fs"]]
        frames = [e.split(": ", 1)[0] for e in entries]
        own = tuple(f for f in frames if f.startswith("0x") and int(f, 16) < OWN_CODE_LIMIT)[:3]
        key = (library_entry(entries), own)
        counts[key] = counts.get(key, 0) + point["tbk"]
    return counts


def main():
    short, long, frames, binary, symbolizer = sys.argv[1:6]
    frames = int(frames)
    a, b = sites(long), sites(short)
    per_site = sorted(((a.get(k, 0) - b.get(k, 0), k) for k in set(a) | set(b)), reverse=True)
    per_site = [(n, k) for n, k in per_site if n > 0]
    addresses = sorted({f for _, (_, k) in per_site for f in k})
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
    ours = sum(n for n, (library, _) in per_site if not library)
    print(f"heap allocations per frame: {total / frames:.1f} (over {frames} frames); "
          f"{ours / frames:.1f} by Seawall's own code, {(total - ours) / frames:.1f} inside the libraries it calls")
    for n, (library, k) in per_site:
        where = "  <-  ".join(names.get(f, f) for f in k) if k else "(outside Seawall's code)"
        print(f"{n / frames:6.2f}  " + (f"[{library}]  " if library else "") + where)


if __name__ == "__main__":
    main()
