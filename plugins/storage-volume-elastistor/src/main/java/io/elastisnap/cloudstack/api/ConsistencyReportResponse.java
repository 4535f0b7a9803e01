// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import java.util.Map;

import org.apache.cloudstack.api.BaseResponse;

import com.google.gson.annotations.SerializedName;

import io.elastisnap.cloudstack.ElastiStorPool;

/** How consistent a snapshot or VM snapshot is, from what the plugin recorded when it was taken. */
public class ConsistencyReportResponse extends BaseResponse {
    @SerializedName("id")
    private String id;
    @SerializedName("type")
    private String type;
    @SerializedName("name")
    private String name;
    @SerializedName("state")
    private String state;
    @SerializedName("consistencylevel")
    private String level;
    @SerializedName("frozenwindowms")
    private Long frozenWindowMillis;
    @SerializedName("reason")
    private String reason;
    @SerializedName("failure")
    private String failure;

    static ConsistencyReportResponse of(String type, String uuid, String name, String state, Map<String, String> details) {
        ConsistencyReportResponse response = new ConsistencyReportResponse();
        response.type = type;
        response.id = uuid;
        response.name = name;
        response.state = state;
        response.level = details.get(ElastiStorPool.SNAPSHOT_CONSISTENCY);
        String window = details.get(ElastiStorPool.SNAPSHOT_FROZEN_WINDOW_MS);
        response.frozenWindowMillis = window == null ? null : Long.valueOf(window);
        response.failure = details.get(ElastiStorPool.SNAPSHOT_FAILURE);
        if (response.level != null) {
            response.reason = ElastiSnapApiService.reasonOf(response.level, details);
        } else if (response.failure == null) {
            response.reason = "no consistency is recorded: not taken by the ElastiStor plugin (or taken before it recorded one)";
        }
        response.setObjectName("elastistorconsistencyreport");
        return response;
    }

    public String getLevel() {
        return level;
    }

    public Long getFrozenWindowMillis() {
        return frozenWindowMillis;
    }

    public String getReason() {
        return reason;
    }

    public String getFailure() {
        return failure;
    }
}
