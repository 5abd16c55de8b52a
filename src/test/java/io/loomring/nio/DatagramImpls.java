package io.loomring.nio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;

/**
 * The providers every datagram test runs against: the JDK's own (the test JVM's default), and
 * Loomring's on io_uring and on epoll, each on a scheduler of its own that {@link #close()} closes.
 * A backend this machine cannot run skips the test.
 */
final class DatagramImpls implements AutoCloseable {
    /** One provider under test. */
    enum Impl {
        JDK(null), LOOMRING_IO_URING(Backend.IO_URING), LOOMRING_EPOLL(Backend.EPOLL);

        final Backend backend;

        Impl(Backend backend) {
            this.backend = backend;
        }

        boolean isLoomring() {
            return backend != null;
        }
    }

    /** The threads a blocking call is made on. */
    enum ThreadKind {
        PLATFORM, VIRTUAL, CARRIED
    }

    static final InetAddress V4 = address(new byte[] {127, 0, 0, 1});

    private final Map<Backend, IoScheduler> schedulers = new EnumMap<>(Backend.class);

    static Stream<Impl> impls() {
        return Stream.of(Impl.values());
    }

    /** The provider of {@code impl}. */
    synchronized SelectorProvider provider(Impl impl) {
        return impl.isLoomring() ? new LoomringSelectorProvider(scheduler(impl.backend)) : SelectorProvider.provider();
    }

    /**
     * New threads of {@code kind}; carried ones are carried by the scheduler of {@code impl} (by
     * the epoll one for the JDK's provider, whose channels park a virtual thread as usual).
     */
    synchronized ThreadFactory threads(Impl impl, ThreadKind kind) {
        return switch (kind) {
            case PLATFORM -> Thread.ofPlatform().name("dgram-platform-", 0).factory();
            case VIRTUAL -> Thread.ofVirtual().name("dgram-virtual-", 0).factory();
            case CARRIED -> {
                IoScheduler io = scheduler(impl.isLoomring() ? impl.backend : Backend.EPOLL);
                assumeTrue(io.carriesThreads(), io.carrierReason());
                yield io.threadFactory("dgram-carried-");
            }
        };
    }

    /** An INET channel from {@code impl}, bound to 127.0.0.1 and an ephemeral port. */
    DatagramChannel boundV4(Impl impl) throws IOException {
        return open(impl, StandardProtocolFamily.INET).bind(new InetSocketAddress(V4, 0));
    }

    DatagramChannel open(Impl impl, ProtocolFamily family) throws IOException {
        return provider(impl).openDatagramChannel(family);
    }

    private IoScheduler scheduler(Backend backend) {
        IoScheduler io = schedulers.get(backend);
        if (io == null) {
            TestBackends.assumeAvailable(backend);
            io = IoScheduler.builder().backend(backend).build();
            if (io.backend() != backend) {
                io.close();
                throw new IllegalStateException("asked for " + backend + ", got " + io.backend());
            }
            schedulers.put(backend, io);
        }
        return io;
    }

    @Override
    public synchronized void close() {
        schedulers.values().forEach(IoScheduler::close);
        schedulers.clear();
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
