// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Collections;

import org.junit.Test;
import org.libvirt.Connect;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapTakeConsistentSnapshotCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;

import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.testsupport.SampleCommand;

public class WrapperExecutionTest {
    @Test
    public void wrapperRunsTheProcessRunnerWithTheAgentsLibvirtConnectionForTheDomain() throws Exception {
        LibvirtComputingResource resource = mock(LibvirtComputingResource.class);
        LibvirtUtilitiesHelper helper = mock(LibvirtUtilitiesHelper.class);
        Connect connect = mock(Connect.class);
        when(resource.getLibvirtUtilitiesHelper()).thenReturn(helper);
        when(helper.getConnection()).thenReturn(connect);
        TakeConsistentSnapshotCommand command = SampleCommand.create();
        AgentSnapshotRuntime.install((cmd, libvirt) -> {
            try {
                assertSame(connect, libvirt.connect());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return TakeConsistentSnapshotAnswer.success(cmd, Collections.emptyList(), "FS_FROZEN", 1, 2, 3, 4, null, null);
        });
        Answer answer = new ElastiSnapTakeConsistentSnapshotCommandWrapper().execute(command, resource);
        assertEquals("FS_FROZEN", ((TakeConsistentSnapshotAnswer) answer).getConsistencyLevel());
    }

    @Test
    public void aBrokenRunnerBecomesAFailedAnswerNotAnAgentCrash() {
        AgentSnapshotRuntime.install((cmd, libvirt) -> {
            throw new IllegalStateException("journal directory not writable");
        });
        Answer answer = new ElastiSnapTakeConsistentSnapshotCommandWrapper().execute(SampleCommand.create(),
                mock(LibvirtComputingResource.class));
        assertFalse(answer.getResult());
        assertEquals("INTERNAL_ERROR", ((TakeConsistentSnapshotAnswer) answer).getFailureReason());
        assertFalse(answer.getDetails().contains(SampleCommand.KEY));
    }
}
