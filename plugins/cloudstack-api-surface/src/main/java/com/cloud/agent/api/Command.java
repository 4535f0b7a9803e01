// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.agent.api;

import java.util.HashMap;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

public abstract class Command {
    protected transient Logger logger = LogManager.getLogger(getClass());

    public static enum OnError {
        Continue, Stop
    }

    public enum State {
        CREATED, STARTED, PROCESSING, PROCESSING_IN_BACKEND, COMPLETED, FAILED, RECONCILE_RETRY, RECONCILING, RECONCILED,
        RECONCILE_SKIPPED, RECONCILE_FAILED, TIMED_OUT, INTERRUPTED, DANGLED_IN_BACKEND
    }

    public static final String HYPERVISOR_TYPE = "hypervisorType";

    @LogLevel(LogLevel.Log4jLevel.Trace)
    protected Map<String, String> contextMap = new HashMap<>();
    private int wait;
    protected Map<String, Map<String, String>> externalDetails;

    protected Command() {
    }

    public int getWait() {
        return wait;
    }

    public void setWait(int wait) {
        this.wait = wait;
    }

    @Override
    public final String toString() {
        return getClass().getName();
    }

    public abstract boolean executeInSequence();

    public void setContextParam(String name, String value) {
        contextMap.put(name, value);
    }

    public String getContextParam(String name) {
        return contextMap.get(name);
    }

    public Map<String, String> getContextMap() {
        return contextMap;
    }

    public boolean allowCaching() {
        return true;
    }

    public boolean isBypassHostMaintenance() {
        throw new UnsupportedOperationException();
    }

    public void setBypassHostMaintenance(boolean bypassHostMaintenance) {
        throw new UnsupportedOperationException();
    }

    public boolean isReconcile() {
        return false;
    }

    public long getRequestSequence() {
        throw new UnsupportedOperationException();
    }

    public void setRequestSequence(long requestSequence) {
        throw new UnsupportedOperationException();
    }

    public void setExternalDetails(Map<String, Map<String, String>> externalDetails) {
        this.externalDetails = externalDetails;
    }

    public Map<String, Map<String, String>> getExternalDetails() {
        return externalDetails;
    }
}
