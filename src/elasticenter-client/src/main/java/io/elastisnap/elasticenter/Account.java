// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;
import java.util.OptionalLong;

/** An ElastiCenter account ({@code listAccount}); clients find theirs by name and then use its id. */
public final class Account {
    private final String id;
    private final String name;
    private final Optional<String> iqnName;
    private final OptionalLong totalIops;
    private final OptionalLong availableIops;
    private final ApiRecord record;

    private Account(ApiRecord r) {
        this.id = r.requireString("id");
        this.name = r.requireString("name");
        this.iqnName = r.string("iqnname");
        this.totalIops = r.integer("totaliops");
        this.availableIops = r.integer("availIOPS");
        this.record = r;
    }

    public static Account from(ApiRecord record) {
        return new Account(record);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The IQN prefix of the account's targets, e.g. {@code iqn.2016-11.Account1}. */
    public Optional<String> iqnName() {
        return iqnName;
    }

    public OptionalLong totalIops() {
        return totalIops;
    }

    public OptionalLong availableIops() {
        return availableIops;
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "Account[" + name + " " + id + "]";
    }
}
