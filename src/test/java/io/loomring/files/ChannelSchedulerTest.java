package io.loomring.files;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduler a provider takes: once, at the first open; null to an open made by the shared
 * scheduler's own startup on the thread starting it; an {@link IOException} when it cannot start.
 * The startup itself runs in a child JVM ({@link DefaultProviderTest}); these check the rule with
 * a stand-in for the shared scheduler.
 */
class ChannelSchedulerTest {
    /** What the open made by {@link Startup}'s initializer got. */
    private static volatile Object nestedAnswer;
    private static volatile ChannelScheduler nested;

    /** Stands for the class whose initializer starts the shared scheduler and opens a file. */
    static final class Startup {
        static {
            try {
                nestedAnswer = nested.get();
            } catch (IOException e) {
                nestedAnswer = e;
            }
        }

        private Startup() {}
    }

    @Test
    void theSharedSchedulersStartupClassIsStillThere() throws ClassNotFoundException {
        Class<?> holder = Class.forName(ChannelScheduler.SHARED_STARTUP, false, IoScheduler.class.getClassLoader());
        assertSame(IoScheduler.class, holder.getEnclosingClass());
        assertTrue(Modifier.isStatic(holder.getModifiers()));
    }

    @Test
    void anOpenFromTheStartupOnItsOwnThreadGetsNullAndOthersTheFailure() throws Exception {
        IllegalStateException starting = new IllegalStateException("the shared Loomring scheduler failed to start: null");
        nested = new ChannelScheduler(() -> {
            throw starting;
        }, Startup.class.getName());
        Class.forName(Startup.class.getName(), true, ChannelSchedulerTest.class.getClassLoader());
        assertNull(nestedAnswer, () -> "the open inside the startup got " + nestedAnswer);

        IOException outside = assertThrows(IOException.class, nested::get);
        assertSame(starting, outside.getCause());
        assertTrue(outside.getMessage().startsWith("Loomring's shared scheduler cannot start: "), outside.getMessage());
    }

    @Test
    void theSharedSchedulerIsTakenOnceAtTheFirstOpen() throws IOException {
        try (IoScheduler io = IoScheduler.builder().build()) {
            AtomicInteger taken = new AtomicInteger();
            ChannelScheduler lazy = new ChannelScheduler(() -> {
                taken.incrementAndGet();
                return io;
            }, ChannelScheduler.SHARED_STARTUP);
            assertEquals(0, taken.get(), "taken before the first open");
            assertSame(io, lazy.get());
            assertSame(io, lazy.get());
            assertEquals(1, taken.get());
            assertSame(io, new ChannelScheduler(io).get());
        }
    }
}
