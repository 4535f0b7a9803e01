// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.libvirt.jna.DomainPointer;

/**
 * The three libvirt calls libvirt-java 0.5.x does not wrap: virDomainFSFreeze, virDomainFSThaw, virDomainGetFSInfo.
 * They take libvirt-java's own {@link DomainPointer}, so one connection serves both libraries.
 */
interface LibvirtFsNative extends Library {
    LibvirtFsNative INSTANCE = Native.load("virt", LibvirtFsNative.class);

    int virDomainFSFreeze(DomainPointer dom, String[] mountpoints, int nmountpoints, int flags);

    int virDomainFSThaw(DomainPointer dom, String[] mountpoints, int nmountpoints, int flags);

    /** Fills {@code info} with a malloc'ed array of virDomainFSInfoPtr; returns their count or -1. */
    int virDomainGetFSInfo(DomainPointer dom, PointerByReference info, int flags);

    void virDomainFSInfoFree(Pointer info);

    /** Thread-local text of the last error; owned by libvirt, not to be freed. */
    String virGetLastErrorMessage();
}
