#!/usr/bin/env python3
"""The end-to-end benchmark driver behind tools/bench (python3 and Debian's weston only).

For every run: a fresh compositor (`seawall serve --backend null --refresh 60 --size WxH`, or weston 10
headless with the pixman renderer) on a private XDG_RUNTIME_DIR, then seawall-benchclient against it. The
compositor's CPU time is the sum over all its threads of /proc/PID/task/*/schedstat (nanoseconds), sampled
when the client says it starts measuring (after a warm-up) and when it prints its result; peak RSS is VmHWM
from /proc/PID/status at that moment. Runs are interleaved (workload after workload, seawall and weston
alternately, repetition after repetition) and each figure is the median of the repetitions, with the
spread (min-max) for CPU. The memcpy of the damaged bytes of one output frame is measured in the same
run, before each workload's repetition, cold and warm (seawall-benchclient memcpy BYTES).
"""
import argparse, glob, os, platform, shutil, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, output size, client flags, kind (None | "dump-tmpfs" | "dump-disk" | "record"), in the default set
WORKLOADS = [
    ("full XRGB 1080p", "1920x1080", ["--fullscreen", "--size", "1920x1080", "--format", "xrgb", "--damage", "full"], None, True),
    ("10% box 1080p", "1920x1080", ["--fullscreen", "--size", "1920x1080", "--format", "xrgb", "--damage", "box"], None, True),
    ("ARGB blend 1080p", "1920x1080", ["--fullscreen", "--size", "1920x1080", "--format", "argb", "--damage", "full"], None, True),
    ("full XRGB 4K", "3840x2160", ["--fullscreen", "--size", "3840x2160", "--format", "xrgb", "--damage", "full"], None, False),
    ("10% box 4K", "3840x2160", ["--fullscreen", "--size", "3840x2160", "--format", "xrgb", "--damage", "box"], None, False),
    ("ARGB blend 4K", "3840x2160", ["--fullscreen", "--size", "3840x2160", "--format", "argb", "--damage", "full"], None, False),
    ("1 win 256x256", "1920x1080", ["--size", "256x256", "--windows", "1"], None, False),
    ("16 win 256x256", "1920x1080", ["--size", "256x256", "--windows", "16"], None, False),
    ("64 win 256x256", "1920x1080", ["--size", "256x256", "--windows", "64"], None, True),
    ("dump-every 1 tmpfs 1080p", "1920x1080", ["--fullscreen", "--size", "1920x1080", "--format", "xrgb", "--damage", "full"], "dump-tmpfs", True),
    ("dump-every 1 disk 1080p", "1920x1080", ["--fullscreen", "--size", "1920x1080", "--format", "xrgb", "--damage", "full"], "dump-disk", False),
    ("record mkv 1080p", "1920x1080", ["--fullscreen", "--size", "1920x1080", "--format", "xrgb", "--damage", "full"], "record", False),
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def cpu_ns(pid):
    """Sum of the on-CPU time of every thread of pid (schedstat, ns); falls back to utime+stime."""
    total = 0
    try:
        for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
            try:
                with open(path) as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        if total:
            return total
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def children_cpu_ns(pid):
    """On-CPU time of pid's child processes (the encoder ffmpeg under --record), all their threads."""
    total = 0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) != pid:
                    continue
            total += cpu_ns(int(stat.split("/")[2])) or 0
        except (OSError, ValueError, IndexError):
            pass
    return total


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def parse_kv(line):
    return {k: v for k, v in (item.split("=", 1) for item in line.split() if "=" in item)}


class Runner:
    def __init__(self, args, bindir):
        self.args = args
        self.bin = bindir
        self.seq = 0
        self.record_supported = None

    def serve_help(self):
        out = subprocess.run([f"{self.bin}/seawall", "serve", "--help"], capture_output=True, text=True)
        return out.stdout + out.stderr

    def memcpy(self, nbytes):
        out = subprocess.run([f"{self.bin}/seawall-benchclient", "memcpy", str(nbytes)], capture_output=True, text=True, check=True)
        kv = parse_kv(out.stdout)
        return float(kv["cold_ms"]), float(kv["warm_ms"])

    def run(self, compositor, workload):
        """One fresh compositor and one client; returns a dict of figures, or {"error": ...}."""
        name, size, client_flags, kind, _ = workload
        w, h = size.split("x")
        self.seq += 1
        runtime = tempfile.mkdtemp(prefix="seawall-bench-rt.")
        os.chmod(runtime, 0o700)
        socket = f"bench-{os.getpid()}-{self.seq}"
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
        env.pop("WAYLAND_DISPLAY", None)
        outdir = None
        if compositor != "weston":
            binary = self.args.baseline if compositor == "baseline" else self.bin
            cmd = [f"{binary}/seawall", "serve", "--socket", socket, "--refresh", "60", "--size", size, "--log-level", "warning"]
            if kind in ("dump-tmpfs", "dump-disk"):
                base = "/dev/shm" if kind == "dump-tmpfs" else self.args.disk_dir
                os.makedirs(base, exist_ok=True)
                outdir = tempfile.mkdtemp(prefix="seawall-bench-frames.", dir=base)
                cmd += ["--backend", "ppm", "--dump-every", "1", "--output-dir", outdir]
            elif kind == "record":
                os.makedirs(self.args.disk_dir, exist_ok=True)
                outdir = tempfile.mkdtemp(prefix="seawall-bench-record.", dir=self.args.disk_dir)
                cmd += ["--backend", "null", "--record", os.path.join(outdir, "bench.mkv")]
            else:
                cmd += ["--backend", "null"]
        else:
            if kind is not None:
                shutil.rmtree(runtime, ignore_errors=True)
                return {"error": "n/a"}
            cmd = ["weston", "--backend=headless-backend.so", "--use-pixman", f"--width={w}", f"--height={h}",
                   f"--socket={socket}", "--idle-time=0", "--shell=desktop-shell.so", "--no-config"]
        logf = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        result = {}
        try:
            deadline = time.time() + 10
            while not os.path.exists(os.path.join(runtime, socket)):
                if proc.poll() is not None or time.time() > deadline:
                    logf.seek(0)
                    return {"error": f"{compositor} did not start: " + logf.read().decode(errors="replace")[-400:]}
                time.sleep(0.02)
            time.sleep(0.5 if compositor == "weston" else 0.2)  # weston: let the shell's own clients settle
            client = [f"{self.bin}/seawall-benchclient", "--socket", socket, "--warmup", str(self.args.warmup),
                      "--seconds", str(self.args.seconds)] + client_flags
            cproc = subprocess.Popen(client, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            start_cpu = None
            started = time.time()
            for line in cproc.stdout:
                if line.startswith("benchclient: measuring"):
                    start_cpu = cpu_ns(proc.pid)
                    start_children = children_cpu_ns(proc.pid) if kind == "record" else 0
                elif line.startswith("benchclient: result"):
                    end_cpu = cpu_ns(proc.pid)
                    end_children = children_cpu_ns(proc.pid) if kind == "record" else 0
                    result = parse_kv(line)
                    result["rss_kib"] = peak_rss_kib(proc.pid)
                    if start_cpu is not None and end_cpu is not None:
                        result["cpu_ns"] = end_cpu - start_cpu
                        result["children_cpu_ns"] = end_children - start_children
            cproc.wait()
            if not result:
                return {"error": f"client failed ({cproc.returncode}): {cproc.stderr.read()[-300:]}"}
            return result
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if kind == "record" and result:
                try:  # the whole run was recorded (warm-up included): bytes per second of it
                    result["video_bytes_per_s"] = os.path.getsize(os.path.join(outdir, "bench.mkv")) / (time.time() - started)
                except (OSError, NameError):
                    pass
            if outdir:
                shutil.rmtree(outdir, ignore_errors=True)
            shutil.rmtree(runtime, ignore_errors=True)


def median(values):
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(prog="tools/bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", choices=["weston"], help="also run Debian's weston 10 headless (pixman), interleaved")
    parser.add_argument("--full", action="store_true", help="every workload (4K, 1/16 windows, dump on disk, --record)")
    parser.add_argument("--only", action="append", default=[], help="workloads whose name contains this (repeatable)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of every run (default 3)")
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per run (default 3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="client warm-up seconds before measuring (default 1)")
    parser.add_argument("--disk-dir", default=os.path.join(ROOT, ".build", "bench-disk"), help="directory on disk for the dump-on-disk and --record runs")
    parser.add_argument("--baseline", metavar="DIR", help="also run the seawall binary in DIR (another build, e.g. a copy of "
                        "the release binary before a change), interleaved with this one: before/after in the same conditions")
    parser.add_argument("--scratch-path", help="SwiftPM scratch path (default .build)")
    parser.add_argument("--no-build", action="store_true", help="use the release binaries already built")
    args = parser.parse_args()

    load_start = open("/proc/loadavg").read().split()[:3]
    scratch = ["--scratch-path", args.scratch_path] if args.scratch_path else []
    if not args.no_build:
        for product in ("seawall", "seawall-benchclient"):
            subprocess.run(["swift", "build", "-c", "release", *scratch, "--product", product], cwd=ROOT, check=True,
                           stdout=sys.stderr)
    bindir = subprocess.run(["swift", "build", "-c", "release", *scratch, "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    runner = Runner(args, bindir)

    workloads = [wl for wl in WORKLOADS if (args.full or wl[4] or args.only)]
    if args.only:
        workloads = [wl for wl in workloads if any(o.lower() in wl[0].lower() for o in args.only)]
    notes = []
    if any(wl[3] == "record" for wl in workloads) and "--record" not in runner.serve_help():
        workloads = [wl for wl in workloads if wl[3] != "record"]
        notes.append("record: skipped, this seawall's `serve --help` has no --record")
    compositors = ["seawall"] + (["baseline"] if args.baseline else []) + (["weston"] if args.against else [])
    if args.baseline and not os.access(os.path.join(args.baseline, "seawall"), os.X_OK):
        sys.exit(f"tools/bench: --baseline {args.baseline}: no seawall binary there")
    if args.against and not shutil.which("weston"):
        sys.exit("tools/bench: --against weston needs weston (Debian package weston)")

    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
    print(f"# machine: {os.cpu_count()} CPUs, {cpu_model}, kernel {platform.release()}; load average at start {' '.join(load_start)}")
    weston_version = ""
    if args.baseline:
        print(f"# baseline: {os.path.abspath(args.baseline)}/seawall, interleaved with this build (same client, same runs)")
    if args.against:
        weston_version = subprocess.run(["weston", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"# seawall {commit}{'; ' + weston_version + ' headless, pixman, desktop-shell, unpatched' if args.against else ''}; "
          f"{args.reps} interleaved reps x {args.seconds:g} s measured (+{args.warmup:g} s warm-up), medians", flush=True)

    runs = {}      # (workload, compositor) -> list of results
    memcpys = {}   # workload -> list of (cold, warm)
    for rep in range(args.reps):
        for wl in workloads:
            order = compositors if rep % 2 == 0 else list(reversed(compositors))
            for comp in order:
                if comp == "weston" and wl[3] is not None:
                    continue  # weston has no frame dump nor recorder to compare with
                log(f"[{rep + 1}/{args.reps}] {wl[0]} on {comp}")
                r = runner.run(comp, wl)
                runs.setdefault((wl[0], comp), []).append(r)
                if "error" in r and r["error"] != "n/a":
                    log(f"  error: {r['error']}")
                if "damaged_bytes" in r and int(r["damaged_bytes"]) > 0:
                    memcpys.setdefault(wl[0], []).append(runner.memcpy(int(r["damaged_bytes"])))

    header = ["workload", "compositor", "CPU ms/frame (min-max)", "% core", "fps (slowest win)", "c2p p50/p99 ms",
              "peak RSS MiB", "memcpy cold/warm ms", "CPU/memcpy cold; warm"]
    if args.baseline:
        header.append("seawall/baseline CPU")
    if args.against:
        header.append("seawall/weston CPU")
    rows = []
    for wl in workloads:
        per_frame = {}
        for comp in compositors:
            if (wl[0], comp) not in runs:
                continue
            good = [r for r in runs.get((wl[0], comp), []) if "cpu_ns" in r and float(r.get("fps", 0)) > 0]
            bad = [r["error"] for r in runs.get((wl[0], comp), []) if "error" in r]
            if not good:
                rows.append([wl[0], comp, bad[0][:60] if bad else "no result"] + [""] * (len(header) - 3))
                continue
            frame_ms = [r["cpu_ns"] / 1e6 / (float(r["fps"]) * float(r["seconds"])) for r in good]
            core = [100 * r["cpu_ns"] / 1e9 / float(r["seconds"]) for r in good]
            fps = median([float(r["fps"]) for r in good])
            fps_min = median([float(r["fps_min"]) for r in good])
            p50 = median([float(r["c2p_p50_ms"]) for r in good])
            p99 = median([float(r["c2p_p99_ms"]) for r in good])
            rss = median([r["rss_kib"] / 1024 for r in good if r.get("rss_kib")])
            discarded = sum(int(r.get("discarded", 0)) for r in good)
            m = median(frame_ms)
            per_frame[comp] = m
            mc = memcpys.get(wl[0], [])
            cold, warm = median([c for c, _ in mc]), median([w for _, w in mc])
            row = [wl[0], comp, f"{m:.3f} ({min(frame_ms):.3f}-{max(frame_ms):.3f})", f"{median(core):.1f}",
                   f"{fps:.1f} ({fps_min:.1f})" + (f" {discarded} disc." if discarded else ""), f"{p50:.2f}/{p99:.2f}",
                   f"{rss:.0f}" if rss else "?", f"{cold:.3f}/{warm:.3f}" if cold else "?",
                   f"{m / cold:.2f}; {m / warm:.2f}" if cold else "?"]
            row += [""] * (len(header) - len(row))
            rows.append(row)
        for other in ("baseline", "weston"):
            if other in compositors and "seawall" in per_frame and other in per_frame:
                column = header.index(f"seawall/{other} CPU")
                for row in rows:
                    if row[0] == wl[0] and row[1] == "seawall":
                        row[column] = f"{per_frame['seawall'] / per_frame[other]:.2f}"
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")
    for wl in workloads:
        if wl[3] != "record":
            continue
        for comp in compositors:
            good = [r for r in runs.get((wl[0], comp), []) if r.get("children_cpu_ns") and float(r.get("fps", 0)) > 0]
            if good:
                enc = median([r["children_cpu_ns"] / 1e6 / (float(r["fps"]) * float(r["seconds"])) for r in good])
                size = median([r["video_bytes_per_s"] / 1e6 for r in good if "video_bytes_per_s" in r])
                notes.append(f"{wl[0]} on {comp}: the encoder (ffmpeg, child processes) {enc:.2f} ms CPU/frame"
                             + (f", video {size:.2f} MB per second of run" if size else ""))
    load_end = open("/proc/loadavg").read().split()[:3]
    print(f"# load average at end {' '.join(load_end)}. CPU: all threads of the compositor process (weston's shell "
          f"clients not counted); per output frame = CPU / (fps x seconds). memcpy: one contiguous copy of the damaged "
          f"bytes of one output frame, cold = source and target out of cache.")
    if args.against:
        print("# weston 10 headless repaints 16 ms after a frame finishes (not patched here), so a client paced by frame "
              "callbacks gets ~30 fps and c2p of ~3 periods from it; compare CPU per frame, not fps.")
    for note in notes:
        print(f"# {note}")


if __name__ == "__main__":
    main()
