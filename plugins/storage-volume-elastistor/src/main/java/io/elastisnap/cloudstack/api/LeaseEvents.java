// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.cloudstack.api.BaseAsyncCmd;
import org.apache.cloudstack.context.CallContext;

import com.cloud.event.ActionEventUtils;
import com.cloud.vm.VMInstanceVO;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;

/**
 * The audit trail of a lease: CloudStack records the command's Scheduled event (its event type and description); this
 * records its Completed event with the outcome, as INFO, or as ERROR with the reason.
 */
final class LeaseEvents {
    private LeaseEvents() {
    }

    static void completed(BaseAsyncCmd command, VMInstanceVO vm, Supplier<FreezeLeaseAnswer> lease, Consumer<FreezeLeaseAnswer> respond) {
        FreezeLeaseAnswer answer;
        try {
            answer = lease.get();
        } catch (RuntimeException e) {
            record(command, vm, "ERROR", command.getEventDescription() + " failed: " + e.getMessage());
            throw e;
        }
        record(command, vm, answer.getResult() ? "INFO" : "ERROR", answer.getDetails());
        respond.accept(answer);
    }

    private static void record(BaseAsyncCmd command, VMInstanceVO vm, String level, String description) {
        CallContext context = CallContext.current();
        Long start = command.getStartEventId();
        ActionEventUtils.onCompletedActionEvent(context.getCallingUserId(), context.getCallingAccountId(), level, command.getEventType(),
                description, vm.getId(), "VirtualMachine", start == null ? 0 : start);
    }
}
