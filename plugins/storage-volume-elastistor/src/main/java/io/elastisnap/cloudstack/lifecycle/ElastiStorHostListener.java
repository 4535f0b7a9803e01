// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.lifecycle;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.HypervisorHostListener;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.agent.api.ModifyStoragePoolCommand;
import com.cloud.exception.AgentUnavailableException;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.storage.StoragePoolHostVO;
import com.cloud.storage.dao.StoragePoolHostDao;
import com.cloud.utils.exception.CloudRuntimeException;

/**
 * Registers the pool with a KVM host when it connects: the agent's iSCSI adaptor must know the pool (portal address
 * and port) before it can log in to a volume's target, and storage_pool_host_ref records that the host can reach it.
 */
public class ElastiStorHostListener implements HypervisorHostListener {
    private static final Logger LOG = LogManager.getLogger(ElastiStorHostListener.class);

    @Inject
    private AgentManager agentManager;
    @Inject
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private StoragePoolHostDao storagePoolHostDao;

    @Override
    public boolean hostConnect(long hostId, long poolId) {
        StoragePoolVO pool = primaryDataStoreDao.findById(poolId);
        if (pool == null) {
            throw new CloudRuntimeException("Storage pool " + poolId + " does not exist");
        }
        Answer answer;
        try {
            answer = agentManager.send(hostId, new ModifyStoragePoolCommand(true, pool));
        } catch (AgentUnavailableException | OperationTimedoutException e) {
            throw new CloudRuntimeException("Could not register ElastiStor pool " + pool.getName() + " on host " + hostId + ": "
                    + e.getMessage(), e);
        }
        if (answer == null || !answer.getResult()) {
            throw new CloudRuntimeException("Host " + hostId + " refused ElastiStor pool " + pool.getName() + ": "
                    + (answer == null ? "no answer" : answer.getDetails()));
        }
        if (storagePoolHostDao.findByPoolHost(poolId, hostId) == null) {
            storagePoolHostDao.persist(new StoragePoolHostVO(poolId, hostId, ""));
        }
        LOG.info("ElastiStor pool {} is registered on host {}", pool.getName(), hostId);
        return true;
    }

    @Override
    public boolean hostDisconnected(long hostId, long poolId) {
        storagePoolHostDao.deleteStoragePoolHostDetails(hostId, poolId);
        return true;
    }

    @Override
    public boolean hostAdded(long hostId) {
        return true;
    }

    @Override
    public boolean hostAboutToBeRemoved(long hostId) {
        return true;
    }

    @Override
    public boolean hostRemoved(long hostId, long clusterId) {
        return true;
    }

    @Override
    public boolean hostEnabled(long hostId) {
        return true;
    }
}
