package io.loomring.nio;

import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * {@link Pipe} of {@link LoomringSelectorProvider}: a kernel pipe ({@code pipe2(O_NONBLOCK |
 * O_CLOEXEC)}) whose ends are selectable channels that block, in blocking mode, by parking through
 * the provider's scheduler ({@link PipeEnd}). The fds stay non-blocking in the kernel whatever the
 * channels' mode.
 */
final class LoomringPipe extends Pipe {
    private final Source source;
    private final Sink sink;

    private LoomringPipe(LoomringSelectorProvider provider, IoScheduler scheduler, int readFd, int writeFd) {
        this.source = new Source(provider, scheduler, readFd);
        this.sink = new Sink(provider, scheduler, writeFd);
    }

    /** Opens a kernel pipe for {@code provider}'s channels. */
    static LoomringPipe open(LoomringSelectorProvider provider) throws IOException {
        IoScheduler scheduler = provider.scheduler();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int r = LibC.pipe2(Native.threadCaptureState(), fds, LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            if (r < 0) {
                throw new IOException("pipe2 failed: " + Errno.describe(-r));
            }
            return new LoomringPipe(provider, scheduler, fds.getAtIndex(ValueLayout.JAVA_INT, 0),
                    fds.getAtIndex(ValueLayout.JAVA_INT, 1));
        }
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    /** The read end: readable and scattering, {@code OP_READ} only. */
    static final class Source extends SourceChannel implements SelectableFd.Delegating {
        private final PipeEnd end;

        Source(LoomringSelectorProvider provider, IoScheduler scheduler, int fd) {
            super(provider);
            this.end = new PipeEnd(this, true, fd, scheduler);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) end.transfer(new ByteBuffer[] {dst}, 0, 1);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return end.transfer(dsts, offset, length);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts, 0, dsts.length);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            end.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            end.configureBlocking();
        }

        @Override
        public SelectableFd selectable() {
            return end;
        }

        @Override
        public String toString() {
            return end.toString();
        }
    }

    /** The write end: writable and gathering, {@code OP_WRITE} only. */
    static final class Sink extends SinkChannel implements SelectableFd.Delegating {
        private final PipeEnd end;

        Sink(LoomringSelectorProvider provider, IoScheduler scheduler, int fd) {
            super(provider);
            this.end = new PipeEnd(this, false, fd, scheduler);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) end.transfer(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return end.transfer(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            end.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            end.configureBlocking();
        }

        @Override
        public SelectableFd selectable() {
            return end;
        }

        @Override
        public String toString() {
            return end.toString();
        }
    }
}
