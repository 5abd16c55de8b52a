package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * epoll bindings. {@code struct epoll_event} is packed on x86_64: a 4-byte event mask followed by
 * an unaligned 8-byte data word, 12 bytes in all.
 */
public final class Epoll {
    private Epoll() {}

    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;

    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    /** Size of one {@code struct epoll_event}. */
    public static final long EVENT_SIZE = 12;
    public static final long EVENT_EVENTS_OFFSET = 0;
    public static final long EVENT_DATA_OFFSET = 4;
    /** Unaligned layout for the data word. */
    public static final ValueLayout.OfLong DATA_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final MethodHandle CREATE = Native.capturing("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CTL = Native.capturing("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle WAIT = Native.capturing("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    /** {@code epoll_create1(flags)}. */
    public static int create(MemorySegment capture, int flags) {
        try {
            return (int) Native.result((int) CREATE.invokeExact(capture, flags), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code epoll_ctl(epfd, op, fd, event)}; {@code event} holds one {@code epoll_event}. */
    public static int ctl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) Native.result((int) CTL.invokeExact(capture, epfd, op, fd, event), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code epoll_wait(epfd, events, maxevents, timeoutMillis)}. */
    public static int await(MemorySegment capture, int epfd, MemorySegment events, int maxEvents,
                            int timeoutMillis) {
        try {
            return (int) Native.result((int) WAIT.invokeExact(capture, epfd, events, maxEvents,
                    timeoutMillis), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** Writes one event (mask and data word) at {@code index} of an event array. */
    public static void setEvent(MemorySegment events, int index, int mask, long data) {
        long base = index * EVENT_SIZE;
        events.set(ValueLayout.JAVA_INT_UNALIGNED, base + EVENT_EVENTS_OFFSET, mask);
        events.set(DATA_LAYOUT, base + EVENT_DATA_OFFSET, data);
    }

    /** The event mask at {@code index}. */
    public static int eventMask(MemorySegment events, int index) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, index * EVENT_SIZE + EVENT_EVENTS_OFFSET);
    }

    /** The data word at {@code index}. */
    public static long eventData(MemorySegment events, int index) {
        return events.get(DATA_LAYOUT, index * EVENT_SIZE + EVENT_DATA_OFFSET);
    }
}
