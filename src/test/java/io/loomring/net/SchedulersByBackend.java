package io.loomring.net;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.util.EnumMap;
import java.util.Map;

/**
 * One scheduler of its own per backend for a test class, built on first use (a backend this
 * machine cannot run skips the test) and each registered with
 * {@link LoomringSocketFactory#registerScheduler} under {@link #name(Backend)}, for libraries that
 * create the socket factory by class name. {@link #close()} unregisters and closes them.
 */
final class SchedulersByBackend implements AutoCloseable {
    private final String prefix;
    private final Map<Backend, IoScheduler> schedulers = new EnumMap<>(Backend.class);

    SchedulersByBackend(String prefix) {
        this.prefix = prefix;
    }

    /** The registered name of {@code backend}'s scheduler. */
    String name(Backend backend) {
        return prefix + "-" + backend.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code backend}'s scheduler, registered under {@link #name(Backend)}. */
    synchronized IoScheduler get(Backend backend) {
        IoScheduler s = schedulers.get(backend);
        if (s == null) {
            s = Loopback.scheduler(backend);
            schedulers.put(backend, s);
            LoomringSocketFactory.registerScheduler(name(backend), s);
        }
        return s;
    }

    @Override
    public synchronized void close() {
        schedulers.forEach((backend, s) -> {
            LoomringSocketFactory.unregisterScheduler(name(backend));
            s.close();
        });
        schedulers.clear();
    }
}
