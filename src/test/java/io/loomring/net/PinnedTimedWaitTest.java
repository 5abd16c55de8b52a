package io.loomring.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A carried thread that reads with a timeout while pinned (inside a native call that calls back
 * into Java: libc's {@code qsort} with a Java comparator) parks its carrier's platform thread, so
 * its carrier cannot run its timers; the read must still end with its timeout, late but not never.
 */
class PinnedTimedWaitTest {
    private static final Duration LONG = Duration.ofSeconds(5);
    /** What the comparator runs; one test at a time. */
    private static volatile Callable<Object> inComparator;
    private static volatile Object comparatorResult;

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    @Timeout(60)
    void aPinnedTimedReadEnds(Backend backend) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(PinnedTimedWaitTest.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG);
             Arena arena = Arena.ofShared()) {
            Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            assertNotNull(accepted);
            client.setReadTimeout(Duration.ofMillis(300));
            MemorySegment comparator = linker.upcallStub(compare,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), arena);
            MemorySegment two = arena.allocate(8);
            inComparator = () -> client.read(ByteBuffer.allocate(4));
            CompletableFuture<Object> result = new CompletableFuture<>();
            io.threadFactory().newThread(() -> {
                try {
                    qsort.invokeExact(two, 2L, 4L, comparator);
                    result.complete(comparatorResult);
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }).start();
            Object outcome = result.get(30, TimeUnit.SECONDS);
            assertInstanceOf(SocketTimeoutException.class, outcome, "the pinned read's outcome");
        } finally {
            inComparator = null;
        }
    }

    /** The upcall: runs {@link #inComparator} once; nothing may be thrown out of it. */
    private static int compare(MemorySegment a, MemorySegment b) {
        Callable<Object> task = inComparator;
        if (task != null) {
            inComparator = null;
            try {
                comparatorResult = task.call();
            } catch (Throwable t) {
                comparatorResult = t;
            }
        }
        return 0;
    }
}
