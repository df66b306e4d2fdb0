#!/usr/bin/env python3
"""Regression test for the VM cache: many writers filling one empty cache at once.

    tools/qemu/test-cache.py [--vm tools/qemu/vm.py] [--writers 6] [--kernel /boot/vmlinuz-…]

tools/test-drm boots two VMs side by side, and two tools/test-drm runs may share ~/.cache/seawall-vm; on an
empty cache every one of them builds the initramfs and unpacks the kernel. This starts WRITERS processes that
call vm.py's prepare() on one empty cache folder at the same instant (released together by a barrier), and
checks that
  - every writer succeeds and is handed the same two paths,
  - the files each writer reads right after prepare() returns are identical, byte for byte, and identical to
    the files one writer alone makes in another empty cache (no torn or half-written file is ever seen),
  - nothing but the two files and their lock files is left in the cache (no stray temporary file).
Prints one PASS or FAIL line per check and exits 0 only if all pass. With --vm pointing at an older vm.py it
shows whether that one had the race (the version before this test: writers died with FileNotFoundError).
"""
import argparse, hashlib, importlib.util, multiprocessing, os, shutil, sys, tempfile, traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path):
    spec = importlib.util.spec_from_file_location("vm_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def writer(vm_path, kernel, cache, barrier, results, index):
    try:
        vm = load(vm_path)
        barrier.wait(timeout=120)
        paths = vm.prepare(kernel, cache)
        results[index] = ("ok", tuple(paths), tuple(digest(p) for p in paths))
    except BaseException as e:   # SystemExit from vm.py's sys.exit too
        results[index] = ("error", f"{type(e).__name__}: {e}", traceback.format_exc(limit=3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vm", default=os.path.join(HERE, "vm.py"))
    ap.add_argument("--writers", type=int, default=6)
    ap.add_argument("--kernel", default=None)
    a = ap.parse_args()
    vm = load(a.vm)
    kernel = a.kernel or vm.newest_kernel()
    failures = 0

    def check(ok, what):
        nonlocal failures
        print(f"  {'pass' if ok else 'FAIL'}  cache: {what}")
        failures += 0 if ok else 1

    work = tempfile.mkdtemp(prefix="seawall-vm-cache-test-")
    try:
        shared, alone = os.path.join(work, "shared"), os.path.join(work, "alone")
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(a.writers)
        with context.Manager() as manager:
            results = manager.dict()
            procs = [context.Process(target=writer, args=(a.vm, kernel, shared, barrier, results, i))
                     for i in range(a.writers)]
            for p in procs:
                p.start()
            for p in procs:
                p.join(timeout=600)
            results = dict(results)
        errors = [r for r in results.values() if r[0] == "error"]
        done = [r for r in results.values() if r[0] == "ok"]
        check(len(done) == a.writers,
              f"{len(done)} of {a.writers} writers filling one empty cache at once succeeded"
              + (f"; first error: {errors[0][1]}" if errors else ""))
        for e in errors[:1]:
            print("\n".join("        " + line for line in e[2].splitlines()))
        if done:
            paths = {r[1] for r in done}
            check(len(paths) == 1, f"every writer got the same kernel and initramfs paths ({len(paths)} distinct)")
            digests = {r[2] for r in done}
            check(len(digests) == 1, f"every writer read the same bytes ({len(digests)} distinct contents)")
            reference_digests = tuple(digest(p) for p in vm.prepare(kernel, alone))
            check(digests == {reference_digests},
                  "they equal what one writer alone makes in another empty cache")
            left = sorted(os.listdir(shared))
            expected = sorted({os.path.basename(p) for p in next(iter(paths)) if p.startswith(shared)})
            strays = [n for n in left if n not in expected and not n.endswith(".lock")]
            check(not strays, f"the cache holds {', '.join(expected)} (+ lock files) and nothing else"
                  + (f"; strays: {', '.join(strays)}" if strays else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
