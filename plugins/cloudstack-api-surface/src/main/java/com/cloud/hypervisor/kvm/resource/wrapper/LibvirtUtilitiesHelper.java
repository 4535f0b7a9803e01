// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

public class LibvirtUtilitiesHelper {

    public Connect getConnection() throws LibvirtException {
        throw new UnsupportedOperationException();
    }
}
