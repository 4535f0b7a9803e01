// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.framework.config;

public class ConfigKey<T> {
    public static final String CATEGORY_ADVANCED = "Advanced";

    public enum Scope {
        Global, Zone, Cluster, StoragePool, ManagementServer, ImageStore, Domain, Account
    }

    private final String category;
    private final Class<T> type;
    private final String name;
    private final String defaultValue;
    private final String description;
    private final boolean dynamic;
    private final Scope scope;

    public ConfigKey(String category, Class<T> type, String name, String defaultValue, String description, boolean isDynamic,
                     Scope scope) {
        this.category = category;
        this.type = type;
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = description;
        this.dynamic = isDynamic;
        this.scope = scope;
    }

    public String category() {
        return category;
    }

    public Class<T> type() {
        return type;
    }

    public final String key() {
        return name;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isDynamic() {
        return dynamic;
    }

    public T value() {
        throw new UnsupportedOperationException();
    }

    public T valueIn(Long id) {
        throw new UnsupportedOperationException();
    }
}
