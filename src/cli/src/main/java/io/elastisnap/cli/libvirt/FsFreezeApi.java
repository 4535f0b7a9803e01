// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.libvirt.Domain;
import org.libvirt.jna.DomainPointer;

/**
 * libvirt's guest file-system freeze API (virDomainFSFreeze / FSThaw / GetFSInfo) on a libvirt-java {@link Domain}.
 * Unlike {@code qemuAgentCommand} these work on the libvirt test driver, which has no guest agent.
 */
public final class FsFreezeApi {
    private static final Field DOMAIN_POINTER;

    static {
        try {
            DOMAIN_POINTER = Domain.class.getDeclaredField("vdp");
            DOMAIN_POINTER.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("libvirt-java without Domain.vdp: this binding needs libvirt-java 0.5.x");
        }
    }

    /** One mounted guest file system. */
    public static final class FsInfo {
        private final String mountPoint;
        private final String name;
        private final String type;
        private final List<String> devices;

        FsInfo(String mountPoint, String name, String type, List<String> devices) {
            this.mountPoint = mountPoint;
            this.name = name;
            this.type = type;
            this.devices = devices;
        }

        public String mountPoint() {
            return mountPoint;
        }

        public String name() {
            return name;
        }

        public String type() {
            return type;
        }

        /** Disk targets (vda, ...) the file system lives on. */
        public List<String> devices() {
            return devices;
        }
    }

    /** A failed call, with libvirt's own message. */
    public static final class FsFreezeException extends Exception {
        private static final long serialVersionUID = 1L;
        FsFreezeException(String message) {
            super(message);
        }
    }

    private FsFreezeApi() {
    }

    /** Freezes the given mount points (all when empty); returns how many file systems were frozen. */
    public static int freeze(Domain domain, List<String> mountPoints) throws FsFreezeException {
        String[] mounts = mountPoints.isEmpty() ? null : mountPoints.toArray(new String[0]);
        int n = LibvirtFsNative.INSTANCE.virDomainFSFreeze(pointer(domain), mounts, mounts == null ? 0 : mounts.length, 0);
        return checked(n, "virDomainFSFreeze");
    }

    /** Thaws every frozen file system (libvirt cannot thaw by mount point on QEMU); returns how many were thawed. */
    public static int thaw(Domain domain) throws FsFreezeException {
        return checked(LibvirtFsNative.INSTANCE.virDomainFSThaw(pointer(domain), null, 0, 0), "virDomainFSThaw");
    }

    /** The guest's mounted file systems. */
    public static List<FsInfo> fsInfo(Domain domain) throws FsFreezeException {
        PointerByReference ref = new PointerByReference();
        int n = checked(LibvirtFsNative.INSTANCE.virDomainGetFSInfo(pointer(domain), ref, 0), "virDomainGetFSInfo");
        Pointer array = ref.getValue();
        if (array == null) {
            return Collections.emptyList();
        }
        List<FsInfo> result = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Pointer info = array.getPointer((long) i * Native.POINTER_SIZE);
                try {
                    result.add(read(info));
                } finally {
                    LibvirtFsNative.INSTANCE.virDomainFSInfoFree(info);
                }
            }
        } finally {
            // the array itself comes from libvirt's allocator (malloc); virFree is not exported
            Native.free(Pointer.nativeValue(array));
        }
        return result;
    }

    /** virDomainFSInfo: {char *mountpoint; char *name; char *fstype; size_t ndevAlias; char **devAlias;} */
    private static FsInfo read(Pointer info) {
        int ps = Native.POINTER_SIZE;
        String mount = string(info.getPointer(0));
        String name = string(info.getPointer(ps));
        String type = string(info.getPointer(2L * ps));
        long ndev = ps == 8 ? info.getLong(3L * ps) : info.getInt(3L * ps);
        Pointer aliases = info.getPointer(4L * ps);
        List<String> devices = new ArrayList<>();
        for (long j = 0; aliases != null && j < ndev; j++) {
            devices.add(string(aliases.getPointer(j * ps)));
        }
        return new FsInfo(mount, name, type, Collections.unmodifiableList(devices));
    }

    private static String string(Pointer p) {
        return p == null ? null : p.getString(0);
    }

    private static int checked(int rc, String call) throws FsFreezeException {
        if (rc < 0) {
            String message = LibvirtFsNative.INSTANCE.virGetLastErrorMessage();
            throw new FsFreezeException(call + " failed: " + (message == null ? "unknown libvirt error" : message));
        }
        return rc;
    }

    private static DomainPointer pointer(Domain domain) {
        try {
            return (DomainPointer) DOMAIN_POINTER.get(domain);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read libvirt-java's domain pointer", e);
        }
    }
}
