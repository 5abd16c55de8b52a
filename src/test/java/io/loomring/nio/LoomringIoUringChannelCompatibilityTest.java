package io.loomring.nio;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The channel compatibility contract on {@link LoomringSelectorProvider}, IO_URING backend. */
class LoomringIoUringChannelCompatibilityTest {
    private static IoScheduler scheduler;
    private static SelectorProvider provider;

    @BeforeAll
    static void open() {
        TestBackends.assumeAvailable(Backend.IO_URING);
        scheduler = IoScheduler.builder().backend(Backend.IO_URING).build();
        if (scheduler.backend() != Backend.IO_URING) {
            throw new IllegalStateException("asked for IO_URING, got " + scheduler.backend());
        }
        provider = new LoomringSelectorProvider(scheduler);
    }

    @AfterAll
    static void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Nested
    class Addresses extends ChannelAddressContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class States extends ChannelStateContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class Blocking extends ChannelBlockingContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class NonBlocking extends ChannelNonBlockingContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class Interrupts extends ChannelInterruptContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class Options extends ChannelOptionContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class Adaptors extends ChannelAdaptorContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }

    @Nested
    class Selectors extends ChannelSelectorContract {
        @Override
        SelectorProvider provider() {
            return provider;
        }

        @Override
        boolean isLoomring() {
            return true;
        }
    }
}
