// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each {@link GuestQuiescer} call on an agent-call thread and waits for it at most its timeout. A native libvirt
 * call cannot be interrupted, and libvirt adds its own waits (guest-sync, the domain job lock) to the timeout we pass,
 * so this is what makes every agent wait in the engine really bounded. An abandoned call keeps its thread until
 * libvirt returns; the agent may still execute the command, which is why a freeze that timed out is always thawed.
 */
final class BoundedQuiescer {
    private final GuestQuiescer quiescer;
    private final ExecutorService pool;

    BoundedQuiescer(GuestQuiescer quiescer, ExecutorService pool) {
        this.quiescer = quiescer;
        this.pool = pool;
    }

    @FunctionalInterface
    private interface AgentCall<T> {
        T call() throws GuestAgentException;
    }

    DomainRunState runState(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        return call("domain state lookup", timeout, () -> quiescer.runState(domain, timeout));
    }

    void ping(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        call("guest-ping", timeout, () -> {
            quiescer.ping(domain, timeout);
            return null;
        });
    }

    AgentCapabilities capabilities(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        return call("guest-info", timeout, () -> quiescer.capabilities(domain, timeout));
    }

    FreezeStatus freezeStatus(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        return call("guest-fsfreeze-status", timeout, () -> quiescer.freezeStatus(domain, timeout));
    }

    int freeze(String domain, List<String> mountPoints, Duration timeout) throws GuestAgentException, InterruptedException {
        String command = mountPoints.isEmpty() ? AgentCapabilities.FREEZE : AgentCapabilities.FREEZE_LIST;
        return call(command, timeout, () -> quiescer.freeze(domain, mountPoints, timeout));
    }

    List<DomainDisk> disks(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        return call("domain disks lookup", timeout, () -> quiescer.disks(domain, timeout));
    }

    List<GuestFileSystem> fileSystems(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        return call(AgentCapabilities.FSINFO, timeout, () -> quiescer.fileSystems(domain, timeout));
    }

    int thaw(String domain, Duration timeout) throws GuestAgentException, InterruptedException {
        return call(AgentCapabilities.THAW, timeout, () -> quiescer.thaw(domain, timeout));
    }

    private <T> T call(String what, Duration timeout, AgentCall<T> call) throws GuestAgentException, InterruptedException {
        Future<T> future;
        try {
            future = pool.submit(call::call);
        } catch (RejectedExecutionException e) {
            throw new GuestAgentException(GuestAgentException.Kind.AGENT_NOT_RESPONDING,
                    what + " not sent: too many guest agent calls are still in flight on this host", e);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new GuestAgentException(GuestAgentException.Kind.TIMEOUT,
                    what + " did not complete within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(false);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof GuestAgentException) {
                GuestAgentException original = (GuestAgentException) cause;
                throw new GuestAgentException(original.kind(), original.getMessage(), original);
            }
            throw new GuestAgentException(GuestAgentException.Kind.FAILED, what + " failed: " + cause, cause);
        }
    }
}
