package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The JDK's interrupt rule on file channels: a thread interrupted before or during a call closes
 * the channel and gets {@link ClosedByInterruptException} (a {@code lock()}:
 * {@link FileLockInterruptionException}), with its interrupt status still set; a close by another
 * thread wakes a call blocked on a FIFO with {@link AsynchronousCloseException}. {@code tryLock}
 * is not under the rule. The blocked calls run on the implementation's kind of thread, but the
 * JDK's reference runs them on platform threads ({@link FileImplUnderTest#blockingThreads()}).
 */
class FileChannelInterruptTest extends FileChannelContract {

    /** A channel call, named for the messages. */
    interface ChannelCall {
        void call(FileChannel ch) throws Exception;
    }

    private Map<String, ChannelCall> calls() throws Exception {
        Path other = file("other", "xyz");
        Map<String, ChannelCall> calls = new LinkedHashMap<>();
        calls.put("read", ch -> ch.read(ByteBuffer.allocate(4)));
        calls.put("positional read", ch -> ch.read(ByteBuffer.allocateDirect(4), 1));
        calls.put("scattering read", ch -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(4)}));
        calls.put("write", ch -> ch.write(ascii("x")));
        calls.put("positional write", ch -> ch.write(directAscii("x"), 2));
        calls.put("gathering write", ch -> ch.write(new ByteBuffer[] {ascii("x"), directAscii("y")}));
        calls.put("position()", FileChannel::position);
        calls.put("position(n)", ch -> ch.position(1));
        calls.put("size", FileChannel::size);
        calls.put("truncate", ch -> ch.truncate(1));
        calls.put("force", ch -> ch.force(true));
        calls.put("transferTo", ch -> ch.transferTo(0, 3, Channels.newChannel(new java.io.ByteArrayOutputStream())));
        calls.put("transferFrom", ch -> ch.transferFrom(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[3])), 0, 3));
        calls.put("map", ch -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 3));
        calls.put("transferTo a file", ch -> {
            try (FileChannel target = open(other, WRITE)) {
                ch.transferTo(0, 3, target);
            }
        });
        return calls;
    }

    @Test
    void anInterruptBeforeACallClosesTheChannel() throws Exception {
        for (Map.Entry<String, ChannelCall> call : calls().entrySet()) {
            Path p = file("a", "abcdef");
            FileChannel ch = open(p, READ, WRITE);
            Thread.currentThread().interrupt();
            Throwable thrown = null;
            try {
                call.getValue().call(ch);
            } catch (Throwable e) {
                thrown = e;
            }
            assertTrue(Thread.interrupted(), call.getKey() + ": the interrupt status stays set");
            Throwable e = thrown;
            assertNotNull(e, call.getKey() + " returned");
            assertEquals(ClosedByInterruptException.class, e.getClass(), () -> call.getKey() + " threw " + e);
            assertFalse(ch.isOpen(), call.getKey() + " left the channel open");
            assertFileHolds(p, "abcdef");
        }
    }

    @Test
    void anInterruptedThreadStillOpensAFile() throws Exception {
        Path p = file("a", "abcdef");
        Thread.currentThread().interrupt();
        FileChannel ch;
        try {
            ch = open(p, READ, WRITE);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status stays set");
        }
        try (ch) {
            assertTrue(ch.isOpen(), "an open is not under the interrupt rule");
            assertEquals(6, ch.size());
        }
    }

    @Test
    void tryLockIsNotInterruptible() throws Exception {
        Path p = file("a", "abcdef");
        try (FileChannel ch = open(p, READ, WRITE)) {
            Thread.currentThread().interrupt();
            FileLock lock;
            try {
                lock = ch.tryLock();
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt status stays set");
            }
            assertNotNull(lock);
            assertTrue(lock.isValid());
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void anInterruptBeforeLockIsAFileLockInterruption() throws Exception {
        Path p = file("a", "abcdef");
        FileChannel ch = open(p, READ, WRITE);
        Thread.currentThread().interrupt();
        Throwable thrown = null;
        try {
            ch.lock();
        } catch (Throwable e) {
            thrown = e;
        }
        assertTrue(Thread.interrupted(), "the interrupt status stays set");
        assertNotNull(thrown);
        assertEquals(FileLockInterruptionException.class, thrown.getClass());
        assertFalse(ch.isOpen());
        try (FileChannel again = open(p, READ, WRITE)) {
            assertNotNull(again.tryLock(), "the failed lock left nothing in the JVM's table");
        }
    }

    @Test
    void aReadBlockedOnAFifoIsWokenByAnInterrupt() throws Exception {
        FileChannel ch = open(fifo("f"), READ, WRITE);
        Started read = start(under.blockingThreads(), () -> ch.read(ByteBuffer.allocate(8)));
        awaitBlocked(read.thread());
        read.thread().interrupt();
        Throwable e = read.thrown();
        assertEquals(ClosedByInterruptException.class, e.getClass(), () -> "got " + e);
        assertTrue(read.interruptedAfter().get(), "the interrupt status stays set");
        assertFalse(ch.isOpen());
    }

    @Test
    void aReadBlockedOnAFifoIsWokenByAClose() throws Exception {
        FileChannel ch = open(fifo("f"), READ, WRITE);
        Started read = start(under.blockingThreads(), () -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(8)}));
        awaitBlocked(read.thread());
        ch.close();
        Throwable e = read.thrown();
        assertEquals(AsynchronousCloseException.class, e.getClass(), () -> "got " + e);
        assertFalse(read.interruptedAfter().get());
    }

    @Test
    void aWriteBlockedOnAFullFifoIsWokenByAnInterruptOrAClose() throws Exception {
        for (boolean interrupt : new boolean[] {true, false}) {
            Path p = fifo("f" + interrupt);
            FileChannel ch = open(p, READ, WRITE);
            assertEquals(65536, ch.write(ByteBuffer.allocate(65536)), "fills the pipe");
            Started write = start(under.blockingThreads(), () -> ch.write(ascii("x")));
            awaitBlocked(write.thread());
            if (interrupt) {
                write.thread().interrupt();
            } else {
                ch.close();
            }
            Throwable e = write.thrown();
            assertEquals(interrupt ? ClosedByInterruptException.class : AsynchronousCloseException.class, e.getClass(),
                    () -> "got " + e);
            assertEquals(interrupt, write.interruptedAfter().get());
            assertFalse(ch.isOpen());
        }
    }

    @Test
    void aCloseRacingAReadOnAFifoAlwaysEndsIt() throws Exception {
        Path p = fifo("f");
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 300; i++) {
            FileChannel ch = open(p, READ, WRITE);
            Started read = start(under.blockingThreads(), () -> ch.read(ByteBuffer.allocate(8)));
            LockSupport.parkNanos(random.nextInt(200_000));
            ch.close();
            Throwable e = read.thrown();
            int round = i;
            assertTrue(e instanceof AsynchronousCloseException || e.getClass() == ClosedChannelException.class,
                    () -> "round " + round + ": got " + e);
        }
    }

    @Test
    void aLockWaitingForAnotherProcessIsWokenByAnInterruptOrAClose() throws Exception {
        Path p = file("a", "abcdef");
        try (LockHolder holder = LockHolder.lock(p)) {
            for (boolean interrupt : new boolean[] {true, false}) {
                FileChannel ch = open(p, READ, WRITE);
                assertEquals(null, ch.tryLock(), "the other process holds it");
                Started lock = start(under.blockingThreads(), ch::lock);
                awaitBlocked(lock.thread());
                if (interrupt) {
                    lock.thread().interrupt();
                } else {
                    ch.close();
                }
                Throwable e = lock.thrown();
                assertEquals(interrupt ? FileLockInterruptionException.class : AsynchronousCloseException.class,
                        e.getClass(), () -> "got " + e);
                assertEquals(interrupt, lock.interruptedAfter().get());
                assertFalse(ch.isOpen());
            }
        }
    }
}
