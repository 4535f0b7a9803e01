// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import org.apache.cloudstack.api.BaseResponse;

import com.google.gson.annotations.SerializedName;

import io.elastisnap.cloudstack.pool.AdoptedPool;

/** An adopted pool as the API shows it: never the key. */
public class AdoptedPoolResponse extends BaseResponse {
    @SerializedName("id")
    private String id;
    @SerializedName("name")
    private String name;
    @SerializedName("type")
    private String type;
    @SerializedName("volumeid")
    private String volumeId;
    @SerializedName("url")
    private String url;

    static AdoptedPoolResponse of(AdoptedPool pool, String responseName) {
        AdoptedPoolResponse response = new AdoptedPoolResponse();
        response.id = pool.poolUuid();
        response.name = pool.poolName();
        response.type = pool.poolType();
        response.volumeId = pool.poolVolumeId();
        response.url = pool.url();
        response.setResponseName(responseName);
        response.setObjectName("elastistoradoptedpool");
        return response;
    }
}
