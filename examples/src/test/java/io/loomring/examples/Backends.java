package io.loomring.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Starts example servers on ephemeral loopback ports, for one backend at a time. */
final class Backends {
    private Backends() {}

    /**
     * Starts {@code name} on port 0 through the command-line entry point, skipping the test when
     * the backend cannot start on this machine (the library's own tests cover the backends).
     */
    static ExampleServer start(String name, Backend backend, String... more) throws IOException {
        assumeAvailable(backend);
        String[] args = new String[5 + more.length];
        args[0] = name;
        args[1] = "--port";
        args[2] = "0";
        args[3] = "--backend";
        args[4] = backend.name().toLowerCase(Locale.ROOT);
        System.arraycopy(more, 0, args, 5, more.length);
        return Main.start(args);
    }

    /** Both backends, each with the connection threads on the carriers and as ordinary virtual threads. */
    static Stream<Arguments> backendsAndModes() {
        return Stream.of(Backend.IO_URING, Backend.EPOLL)
                .flatMap(backend -> Stream.of("carriers", "shared").map(mode -> Arguments.of(backend, mode)));
    }

    static void assumeAvailable(Backend backend) {
        try (IoScheduler scheduler = IoScheduler.builder().backend(backend).build()) {
            assumeTrue(scheduler.backend() == backend || backend == Backend.AUTO);
        } catch (UncheckedIOException e) {
            assumeTrue(false, backend + " backend unavailable here: " + e.getMessage());
        }
    }
}
