package io.loomring.nio;

import io.loomring.IoScheduler;
import io.loomring.socket.ListeningSocket;
import io.loomring.socket.StreamSocket;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link SelectorProvider} whose channels and selectors wait on Loomring: run an unchanged NIO
 * application on it with
 * <pre>{@code java -Djava.nio.channels.spi.SelectorProvider=io.loomring.nio.LoomringSelectorProvider ...}</pre>
 * and {@code SocketChannel.open()}, {@code ServerSocketChannel.open()}, {@code Selector.open()},
 * {@code Pipe.open()} and {@code DatagramChannel.open()} come from here, process-wide.
 *
 * <p>A channel in blocking mode parks a virtual thread the way Loomring's sockets do: a thread
 * carried by one of the scheduler's carriers waits in its carrier's ring (reads and writes as
 * ring operations where the backend is io_uring), an ordinary virtual thread on a sub-poller; a
 * platform thread blocks. A channel in non-blocking mode never waits. A {@link java.nio.channels.Selector}
 * keeps its interest set in an epoll set of its own; a select on a virtual thread parks on that
 * set through the scheduler, so it holds no carrier while it waits.
 *
 * <p>The no-argument constructor (the one the system property uses) takes
 * {@link IoScheduler#shared()}, configured by its {@code loomring.*} system properties, at the
 * first channel or selector opened, not before. {@link #inheritedChannel()} returns null: a
 * channel inherited from the process that started the JVM is not offered.
 */
public final class LoomringSelectorProvider extends SelectorProvider {
    private final Supplier<IoScheduler> scheduler;

    /** A provider on the shared scheduler, {@link IoScheduler#shared()}, taken at first use. */
    public LoomringSelectorProvider() {
        this.scheduler = IoScheduler::shared;
    }

    /**
     * A provider on {@code scheduler}: its channels and selectors wait on it. Closing the scheduler
     * makes their waits fail; close them first.
     *
     * @param scheduler the scheduler the channels and selectors wait on
     */
    public LoomringSelectorProvider(IoScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        this.scheduler = () -> scheduler;
    }

    /** {@return the scheduler this provider's channels wait on} */
    public IoScheduler scheduler() {
        return scheduler.get();
    }

    /** A datagram channel of family INET6 (dual-stack) where the host has IPv6, else INET, as the JDK's. */
    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return LoomringDatagramChannel.open(this, null);
    }

    /**
     * A datagram channel of {@code family}, INET or INET6; another family (UNIX) is
     * {@link UnsupportedOperationException}, as with the JDK.
     */
    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "'family' is null");
        return LoomringDatagramChannel.open(this, family);
    }

    @Override
    public Pipe openPipe() throws IOException {
        return LoomringPipe.open(this);
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return new LoomringSelector(this, scheduler());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return openServerSocketChannel(NioAddresses.DEFAULT_FAMILY);
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        ListeningSocket core = ListeningSocket.open(NioAddresses.family(family), scheduler(), "ServerSocketChannel",
                "SocketChannel");
        try {
            return new LoomringServerSocketChannel(this, core);
        } catch (IOException | RuntimeException e) {
            core.close();
            throw e;
        }
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return openSocketChannel(NioAddresses.DEFAULT_FAMILY);
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        return new LoomringSocketChannel(this, StreamSocket.open(NioAddresses.family(family), scheduler(), "SocketChannel"));
    }

    /** Returns null: Loomring does not offer a channel inherited from the process that started the JVM. */
    @Override
    public Channel inheritedChannel() {
        return null;
    }

    @Override
    public String toString() {
        return "LoomringSelectorProvider";
    }
}
