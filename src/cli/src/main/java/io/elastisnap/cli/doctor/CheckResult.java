// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.doctor;

import com.google.gson.JsonObject;

/** One line of doctor's report: what was checked, the verdict, what was seen and (on failure) the fix. */
public final class CheckResult {
    /** Verdicts; SKIP means a prerequisite failed or the check does not apply. */
    public enum Status { PASS, WARN, FAIL, SKIP }

    private final String check;
    private final Status status;
    private final String detail;
    private final String fix;

    private CheckResult(String check, Status status, String detail, String fix) {
        this.check = check;
        this.status = status;
        this.detail = detail;
        this.fix = fix;
    }

    public static CheckResult pass(String check, String detail) {
        return new CheckResult(check, Status.PASS, detail, null);
    }

    public static CheckResult warn(String check, String detail, String fix) {
        return new CheckResult(check, Status.WARN, detail, fix);
    }

    public static CheckResult fail(String check, String detail, String fix) {
        return new CheckResult(check, Status.FAIL, detail, fix);
    }

    public static CheckResult skip(String check, String detail) {
        return new CheckResult(check, Status.SKIP, detail, null);
    }

    public String check() {
        return check;
    }

    public Status status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public String fix() {
        return fix;
    }

    /** One report line; {@code checkWidth} aligns the details of a whole report. */
    public String line(int checkWidth) {
        return String.format("%-4s  %-" + checkWidth + "s  %s%s", status, check, detail, fix == null ? "" : " — fix: " + fix);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("check", check);
        o.addProperty("status", status.name());
        o.addProperty("detail", detail);
        o.addProperty("fix", fix);
        return o;
    }
}
