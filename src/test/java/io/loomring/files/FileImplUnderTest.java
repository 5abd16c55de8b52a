package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A file channel implementation and the kind of thread it is used on: the JDK's
 * {@code FileChannel.open} on a virtual thread (the reference), or {@link LoomringFileChannel} on a
 * scheduler of its own with one backend, on the thread kind that picks each of its paths (ring
 * operations on a carried thread or a sub-poller's virtual thread on io_uring; the blocking pool
 * for virtual threads on epoll; direct calls on a platform thread). The scheduler is opened before
 * a contract class runs and closed after it ({@link FileChannelContract}); a backend this machine
 * cannot run, or carried threads the JVM refuses, skip the class.
 */
final class FileImplUnderTest {
    /** How long a body may run on its thread before it is interrupted and the test fails. */
    static final Duration LIMIT = Duration.ofSeconds(60);

    enum Kind { VIRTUAL, CARRIED, PLATFORM }

    private final String name;
    private final Backend backend;
    private final Kind kind;
    private IoScheduler scheduler;

    private FileImplUnderTest(String name, Backend backend, Kind kind) {
        this.name = name;
        this.backend = backend;
        this.kind = kind;
    }

    static Stream<FileImplUnderTest> all() {
        return Stream.of(
                new FileImplUnderTest("JDK on a virtual thread", null, Kind.VIRTUAL),
                new FileImplUnderTest("io_uring carried thread (ring)", Backend.IO_URING, Kind.CARRIED),
                new FileImplUnderTest("io_uring virtual thread (sub-poller ring)", Backend.IO_URING, Kind.VIRTUAL),
                new FileImplUnderTest("epoll virtual thread (pool)", Backend.EPOLL, Kind.VIRTUAL),
                new FileImplUnderTest("epoll carried thread (pool)", Backend.EPOLL, Kind.CARRIED),
                new FileImplUnderTest("platform thread (direct)", Backend.IO_URING, Kind.PLATFORM));
    }

    void open() {
        if (backend == null) {
            return;
        }
        TestBackends.assumeAvailable(backend);
        scheduler = IoScheduler.builder().backend(backend).build();
        if (scheduler.backend() != backend) {
            throw new IllegalStateException("asked for " + backend + ", got " + scheduler.backend());
        }
        if (kind == Kind.CARRIED && !scheduler.carriesThreads()) {
            String reason = scheduler.carrierReason();
            scheduler.close();
            scheduler = null;
            Assumptions.abort("no carried threads here: " + reason);
        }
    }

    void close() {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
    }

    boolean isJdk() {
        return backend == null;
    }

    Kind kind() {
        return kind;
    }

    IoScheduler scheduler() {
        return scheduler;
    }

    /** Opens {@code path} with this implementation (call it on {@link #threads()}' threads). */
    FileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return isJdk() ? FileChannel.open(path, options, attrs) : LoomringFileChannel.open(scheduler, path, options, attrs);
    }

    /** Threads of this implementation's kind. */
    ThreadFactory threads() {
        return switch (kind) {
            case CARRIED -> scheduler.threadFactory("file-contract-");
            case VIRTUAL -> Thread.ofVirtual().name("file-contract-", 0).factory();
            case PLATFORM -> Thread.ofPlatform().name("file-contract-", 0).daemon().factory();
        };
    }

    /**
     * Threads for a call that blocks on a FIFO until it is interrupted or closed: the JDK's
     * channel cannot be woken on a virtual thread (its close waits for ever for the thread's signal
     * to end a native read), so the JDK's reference runs there on platform threads.
     */
    ThreadFactory blockingThreads() {
        return isJdk() ? Thread.ofPlatform().daemon().factory() : threads();
    }

    /**
     * Checks, on the calling thread, that Loomring's calls take the path this implementation names:
     * ring operations on io_uring's carried and sub-poller threads, none elsewhere.
     */
    void checkPath() {
        if (isJdk()) {
            return;
        }
        boolean ring = backend == Backend.IO_URING && kind != Kind.PLATFORM;
        assertEquals(ring, scheduler.route(0).ringOperations(), () -> name + ": ring operations on " + Thread.currentThread());
        assertEquals(kind == Kind.PLATFORM, !Thread.currentThread().isVirtual());
    }

    /**
     * Runs {@code body} on a new thread of this kind and returns what it returned, or throws what it
     * threw. A body still running after {@link #LIMIT} is interrupted and the call fails with its stack.
     */
    <T> T call(OnThread.Body<T> body) throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CompletableFuture<T> f = OnThread.start(threads(), () -> {
            thread.set(Thread.currentThread());
            return body.run();
        });
        try {
            return f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof Error x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            Thread t = thread.get();
            StringBuilder stack = new StringBuilder();
            if (t != null) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    stack.append("\n\tat ").append(frame);
                }
                t.interrupt();
            }
            throw new AssertionError(name + ": still running after " + LIMIT + ", interrupted; it was at:" + stack);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
