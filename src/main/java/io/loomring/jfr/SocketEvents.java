package io.loomring.jfr;

import java.net.SocketAddress;

/**
 * Where the socket core starts and ends its events. Each {@code begin} method returns null while
 * the flight recorder does not exist ({@link EventGate}), else a started event; the matching
 * {@code end} method takes that event (never null), sets its fields and returns true when its
 * settings want it, and the caller commits it: the event's stack trace then starts at the I/O
 * method, not in this class.
 *
 * <pre>{@code
 * SocketReadEvent event = SocketEvents.beginRead();
 * int n = ...;                          // the read
 * if (event != null && SocketEvents.endRead(event, remote, n, timeoutNanos)) {
 *     event.commit();
 * }
 * }</pre>
 * An exception between the two records nothing, as for the JDK's socket events.
 *
 * <p>Each method names its own event type, on purpose: one shared helper taking a
 * {@code jdk.jfr.Event} would make the verifier load every event class to check it against that
 * type as soon as this class loads, at the first socket call, and so start JFR in a JVM that
 * records nothing ({@code NoRecorderTest}).
 */
public final class SocketEvents {
    private SocketEvents() {}

    /** A started read event, or null while no recorder exists. */
    public static SocketReadEvent beginRead() {
        if (!EventGate.isOpen()) {
            return null;
        }
        SocketReadEvent event = new SocketReadEvent();
        event.begin();
        return event;
    }

    /** Fills the event of a read that returned {@code n} bytes (-1: end of stream) from {@code remote}. */
    public static boolean endRead(SocketReadEvent event, SocketAddress remote, long n, long timeoutNanos) {
        return event.fill(remote, n, timeoutNanos);
    }

    /** A started write event, or null while no recorder exists. */
    public static SocketWriteEvent beginWrite() {
        if (!EventGate.isOpen()) {
            return null;
        }
        SocketWriteEvent event = new SocketWriteEvent();
        event.begin();
        return event;
    }

    /** Fills the event of a write of {@code n} bytes to {@code remote}. */
    public static boolean endWrite(SocketWriteEvent event, SocketAddress remote, long n) {
        return event.fill(remote, n);
    }

    /** A started connect event, or null while no recorder exists. */
    public static SocketConnectEvent beginConnect() {
        if (!EventGate.isOpen()) {
            return null;
        }
        SocketConnectEvent event = new SocketConnectEvent();
        event.begin();
        return event;
    }

    /** Fills the event of a connect to {@code remote} that succeeded. */
    public static boolean endConnect(SocketConnectEvent event, SocketAddress remote, long timeoutNanos) {
        return event.fill(remote, timeoutNanos);
    }

    /** A started accept event, or null while no recorder exists. */
    public static SocketAcceptEvent beginAccept() {
        if (!EventGate.isOpen()) {
            return null;
        }
        SocketAcceptEvent event = new SocketAcceptEvent();
        event.begin();
        return event;
    }

    /** Fills the event of an accept that returned a connection from {@code remote} on local port {@code localPort}. */
    public static boolean endAccept(SocketAcceptEvent event, SocketAddress remote, int localPort, long timeoutNanos) {
        return event.fill(remote, localPort, timeoutNanos);
    }
}
