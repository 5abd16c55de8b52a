package io.loomring.nio;

import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The channel compatibility contract on the JDK's own provider: the reference behaviour. */
class JdkChannelCompatibilityTest {
    private static SelectorProvider provider;

    @BeforeAll
    static void open() {
        provider = SelectorProvider.provider();
        if (provider instanceof LoomringSelectorProvider) {
            throw new IllegalStateException("the test JVM's default provider must be the JDK's");
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
            return false;
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
            return false;
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
            return false;
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
            return false;
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
            return false;
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
            return false;
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
            return false;
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
            return false;
        }
    }
}
