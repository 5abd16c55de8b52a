package io.loomring.nio;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.nio.channels.spi.SelectorProvider;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * The selector providers a test runs against: Loomring's on each backend, and the JDK's own
 * ({@link SelectorProvider#provider()} in the test JVM), so that an assertion about JDK behaviour
 * that Loomring fails shows as a failure beside the JDK's pass.
 */
enum Impl {
    JDK(null), IO_URING(Backend.IO_URING), EPOLL(Backend.EPOLL);

    private static final Map<Impl, IoScheduler> SCHEDULERS = new EnumMap<>(Impl.class);

    private final Backend backend;

    Impl(Backend backend) {
        this.backend = backend;
    }

    /** This implementation's provider; skips the test where its backend cannot run. */
    SelectorProvider provider() {
        return this == JDK ? SelectorProvider.provider() : new LoomringSelectorProvider(scheduler());
    }

    /** Closes the schedulers made so far; each test class calls it when done. */
    static synchronized void closeSchedulers() {
        SCHEDULERS.values().forEach(IoScheduler::close);
        SCHEDULERS.clear();
    }

    /** The Loomring scheduler of this backend, made on first use; skips for the JDK. */
    synchronized IoScheduler scheduler() {
        Assumptions.assumeTrue(backend != null, "the JDK's provider has no Loomring scheduler");
        TestBackends.assumeAvailable(backend);
        return SCHEDULERS.computeIfAbsent(this, i -> IoScheduler.builder().backend(backend).build());
    }

    /** True for Loomring's providers. */
    boolean loomring() {
        return backend != null;
    }

    /** The threads tests select and block on. */
    enum Threads {
        PLATFORM, VIRTUAL, CARRIED;

        /** A factory of this kind; carried threads come from {@code impl}'s scheduler (skipped for the JDK). */
        ThreadFactory factory(Impl impl) {
            return switch (this) {
                case PLATFORM -> Thread.ofPlatform().name("nio-platform-", 0).factory();
                case VIRTUAL -> Thread.ofVirtual().name("nio-virtual-", 0).factory();
                case CARRIED -> {
                    IoScheduler io = impl.scheduler();
                    Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
                    yield io.threadFactory("nio-carried-");
                }
            };
        }
    }
}
