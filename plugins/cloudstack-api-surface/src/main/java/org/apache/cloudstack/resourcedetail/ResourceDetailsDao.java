// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.resourcedetail;

import com.cloud.utils.db.GenericDao;
import java.util.List;
import java.util.Map;
import org.apache.cloudstack.api.ResourceDetail;

public interface ResourceDetailsDao<R extends ResourceDetail> extends GenericDao<R, Long> {
    R findDetail(long resourceId, String name);

    /** Every resource's detail of this name. */
    List<R> findDetails(String key);

    void removeDetails(long resourceId);

    void removeDetail(long resourceId, String key);

    Map<String, String> listDetailsKeyPairs(long resourceId);

    void addDetail(long resourceId, String key, String value, boolean display);

    /** @param display null: displayed or not */
    List<R> findDetails(String key, String value, Boolean display);
}
