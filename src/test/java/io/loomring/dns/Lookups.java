package io.loomring.dns;

import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** What the resolver tests share: the kinds of calling thread, and host names the JDK has not cached. */
final class Lookups {
    private Lookups() {}

    /** A kind of thread a lookup is made on. */
    enum Caller {
        PLATFORM, VIRTUAL, CARRIED;

        ThreadFactory factory(IoScheduler carriers) {
            return switch (this) {
                case PLATFORM -> Thread.ofPlatform().daemon().factory();
                case VIRTUAL -> Thread.ofVirtual().factory();
                case CARRIED -> carriers.threadFactory();
            };
        }
    }

    /** A scheduler with one carrier, skipping the test where threads cannot be carried. */
    static IoScheduler oneCarrier() {
        IoScheduler io = IoScheduler.builder().carriers(1).build();
        if (!io.carriesThreads()) {
            String reason = io.carrierReason();
            io.close();
            Assumptions.abort("threads cannot be carried here: " + reason);
        }
        return io;
    }

    /** Runs {@code body} on a new thread of {@code caller}'s kind; its result or its exception. */
    static <T> T on(Caller caller, IoScheduler carriers, OnThread.Body<T> body) throws Exception {
        return OnThread.get(OnThread.start(caller.factory(carriers), body));
    }

    private static final AtomicInteger SPELLINGS = new AtomicInteger(1);

    /**
     * "localhost" in a spelling not looked up before in this JVM: {@code InetAddress} caches answers
     * by the name as given, so only a new spelling reaches the resolver, and the hosts file matches
     * names without regard to case.
     */
    static String freshLocalhost() {
        int bits = SPELLINGS.getAndIncrement();
        if (bits >= 1 << 9) {
            throw new IllegalStateException("out of spellings of localhost");
        }
        char[] name = "localhost".toCharArray();
        for (int i = 0; i < name.length; i++) {
            if ((bits & 1 << i) != 0) {
                name[i] = Character.toUpperCase(name[i]);
            }
        }
        return new String(name);
    }
}
