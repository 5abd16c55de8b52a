package io.loomring.nio;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The channel compatibility contract on {@link LoomringSelectorProvider}, EPOLL backend. */
class LoomringEpollChannelCompatibilityTest {
    private static IoScheduler scheduler;
    private static SelectorProvider provider;

    @BeforeAll
    static void open() {
        TestBackends.assumeAvailable(Backend.EPOLL);
        scheduler = IoScheduler.builder().backend(Backend.EPOLL).build();
        if (scheduler.backend() != Backend.EPOLL) {
            throw new IllegalStateException("asked for EPOLL, got " + scheduler.backend());
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
