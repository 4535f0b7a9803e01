// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import java.time.Instant;

import org.apache.cloudstack.api.BaseResponse;

import com.google.gson.annotations.SerializedName;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;

/** A freeze lease as the API shows it. */
public class FreezeLeaseResponse extends BaseResponse {
    @SerializedName("leaseid")
    private String leaseId;
    @SerializedName("virtualmachineid")
    private String virtualMachineId;
    @SerializedName("state")
    private String state;
    @SerializedName("frozenat")
    private String frozenAt;
    @SerializedName("expiresat")
    private String expiresAt;
    @SerializedName("frozenwindowms")
    private Long frozenWindowMillis;
    @SerializedName("endedby")
    private String endedBy;
    @SerializedName("details")
    private String details;

    static FreezeLeaseResponse of(String vmUuid, FreezeLeaseAnswer answer) {
        FreezeLeaseResponse response = new FreezeLeaseResponse();
        response.leaseId = answer.getLeaseId();
        response.virtualMachineId = vmUuid;
        response.state = String.valueOf(answer.getState());
        response.frozenAt = answer.getFrozenAtEpochMillis() > 0 ? Instant.ofEpochMilli(answer.getFrozenAtEpochMillis()).toString() : null;
        response.expiresAt = answer.getExpiresAtEpochMillis() > 0 ? Instant.ofEpochMilli(answer.getExpiresAtEpochMillis()).toString() : null;
        response.frozenWindowMillis = answer.getState() == FreezeLeaseAnswer.State.FROZEN ? null : answer.getFrozenWindowMillis();
        response.endedBy = answer.getEndedBy();
        response.details = answer.getDetails();
        response.setObjectName("elastistorfreezelease");
        return response;
    }

    public String getLeaseId() {
        return leaseId;
    }

    public String getState() {
        return state;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public Long getFrozenWindowMillis() {
        return frozenWindowMillis;
    }

    public String getEndedBy() {
        return endedBy;
    }
}
