#!/bin/busybox sh
# /init of Seawall's throw-away test VM (tools/qemu/vm.py puts it into the initramfs with a static busybox
# and the kernel modules listed in /modules/load-order). It mounts the host's root read-only over 9p, the
# job directory read-write at its own path, loads the display driver, then runs the job script chrooted in
# the host root, reports the exit status on the control line (/dev/ttyS1) and powers off.
/bin/busybox mkdir -p /proc /sys /dev /host /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $(cat /modules/load-order); do insmod "/modules/$m.ko" || echo "seawall-vm: insmod $m failed"; done
job=$(sed -n 's/.*seawall\.job=\([^ ]*\).*/\1/p' /proc/cmdline)
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$opts,ro,cache=loose" hostroot /host || echo "seawall-vm: cannot mount the host root"
mount -t 9p -o "$opts" job "/host$job" || echo "seawall-vm: cannot mount the job directory $job"
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/shm /host/dev/pts
mount -t tmpfs shm /host/dev/shm
mount -t tmpfs run /host/run
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
stty -F /dev/ttyS1 raw -echo
# The control line stays open for the whole job (fd 3): a serial port that nobody holds open drops what
# arrives, so the host's "ok" could be lost between a write and the next open.
exec 3<>/dev/ttyS1
chroot /host /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root TMPDIR=/run \
    CTL=/dev/ttyS1 JOB="$job" /bin/sh -c "cd '$job' && exec /bin/sh ./job.sh"
echo "EXIT $?" > /dev/ttyS1
poweroff -f
