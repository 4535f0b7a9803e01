// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor;

public class Hypervisor {
    public static class HypervisorType {
        public static final HypervisorType KVM = new HypervisorType("KVM");
        public static final HypervisorType Any = new HypervisorType("Any");

        private final String name;

        public HypervisorType(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
