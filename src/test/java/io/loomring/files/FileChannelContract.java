package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@link FileChannel} promises, asserted once per topic (the {@code FileChannel*ContractTest}
 * subclasses), each run against the JDK's own channel and against {@link LoomringFileChannel} on
 * every path it takes ({@link FileImplUnderTest}). Every channel under test is opened through
 * {@link #open}; the file's bytes are checked with {@link Files}, outside the channel. Where the
 * javadoc is silent the JDK's behaviour is the contract: the JDK's run is the reference each
 * assertion was checked against. Each test body runs on the implementation's kind of thread
 * ({@link OnImplThread}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.loomring.files.FileImplUnderTest#all")
@ExtendWith(OnImplThread.class)
abstract class FileChannelContract {
    static final OpenOption READ = StandardOpenOption.READ;
    static final OpenOption WRITE = StandardOpenOption.WRITE;
    static final OpenOption CREATE = StandardOpenOption.CREATE;
    static final OpenOption CREATE_NEW = StandardOpenOption.CREATE_NEW;
    static final OpenOption APPEND = StandardOpenOption.APPEND;
    static final OpenOption TRUNCATE_EXISTING = StandardOpenOption.TRUNCATE_EXISTING;
    static final OpenOption DELETE_ON_CLOSE = StandardOpenOption.DELETE_ON_CLOSE;

    /** A directory of its own for each test's files. */
    @TempDir
    Path dir;

    /** The implementation this run of the class is on. */
    @Parameter
    FileImplUnderTest under;

    @BeforeParameterizedClassInvocation
    static void open(FileImplUnderTest under) {
        under.open();
    }

    @AfterParameterizedClassInvocation
    static void close(FileImplUnderTest under) {
        under.close();
    }

    /** Opens {@code path} with the implementation under test. */
    FileChannel open(Path path, OpenOption... options) throws IOException {
        return under.open(path, new HashSet<>(Arrays.asList(options)));
    }

    FileChannel open(Path path, Set<? extends OpenOption> options, java.nio.file.attribute.FileAttribute<?>... attrs)
            throws IOException {
        return under.open(path, options, attrs);
    }

    /** A new file in {@link #dir} holding {@code content}. */
    Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    Path file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.US_ASCII));
    }

    boolean isJdk() {
        return under.isJdk();
    }

    /** A new FIFO in {@link #dir} ({@code mkfifo}). */
    Path fifo(String name) throws Exception {
        return mkfifo(dir.resolve(name));
    }

    static Path mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        String out = new String(mk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, mk.waitFor(), () -> "mkfifo " + p + ": " + out);
        return p;
    }

    /**
     * A call started on a thread of its own: what it returned or threw, and whether its thread was
     * still interrupted when it ended.
     */
    record Started(Thread thread, CompletableFuture<Object> result, AtomicBoolean interruptedAfter) {
        /** What the call threw (it must throw within 10 s). */
        Throwable thrown() throws Exception {
            try {
                Object value = result.get(10, TimeUnit.SECONDS);
                throw new AssertionError("returned " + value + " instead of throwing");
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                throw new AssertionError("still blocked after 10 s: " + thread + " " + stack(thread));
            }
        }
    }

    static Started start(ThreadFactory threads, Callable<?> call) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread t = threads.newThread(() -> {
            try {
                Object value = call.call();
                interrupted.set(Thread.currentThread().isInterrupted());
                result.complete(value);
            } catch (Throwable e) {
                interrupted.set(Thread.currentThread().isInterrupted());
                result.completeExceptionally(e);
            }
        });
        t.start();
        return new Started(t, result, interrupted);
    }

    static String stack(Thread t) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement f : t.getStackTrace()) {
            b.append("\n\tat ").append(f);
        }
        return b.toString();
    }

    /**
     * Waits until {@code t} is blocked in a channel call: parked in a Loomring await, or in the
     * JDK's native read or write.
     */
    static void awaitBlocked(Thread t) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive() || isBlocked(t));
        assertTrue(t.isAlive(), "ended before being woken");
    }

    static boolean isBlocked(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        if (stack.length == 0) {
            return false;
        }
        String top = stack[0].getMethodName();
        if (stack[0].isNativeMethod() && (top.startsWith("read") || top.startsWith("write") || top.startsWith("lock")
                || top.startsWith("open"))) {
            return true; // the JDK's channel, in the kernel
        }
        Thread.State s = t.getState();
        if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement f : stack) {
            if (f.getClassName().equals("io.loomring.IoRoute") && f.getMethodName().equals("await")
                    || f.getClassName().equals("io.loomring.files.FileTransfers") && f.getMethodName().equals("lock")
                    || f.getClassName().equals("io.loomring.poller.RingOperation") && f.getMethodName().equals("awaitCompletion")) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static ByteBuffer directAscii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** The bytes between the buffer's start and its position. */
    static String filled(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.duplicate().flip().get(out);
        return new String(out, StandardCharsets.US_ASCII);
    }

    static void assertFileHolds(Path p, String expected) throws IOException {
        assertFileHolds(p, expected.getBytes(StandardCharsets.US_ASCII));
    }

    static void assertFileHolds(Path p, byte[] expected) throws IOException {
        byte[] actual = Files.readAllBytes(p);
        if (actual.length < 256 && expected.length < 256) {
            assertArrayEquals(expected, actual, () -> "file holds " + new String(actual, StandardCharsets.ISO_8859_1));
        } else {
            assertTrue(Arrays.equals(expected, actual), () -> "file of " + actual.length + " bytes, expected "
                    + expected.length + "; first difference at " + Arrays.mismatch(expected, actual));
        }
    }

    /** Writes all of {@code b} at the channel's position. */
    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
