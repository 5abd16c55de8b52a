package io.loomring.nio;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.nio.channels.spi.SelectorProvider;
import java.util.stream.Stream;

/**
 * A provider the channel contract runs on: the JDK's own (the reference: the test JVM sets no
 * provider property), or Loomring's on a scheduler of its own with one backend, opened before a
 * contract class runs on it and closed after ({@link ChannelCompatibilityContract}). A backend this
 * machine cannot run skips the class.
 */
final class ProviderUnderTest {
    private final String name;
    private final Backend backend;
    private IoScheduler scheduler;
    private SelectorProvider provider;

    private ProviderUnderTest(String name, Backend backend) {
        this.name = name;
        this.backend = backend;
    }

    /** The JDK's provider, then Loomring's on io_uring and on epoll. */
    static Stream<ProviderUnderTest> all() {
        return Stream.of(new ProviderUnderTest("JDK", null),
                new ProviderUnderTest("Loomring io_uring", Backend.IO_URING),
                new ProviderUnderTest("Loomring epoll", Backend.EPOLL));
    }

    void open() {
        if (backend == null) {
            provider = SelectorProvider.provider();
            if (provider instanceof LoomringSelectorProvider) {
                throw new IllegalStateException("the test JVM's default provider must be the JDK's");
            }
            return;
        }
        TestBackends.assumeAvailable(backend);
        scheduler = IoScheduler.builder().backend(backend).build();
        if (scheduler.backend() != backend) {
            throw new IllegalStateException("asked for " + backend + ", got " + scheduler.backend());
        }
        provider = new LoomringSelectorProvider(scheduler);
    }

    void close() {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
    }

    SelectorProvider provider() {
        return provider;
    }

    boolean isLoomring() {
        return backend != null;
    }

    @Override
    public String toString() {
        return name;
    }
}
