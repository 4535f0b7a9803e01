// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api.response;

import java.util.List;

import org.apache.cloudstack.api.BaseResponse;

public class ListResponse<T> extends BaseResponse {
    private List<T> responses;
    private Integer count;

    public void setResponses(List<T> responses, Integer count) {
        this.responses = responses;
        this.count = count;
    }

    public List<T> getResponses() {
        return responses;
    }

    public Integer getCount() {
        return count;
    }
}
