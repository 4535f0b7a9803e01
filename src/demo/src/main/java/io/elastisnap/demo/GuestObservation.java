// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * What the guest itself recorded around one snapshot, on its own clock (uptime in seconds): the heartbeat it appends
 * to /data/heartbeat every 0.2 s, and the freeze and thaw its qemu-guest-agent hook logged. A write started while the
 * file systems are frozen blocks until the thaw, so a freeze shows as one long gap in the heartbeat that spans it.
 */
final class GuestObservation {
    /** Heartbeats shown on each side of the gap. */
    private static final int CONTEXT_BEATS = 4;

    private final List<Double> beats;
    private final OptionalDouble frozeAt;
    private final OptionalDouble thawedAt;
    private final int freezes;
    private final int thaws;

    private GuestObservation(List<Double> beats, OptionalDouble frozeAt, OptionalDouble thawedAt, int freezes, int thaws) {
        this.beats = beats;
        this.frozeAt = frozeAt;
        this.thawedAt = thawedAt;
        this.freezes = freezes;
        this.thaws = thaws;
    }

    /**
     * @param heartbeat the heartbeat file's lines (guest uptimes), oldest first
     * @param hookLog   the freeze hook's lines ("freeze UPTIME", "thaw UPTIME") written since the watch began
     * @param since     guest uptime when the watch began; earlier heartbeats are ignored
     */
    static GuestObservation parse(List<String> heartbeat, List<String> hookLog, double since) {
        List<Double> beats = new ArrayList<>();
        for (String line : heartbeat) {
            if (!line.isBlank()) {
                double t = Double.parseDouble(line.trim());
                if (t >= since) {
                    beats.add(t);
                }
            }
        }
        OptionalDouble froze = OptionalDouble.empty();
        OptionalDouble thawed = OptionalDouble.empty();
        int freezes = 0;
        int thaws = 0;
        for (String line : hookLog) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].equals("freeze")) {
                freezes++;
                froze = OptionalDouble.of(Double.parseDouble(fields[1]));
            } else if (fields.length == 2 && fields[0].equals("thaw")) {
                thaws++;
                thawed = OptionalDouble.of(Double.parseDouble(fields[1]));
            }
        }
        return new GuestObservation(beats, froze, thawed, freezes, thaws);
    }

    /** Index of the heartbeat that ends the longest gap (0 when there is no gap). */
    private int gapEnd() {
        int end = 0;
        for (int i = 1; i < beats.size(); i++) {
            if (end == 0 || beats.get(i) - beats.get(i - 1) > beats.get(end) - beats.get(end - 1)) {
                end = i;
            }
        }
        return end;
    }

    /** The longest time without a heartbeat, in seconds. */
    double longestGapSeconds() {
        int end = gapEnd();
        return end == 0 ? 0 : beats.get(end) - beats.get(end - 1);
    }

    /** The guest's frozen time by its own hook, in seconds, if it logged one freeze and one thaw. */
    OptionalDouble frozenSeconds() {
        return freezes == 1 && thaws == 1 ? OptionalDouble.of(thawedAt.getAsDouble() - frozeAt.getAsDouble())
                : OptionalDouble.empty();
    }

    /**
     * Whether the guest shows what the product promises: it froze once and thawed once, no heartbeat was written for
     * (nearly all of) that time, and heartbeats came again after the thaw.
     */
    boolean writesStoppedAndResumed() {
        if (frozenSeconds().isEmpty()) {
            return false;
        }
        // the hook logs "freeze" a few ms before qemu-ga's FIFREEZE, so a heartbeat may still land in between
        boolean stopped = longestGapSeconds() >= 0.9 * frozenSeconds().getAsDouble();
        boolean resumed = !beats.isEmpty() && beats.get(beats.size() - 1) > thawedAt.getAsDouble();
        return stopped && resumed;
    }

    /** The lines the demo prints, indented by the caller. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        int end = gapEnd();
        if (end == 0) {
            lines.add("heartbeats  " + format(beats) + "  (no gap to show)");
        } else {
            lines.add("heartbeats  " + format(beats.subList(Math.max(0, end - CONTEXT_BEATS), end)) + "  | no write for "
                    + seconds(longestGapSeconds()) + " |  " + format(beats.subList(end, Math.min(beats.size(), end + CONTEXT_BEATS))));
        }
        if (frozenSeconds().isPresent()) {
            lines.add("freeze      hook \"freeze\" at " + seconds(frozeAt.getAsDouble()) + " (qemu-ga runs it just before"
                    + " FIFREEZE), hook \"thaw\" at " + seconds(thawedAt.getAsDouble()) + " (just after FITHAW): "
                    + seconds(frozenSeconds().getAsDouble()));
        } else {
            lines.add("freeze      the guest's freeze hook logged " + freezes + " freeze(s) and " + thaws + " thaw(s), not one of each");
        }
        lines.add(writesStoppedAndResumed()
                ? "=> the guest's writes stopped while its file systems were frozen and resumed after the thaw"
                : "=> NOT SHOWN: the heartbeat did not stop for the freeze and resume after it");
        return lines;
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("longestHeartbeatGapMs", Math.round(longestGapSeconds() * 1000));
        frozenSeconds().ifPresent(s -> o.addProperty("guestFrozenMs", Math.round(s * 1000)));
        o.addProperty("writesStoppedAndResumed", writesStoppedAndResumed());
        JsonArray b = new JsonArray();
        beats.forEach(b::add);
        o.add("heartbeats", b);
        return o;
    }

    private static String format(List<Double> times) {
        return times.stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).collect(Collectors.joining(" "));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }
}
