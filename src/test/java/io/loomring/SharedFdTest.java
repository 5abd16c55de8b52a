package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Awaits that share one fd, and fds that change under their number: the cases where epoll's
 * one-registration-per-(fd, file) differs from io_uring's one-poll-per-await, so both backends
 * must agree.
 */
class SharedFdTest {
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void readersAndWritersOnOneFdWakeOnlyForTheirEvents(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        int efd = Fds.eventfd(0); // writable (counter below max), not readable (counter 0)
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            List<CompletableFuture<Boolean>> readers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                readers.add(async(() -> { io.awaitReadable(efd); return true; }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 50);
            List<CompletableFuture<Boolean>> writers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                writers.add(async(() -> { io.awaitWritable(efd); return true; }));
            }
            for (CompletableFuture<Boolean> w : writers) {
                assertTrue(w.get(10, TimeUnit.SECONDS));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 50);
            assertTrue(readers.stream().noneMatch(CompletableFuture::isDone), "a reader woke for writability");
            Fds.write(efd, 8);
            for (CompletableFuture<Boolean> r : readers) {
                assertTrue(r.get(10, TimeUnit.SECONDS));
            }
            assertEquals(0, io.stats().armed());
        } finally {
            Fds.close(efd);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void someAwaitsOnAnFdTimeOutAndTheOthersStillWake(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        int[] p = Fds.pipe();
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            List<CompletableFuture<Boolean>> timed = new ArrayList<>();
            List<CompletableFuture<Boolean>> untimed = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                timed.add(async(() -> io.awaitReadable(p[0], Duration.ofMillis(20))));
                untimed.add(async(() -> { io.awaitReadable(p[0]); return true; }));
            }
            for (CompletableFuture<Boolean> t : timed) {
                assertFalse(t.get(10, TimeUnit.SECONDS));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 40);
            Fds.write(p[1], 1);
            for (CompletableFuture<Boolean> u : untimed) {
                assertTrue(u.get(10, TimeUnit.SECONDS));
            }
            assertEquals(0, io.stats().armed());
        } finally {
            Fds.close(p);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void regularFilesAreAlwaysReady(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        Path file = Files.createTempFile("loomring", ".txt");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
             IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            int fd = fdOf(file);
            // epoll refuses regular files (EPERM); poll(2) and io_uring call them always ready.
            assertTrue(io.awaitReadable(fd, Duration.ofSeconds(10)));
            assertTrue(io.awaitWritable(fd, Duration.ofSeconds(10)));
            io.awaitReadable(fd);
            assertEquals(0, io.stats().armed());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anAwaitOnAReplacedFileIsNotWokenByTheNewFile(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            int first = Fds.eventfd(0);
            CompletableFuture<Boolean> old = async(() -> { io.awaitReadable(first); return true; });
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 1);
            Fds.close(first); // without cancel: the old await stays parked on the old file
            int second = Fds.eventfd(0);
            try {
                Assumptions.assumeTrue(second == first, "the fd number was not reused");
                CompletableFuture<Boolean> fresh = async(() -> { io.awaitReadable(second); return true; });
                await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 2);
                Fds.write(second, 8);
                assertTrue(fresh.get(10, TimeUnit.SECONDS));
                // Awaits of the new file go on working; the old await is still parked.
                assertEquals(8, Fds.read(second, 8));
                assertFalse(io.awaitReadable(second, Duration.ofMillis(20)));
                assertFalse(old.isDone(), "the old file's await woke for the new file");
                io.cancel(second);
                ExecutionException e = assertThrows(ExecutionException.class, () -> old.get(10, TimeUnit.SECONDS));
                assertInstanceOf(AsynchronousCloseException.class, e.getCause().getCause());
                assertEquals(0, io.stats().armed());
            } finally {
                Fds.close(second);
            }
        }
    }

    interface IoCall {
        boolean call() throws IOException;
    }

    private static CompletableFuture<Boolean> async(IoCall call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, TestBackends.virtualThreads());
    }

    /** The fd number this process has open on {@code file}. */
    private static int fdOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(p).equals(real)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        throw new IllegalStateException("no fd open on " + file);
    }
}
