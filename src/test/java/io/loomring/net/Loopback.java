package io.loomring.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.stream.Stream;

/** Shared test plumbing: backends, schedulers, loopback addresses. */
final class Loopback {
    private Loopback() {}

    static final InetAddress V4 = address("127.0.0.1");
    static final InetAddress V6 = address("::1");

    /** The backends the socket tests run on. */
    static Stream<Backend> backends() {
        return Stream.of(Backend.IO_URING, Backend.EPOLL);
    }

    /** A scheduler of its own on {@code backend}; skips the test where the backend cannot start. */
    static IoScheduler scheduler(Backend backend) {
        try {
            IoScheduler io = IoScheduler.builder().backend(backend).build();
            if (io.backend() != backend) {
                io.close();
                throw new IllegalStateException("asked for " + backend + ", got " + io.backend());
            }
            return io;
        } catch (UncheckedIOException e) {
            assumeTrue(false, backend + " backend unavailable here: " + e.getMessage());
            throw e;
        }
    }

    /** 127.0.0.1 with an ephemeral port. */
    static InetSocketAddress anyPortV4() {
        return new InetSocketAddress(V4, 0);
    }

    /** Skips the test unless [::1] can be bound. */
    static void assumeIpv6() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(V6, 0));
        } catch (Exception e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            InetAddress a = InetAddress.getByName(literal);
            if (literal.contains(":") && !(a instanceof Inet6Address)) {
                throw new IllegalStateException(literal + " did not parse as IPv6");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
