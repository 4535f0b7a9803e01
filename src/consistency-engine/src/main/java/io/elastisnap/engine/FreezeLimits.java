// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Time limits of one consistent snapshot, in the one form every caller uses: the CLI's flags and config file, the
 * CloudStack plugin's global settings and the command that carries them to the KVM host. A value that is not given
 * takes its default; the freeze timeout, when not given, is derived from the window ({@link #freezeTimeout()}).
 *
 * <p>Only the given values are stored, in milliseconds, so Gson can carry a FreezeLimits as it is (it cannot reflect
 * into {@code java.time} on JDK 17) and layers of settings combine with {@link #overriddenBy}. Built leniently:
 * {@link #problems()} lists invalid values and the engine rejects a request carrying them with reason
 * INVALID_REQUEST, so callers handle one failure type; callers that read settings validate at once and name the
 * settings in their own words with {@link #problems(Function)}.
 */
public final class FreezeLimits {
    /** Below the 10 s for which Windows VSS holds writes before it thaws on its own. */
    public static final Duration DEFAULT_MAX_FROZEN_WINDOW = Duration.ofSeconds(8);
    /** The freeze timeout of the default window; a shorter window without a freeze timeout gets 5/8 of itself. */
    public static final Duration DEFAULT_FREEZE_TIMEOUT = Duration.ofSeconds(5);
    /** CloudStack's own agent uses 10 s per freeze/thaw/status call. */
    public static final Duration DEFAULT_THAW_TIMEOUT = Duration.ofSeconds(10);
    /** Proxmox raised its thaw timeout to 3 min after a Windows guest needed 54 s. */
    public static final Duration DEFAULT_THAW_RETRY_FOR = Duration.ofMinutes(3);
    public static final Duration DEFAULT_THAW_BACKOFF_INITIAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_THAW_BACKOFF_MAX = Duration.ofSeconds(10);
    /** Proxmox pings the agent with 3 s. */
    public static final Duration DEFAULT_PREFLIGHT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_SNAPSHOT_TIMEOUT = Duration.ofMinutes(5);

    /** One limit: its name in problems, and {@link #key()}, its name in settings files and on command lines. */
    public enum Setting {
        MAX_FROZEN_WINDOW("maxFrozenWindow"),
        FREEZE_TIMEOUT("freezeTimeout"),
        THAW_TIMEOUT("thawTimeout"),
        THAW_RETRY_FOR("thawRetryFor"),
        THAW_BACKOFF_INITIAL("thawRetryBackoff initial"),
        THAW_BACKOFF_MAX("thawRetryBackoff max"),
        PREFLIGHT_TIMEOUT("preflightTimeout"),
        SNAPSHOT_TIMEOUT("snapshotTimeout");

        private final String label;

        Setting(String label) {
            this.label = label;
        }

        /** {@code max-frozen-window}, {@code freeze-timeout}, ...: the form operators type. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The default value; for {@link #FREEZE_TIMEOUT} the default window's (a shorter window derives less). */
        public Duration defaultValue() {
            switch (this) {
                case MAX_FROZEN_WINDOW: return DEFAULT_MAX_FROZEN_WINDOW;
                case FREEZE_TIMEOUT: return DEFAULT_FREEZE_TIMEOUT;
                case THAW_TIMEOUT: return DEFAULT_THAW_TIMEOUT;
                case THAW_RETRY_FOR: return DEFAULT_THAW_RETRY_FOR;
                case THAW_BACKOFF_INITIAL: return DEFAULT_THAW_BACKOFF_INITIAL;
                case THAW_BACKOFF_MAX: return DEFAULT_THAW_BACKOFF_MAX;
                case PREFLIGHT_TIMEOUT: return DEFAULT_PREFLIGHT_TIMEOUT;
                default: return DEFAULT_SNAPSHOT_TIMEOUT;
            }
        }
    }

    private static final FreezeLimits DEFAULTS = builder().build();

    /** The values given, in ms; a setting that is absent takes its default. */
    private final Map<Setting, Long> givenMillis;

    private FreezeLimits(Map<Setting, Long> givenMillis) {
        this.givenMillis = givenMillis;
    }

    /** For Gson, which then sets the field. */
    private FreezeLimits() {
        this(new EnumMap<>(Setting.class));
    }

    /** Nothing given: every limit at its default. */
    public static FreezeLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(Collections.emptyMap());
    }

    /** A builder that starts from the values given here (defaults stay defaults, a derived freeze timeout stays derived). */
    public Builder toBuilder() {
        return new Builder(givenMillis);
    }

    /** These limits with every value {@code over} gives replacing this one's: flags over a domain's config over the global one. */
    public FreezeLimits overriddenBy(FreezeLimits over) {
        Builder merged = toBuilder();
        over.givenMillis.forEach(merged::setMillis);
        return merged.build();
    }

    /** The value given for a setting; empty when it takes its default (or, the freeze timeout, is derived). */
    public Optional<Duration> given(Setting setting) {
        Long millis = givenMillis.get(setting);
        return millis == null ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
    }

    /** The value in force: the given one, else the default (or the derived freeze timeout). */
    public Duration get(Setting setting) {
        Optional<Duration> given = given(setting);
        if (given.isPresent()) {
            return given.get();
        }
        if (setting == Setting.FREEZE_TIMEOUT) {
            long share = maxFrozenWindow().toMillis() * 5 / 8;
            return share < DEFAULT_FREEZE_TIMEOUT.toMillis() ? Duration.ofMillis(Math.max(1, share)) : DEFAULT_FREEZE_TIMEOUT;
        }
        return setting.defaultValue();
    }

    /** True when no freeze timeout was given and the window is too short for the default one, so it was derived. */
    public boolean freezeTimeoutDerivedFromWindow() {
        return !givenMillis.containsKey(Setting.FREEZE_TIMEOUT) && freezeTimeout().compareTo(DEFAULT_FREEZE_TIMEOUT) < 0;
    }

    /**
     * Longest time the guest may stay frozen, counted from the start of the freeze call. All array snapshots must
     * complete inside it, and the watchdog starts thawing when it ends.
     */
    public Duration maxFrozenWindow() {
        return get(Setting.MAX_FROZEN_WINDOW);
    }

    /**
     * Bound of the freeze call; must be shorter than {@link #maxFrozenWindow()}. Not given: 5/8 of the window, at most
     * {@link #DEFAULT_FREEZE_TIMEOUT} (so the default window keeps the default, and a short window alone is valid).
     */
    public Duration freezeTimeout() {
        return get(Setting.FREEZE_TIMEOUT);
    }

    /** Bound of each thaw or freeze-status call while thawing. */
    public Duration thawTimeout() {
        return get(Setting.THAW_TIMEOUT);
    }

    /**
     * How long after a freeze attempt the engine keeps trying to get the guest confirmed thawed, and (after a freeze
     * whose outcome is unknown) keeps watching for a freeze the agent executes late.
     */
    public Duration thawRetryFor() {
        return get(Setting.THAW_RETRY_FOR);
    }

    /** First pause between thaw attempts; doubles up to {@link #thawBackoffMax()}. */
    public Duration thawBackoffInitial() {
        return get(Setting.THAW_BACKOFF_INITIAL);
    }

    public Duration thawBackoffMax() {
        return get(Setting.THAW_BACKOFF_MAX);
    }

    /** Bound of each pre-flight call (domain state, guest-ping, guest-info, freeze status) and of the wait for array capacity. */
    public Duration preflightTimeout() {
        return get(Setting.PREFLIGHT_TIMEOUT);
    }

    /** Bound of the array snapshot phase when the guest is not frozen (policy OFF, paused domain, best-effort fallback). */
    public Duration snapshotTimeout() {
        return get(Setting.SNAPSHOT_TIMEOUT);
    }

    /** Human-readable problems with these values; empty when they are usable. */
    public List<String> problems() {
        return problems(setting -> setting.label);
    }

    /** {@link #problems()} naming each setting as {@code nameOf} says (a flag, a config key, a global setting). */
    public List<String> problems(Function<Setting, String> nameOf) {
        List<String> problems = new ArrayList<>();
        givenMillis.forEach((setting, millis) -> {
            if (millis <= 0) {
                problems.add(nameOf.apply(setting) + " must be positive, is " + millis + " ms");
            }
        });
        if (!problems.isEmpty()) {
            return Collections.unmodifiableList(problems);
        }
        if (freezeTimeout().compareTo(maxFrozenWindow()) >= 0) {
            problems.add(nameOf.apply(Setting.FREEZE_TIMEOUT) + " (" + freezeTimeout().toMillis() + " ms) must be shorter than "
                    + nameOf.apply(Setting.MAX_FROZEN_WINDOW) + " (" + maxFrozenWindow().toMillis() + " ms): the snapshots need"
                    + " time inside the window (without " + nameOf.apply(Setting.FREEZE_TIMEOUT) + ", 5/8 of the window is used)");
        }
        if (thawRetryFor().compareTo(thawTimeout()) < 0) {
            problems.add(nameOf.apply(Setting.THAW_RETRY_FOR) + " (" + thawRetryFor().toMillis() + " ms) must be at least "
                    + nameOf.apply(Setting.THAW_TIMEOUT) + " (" + thawTimeout().toMillis() + " ms)");
        }
        if (thawBackoffInitial().compareTo(thawBackoffMax()) > 0) {
            problems.add(nameOf.apply(Setting.THAW_BACKOFF_INITIAL) + " (" + thawBackoffInitial().toMillis() + " ms) exceeds its max ("
                    + thawBackoffMax().toMillis() + " ms)");
        }
        return Collections.unmodifiableList(problems);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FreezeLimits && givenMillis.equals(((FreezeLimits) o).givenMillis);
    }

    @Override
    public int hashCode() {
        return givenMillis.hashCode();
    }

    @Override
    public String toString() {
        return "FreezeLimits[maxFrozenWindow=" + maxFrozenWindow() + ", freezeTimeout=" + freezeTimeout()
                + (freezeTimeoutDerivedFromWindow() ? " (derived from the window)" : "") + ", thawTimeout=" + thawTimeout()
                + ", thawRetryFor=" + thawRetryFor() + ", thawRetryBackoff=" + thawBackoffInitial() + ".." + thawBackoffMax()
                + ", preflightTimeout=" + preflightTimeout() + ", snapshotTimeout=" + snapshotTimeout() + "]";
    }

    /** Builder; a value left unset (or set to null) takes its default. */
    public static final class Builder {
        private final Map<Setting, Long> givenMillis = new EnumMap<>(Setting.class);

        private Builder(Map<Setting, Long> given) {
            givenMillis.putAll(given);
        }

        /** Sets one limit; null returns it to its default. */
        public Builder set(Setting setting, Duration value) {
            return setMillis(Objects.requireNonNull(setting, "setting"), value == null ? null : value.toMillis());
        }

        private Builder setMillis(Setting setting, Long millis) {
            if (millis == null) {
                givenMillis.remove(setting);
            } else {
                givenMillis.put(setting, millis);
            }
            return this;
        }

        public Builder maxFrozenWindow(Duration value) {
            return set(Setting.MAX_FROZEN_WINDOW, value);
        }

        public Builder freezeTimeout(Duration value) {
            return set(Setting.FREEZE_TIMEOUT, value);
        }

        public Builder thawTimeout(Duration value) {
            return set(Setting.THAW_TIMEOUT, value);
        }

        public Builder thawRetryFor(Duration value) {
            return set(Setting.THAW_RETRY_FOR, value);
        }

        public Builder thawRetryBackoff(Duration initial, Duration max) {
            return set(Setting.THAW_BACKOFF_INITIAL, initial).set(Setting.THAW_BACKOFF_MAX, max);
        }

        public Builder preflightTimeout(Duration value) {
            return set(Setting.PREFLIGHT_TIMEOUT, value);
        }

        public Builder snapshotTimeout(Duration value) {
            return set(Setting.SNAPSHOT_TIMEOUT, value);
        }

        public FreezeLimits build() {
            return new FreezeLimits(new EnumMap<>(givenMillis));
        }
    }
}
