// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils.db;

import java.io.Serializable;
import java.util.List;

public interface GenericDao<T, ID extends Serializable> {
    T findById(ID id);

    T findByIdIncludingRemoved(ID id);

    T findByUuid(String uuid);

    T findByUuidIncludingRemoved(String uuid);

    T acquireInLockTable(ID id, int seconds);

    boolean releaseFromLockTable(ID id);

    boolean update(ID id, T entity);

    List<T> listAll();

    T persist(T entity);

    boolean remove(ID id);
}
