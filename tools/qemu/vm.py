#!/usr/bin/env python3
"""Boot a throw-away QEMU VM on the host's own root and run a job in it with a real DRM driver.

    tools/qemu/vm.py --gpu virtio|bochs --job DIR [--xres 640 --yres 480] [--timeout 240] SCRIPT
    tools/qemu/vm.py --prepare-only [--cache DIR]

The guest runs SCRIPT (copied to DIR/job.sh) with /bin/sh, chrooted in the host's root (9p, read-only),
in DIR (9p, read-write, the same path as on the host), with the virtio-gpu or bochs-drm driver loaded.
It asks for screendumps by writing `SNAP NAME` to $CTL (/dev/ttyS1); this script saves DIR/NAME.ppm with QMP
`screendump` and answers `ok`. The guest's serial console goes to DIR/console.log. Exit status: the job's,
or 124 on timeout. Prints one timing line: boot, job and whole-run seconds, and the snapshots taken.

Needs qemu-system-x86, busybox-static and a Debian kernel (INITRD=No apt-get install linux-image-amd64);
tools/test-drm installs them. The initramfs and the uncompressed kernel are cached in ~/.cache/seawall-vm
(SEAWALL_VM_CACHE or --cache elsewhere); any number of runs may fill and use the cache at once.
KVM is not used: TCG with -cpu max (RDRAND, so the Swift runtime's first getrandom does not block).
"""
import argparse, glob, hashlib, json, lzma, os, select, shutil, signal, socket, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = ["virtio_pci", "9pnet_virtio", "9p", "virtio_gpu", "bochs"]


def newest_kernel():
    kernels = sorted(glob.glob("/boot/vmlinuz-*"), key=lambda p: [int(x) if x.isdigit() else x for x in p.replace("-", ".").split(".")])
    if not kernels:
        sys.exit("vm.py: no kernel in /boot: INITRD=No apt-get install --no-install-recommends linux-image-amd64")
    return kernels[-1]


def cpio_entry(name, ino, data=b"", mode=0o100644):
    """One record of a newc cpio archive (what the kernel unpacks as initramfs), with inode number `ino`."""
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_bytes), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + name_bytes
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def module_plan(moddir):
    """The .ko files for MODULES and their dependencies, dependencies first (from modules.dep)."""
    deps, by_name = {}, {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
            by_name[os.path.basename(path).split(".ko")[0].replace("-", "_")] = path
    builtin = open(os.path.join(moddir, "modules.builtin")).read() if os.path.exists(os.path.join(moddir, "modules.builtin")) else ""
    order = []

    def add(path):
        if path in order:
            return
        for d in deps.get(path, []):
            add(d)
        order.append(path)

    for name in MODULES:
        if name in by_name:
            add(by_name[name])
        elif "/" + name.replace("_", "-") + ".ko" not in builtin and "/" + name + ".ko" not in builtin:
            print(f"vm.py: warning: no module {name}", file=sys.stderr)
    return order


def has_interpreter(path):
    """Whether an ELF64 executable names a dynamic loader (a PT_INTERP program header): not static."""
    import struct
    with open(path, "rb") as f:
        head = f.read(64)
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return any(struct.unpack_from("<I", table, i * phentsize)[0] == 3 for i in range(phnum))


def read_module(path):
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-qdc", path], check=True, capture_output=True).stdout
    return data


def cached_file(path, build):
    """The cache entry `path`, made by `build(f)` (which writes it to the open file f) if it is not there yet.

    Any number of processes may ask for the same entry at once (tools/test-drm boots two VMs side by side, and
    two tools/test-drm runs may share a cache): the first to take the entry's lock (fcntl on PATH.lock) builds
    it into a private temporary file in the cache folder, flushes it to disk and renames it into place; the
    others wait for the lock, then find the finished file. A reader never sees a partial file: the name
    appears only once the whole file is written. Returns `path`, or None if `build` declined (returned False).
    """
    import fcntl
    if os.path.exists(path):
        return path
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    with open(path + ".lock", "a") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        try:
            if os.path.exists(path):   # built by whoever held the lock before us
                return path
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".", suffix=".partial")
            try:
                with os.fdopen(fd, "wb") as f:
                    if build(f) is False:
                        return None
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(temporary, 0o644)
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
            return path
        finally:
            fcntl.lockf(lock, fcntl.LOCK_UN)


def cache_tag(kernel):
    """What the cached files are made from: guest-init.sh, busybox, this script and the kernel."""
    kver = os.path.basename(kernel)[len("vmlinuz-"):]
    busybox = shutil.which("busybox") or "/bin/busybox"
    key = hashlib.sha256()
    for p in (os.path.join(HERE, "guest-init.sh"), busybox, __file__):
        key.update(open(p, "rb").read())
    key.update(f"{kver}:{os.stat(kernel).st_size}:{os.stat(kernel).st_mtime}".encode())
    return kver, key.hexdigest()[:12]


def write_initramfs(f, kver):
    """The guest's initramfs (newc cpio): static busybox, guest-init.sh as /init, and the driver modules."""
    moddir = f"/lib/modules/{kver}"
    busybox = shutil.which("busybox") or "/bin/busybox"
    if has_interpreter(busybox):
        sys.exit("vm.py: busybox is dynamically linked: apt-get install busybox-static")
    plan = module_plan(moddir)
    inodes = iter(range(1001, 1_000_000))
    for d in ("bin", "dev", "modules", "proc", "sys", "host"):
        f.write(cpio_entry(d, next(inodes), mode=0o40755))
    f.write(cpio_entry("bin/busybox", next(inodes), open(busybox, "rb").read(), 0o100755))
    f.write(cpio_entry("init", next(inodes), open(os.path.join(HERE, "guest-init.sh"), "rb").read(), 0o100755))
    names = []
    for rel in plan:
        name = os.path.basename(rel).split(".ko")[0].replace("-", "_")
        names.append(name)
        f.write(cpio_entry(f"modules/{name}.ko", next(inodes), read_module(os.path.join(moddir, rel))))
    f.write(cpio_entry("modules/load-order", next(inodes), ("\n".join(names) + "\n").encode()))
    f.write(cpio_entry("TRAILER!!!", next(inodes), mode=0))


def write_vmlinux(f, kernel):
    """The uncompressed kernel inside the bzImage, or False if it holds no xz-compressed ELF image."""
    blob = open(kernel, "rb").read()
    at = blob.find(b"\xfd7zXZ\x00")
    try:
        image = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(blob[at:]) if at >= 0 else b""
    except lzma.LZMAError:
        image = b""
    if not image.startswith(b"\x7fELF"):
        return False
    f.write(image)


def prepare(kernel, cache):
    """Returns (kernel image to boot, initramfs path), building and caching both when needed."""
    kver, tag = cache_tag(kernel)
    initrd = cached_file(os.path.join(cache, f"initrd-{kver}-{tag}.cpio"), lambda f: write_initramfs(f, kver))
    # The bzImage decompresses itself (xz) at boot: ~2 s under TCG. The uncompressed vmlinux inside boots
    # straight through its PVH entry note (CONFIG_PVH), so unpack it once.
    vmlinux = cached_file(os.path.join(cache, f"vmlinux-{kver}-{tag}"), lambda f: write_vmlinux(f, kernel))
    return vmlinux or kernel, initrd


def default_cache():
    if os.environ.get("SEAWALL_VM_CACHE"):
        return os.environ["SEAWALL_VM_CACHE"]
    return os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "seawall-vm")


def connect(path, deadline, qemu):
    while time.monotonic() < deadline and qemu.poll() is None:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            time.sleep(0.02)
    sys.exit(f"vm.py: QEMU did not open {path}")


class QMP:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""
        self.line()  # greeting
        self.call("qmp_capabilities")

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP closed")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def call(self, command, **arguments):
        self.sock.sendall(json.dumps({"execute": command, "arguments": arguments}).encode() + b"\n")
        while True:
            reply = self.line()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"QMP {command}: {reply['error']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gpu", choices=["virtio", "bochs"])
    ap.add_argument("--job")
    ap.add_argument("--xres", type=int, default=640)
    ap.add_argument("--yres", type=int, default=480)
    ap.add_argument("--timeout", type=float, default=240)
    ap.add_argument("--kernel", default=None)
    ap.add_argument("--cache", default=default_cache(),
                    help="where the initramfs and the unpacked kernel are kept (SEAWALL_VM_CACHE, else ~/.cache/seawall-vm)")
    ap.add_argument("--prepare-only", action="store_true",
                    help="fill the cache, print the kernel image and initramfs paths, and boot nothing")
    ap.add_argument("script", nargs="?")
    a = ap.parse_args()
    if a.prepare_only:
        image, initrd = prepare(a.kernel or newest_kernel(), a.cache)
        print(image)
        print(initrd)
        return 0
    if a.script is None or a.gpu is None or a.job is None:
        ap.error("--gpu, --job and a job SCRIPT are needed (or --prepare-only)")
    job = os.path.abspath(a.job)
    if " " in job or "," in job:
        sys.exit("vm.py: the job directory's path must not contain spaces or commas (QEMU option syntax)")
    os.makedirs(job, exist_ok=True)
    shutil.copy(a.script, os.path.join(job, "job.sh"))
    image, initrd = prepare(a.kernel or newest_kernel(), a.cache)
    work = tempfile.mkdtemp(prefix="seawall-vm-")
    display = ["-device", f"virtio-gpu-pci,xres={a.xres},yres={a.yres}"] if a.gpu == "virtio" else ["-device", "VGA"]
    cmd = ["qemu-system-x86_64", "-nodefaults", "-no-user-config", "-accel", "tcg", "-cpu", "max", "-smp", "2",
           "-m", "1G", "-display", "none", "-no-reboot", "-kernel", image, "-initrd", initrd,
           "-append", f"console=ttyS0 quiet loglevel=4 panic=-1 mitigations=off vt.global_cursor_default=0 seawall.job={job}",
           "-fsdev", "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap",
           "-device", "virtio-9p-pci,fsdev=root,mount_tag=hostroot",
           "-fsdev", f"local,id=job,path={job},security_model=none", "-device", "virtio-9p-pci,fsdev=job,mount_tag=job",
           *display, "-serial", f"file:{job}/console.log",
           "-chardev", f"socket,id=ctl,path={work}/ctl,server=on,wait=off", "-device", "isa-serial,chardev=ctl",
           "-chardev", f"socket,id=qmp,path={work}/qmp,server=on,wait=off", "-mon", "chardev=qmp,mode=control"]
    start = time.monotonic()
    deadline = start + a.timeout
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    status, snaps, first_line = 124, [], None
    try:
        qmp = QMP(connect(f"{work}/qmp", deadline, qemu))
        ctl = connect(f"{work}/ctl", deadline, qemu)
        pending = b""
        while time.monotonic() < deadline and qemu.poll() is None:
            ready, _, _ = select.select([ctl], [], [], 0.2)
            if not ready:
                continue
            chunk = ctl.recv(4096)
            if not chunk:
                break
            pending += chunk
            while b"\n" in pending:
                raw, _, pending = pending.partition(b"\n")
                line = raw.decode(errors="replace").strip("\r\0 ")
                first_line = first_line or time.monotonic()
                if line.startswith("SNAP "):
                    name = line[5:].strip()
                    qmp.call("screendump", filename=f"{job}/{name}.ppm")
                    snaps.append(f"{name}@{time.monotonic() - start:.1f}s")
                    ctl.sendall(b"ok\n")
                elif line.startswith("EXIT "):
                    status = int(line[5:] or 1)
                    deadline = time.monotonic() + 10   # the guest powers off now
        if status == 124:
            print(f"vm.py: timeout after {a.timeout:.0f} s; console tail:", file=sys.stderr)
            print("".join(open(f"{job}/console.log", errors="replace").readlines()[-25:]), file=sys.stderr)
    finally:
        if qemu.poll() is None:
            try:
                qemu.wait(timeout=10 if status != 124 else 0.1)
            except subprocess.TimeoutExpired:
                qemu.send_signal(signal.SIGTERM)
                qemu.wait()
        shutil.rmtree(work, ignore_errors=True)
    wall = time.monotonic() - start
    boot = (first_line - start) if first_line else wall
    print(f"vm: {a.gpu} guest exit {status}; first guest message {boot:.1f} s, wall {wall:.1f} s; snapshots: {' '.join(snaps) or 'none'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
