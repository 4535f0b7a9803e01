// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import javax.inject.Inject;

import org.apache.cloudstack.api.BaseAsyncCmd;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.Parameter;
import org.apache.cloudstack.context.CallContext;

import com.cloud.event.ActionEventUtils;
import com.cloud.vm.VMInstanceVO;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;

/**
 * What acquiring and releasing a freeze lease share: the VM parameter, the answer, and the audit trail. CloudStack
 * records the command's Scheduled event (its event type and description); this records its Completed event with the
 * outcome, as INFO, or as ERROR with the reason. CloudStack's dispatcher fills and documents the inherited parameter.
 */
abstract class FreezeLeaseCmd extends BaseAsyncCmd {
    @Inject
    private ElastiSnapApiService service;

    @Parameter(name = "virtualmachineid", type = BaseCmd.CommandType.STRING, required = true, description = "the VM's id")
    private String virtualMachineId;

    /** Acquires or releases the lease on {@code vm}. */
    abstract FreezeLeaseAnswer lease(ElastiSnapApiService service, VMInstanceVO vm);

    String virtualMachineId() {
        return virtualMachineId;
    }

    @Override
    public final void execute() {
        VMInstanceVO vm = service.vm(virtualMachineId);
        FreezeLeaseAnswer answer;
        try {
            answer = lease(service, vm);
        } catch (RuntimeException e) {
            recordCompleted(vm, "ERROR", getEventDescription() + " failed: " + e.getMessage());
            throw e;
        }
        recordCompleted(vm, answer.getResult() ? "INFO" : "ERROR", answer.getDetails());
        FreezeLeaseResponse response = FreezeLeaseResponse.of(vm.getUuid(), answer);
        response.setResponseName(getCommandName());
        setResponseObject(response);
    }

    private void recordCompleted(VMInstanceVO vm, String level, String description) {
        CallContext context = CallContext.current();
        Long start = getStartEventId();
        ActionEventUtils.onCompletedActionEvent(context.getCallingUserId(), context.getCallingAccountId(), level, getEventType(),
                description, vm.getId(), "VirtualMachine", start == null ? 0 : start);
    }

    @Override
    public long getEntityOwnerId() {
        return CallContext.current().getCallingAccountId();
    }
}
