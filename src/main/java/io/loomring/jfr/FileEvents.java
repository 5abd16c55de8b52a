package io.loomring.jfr;

/**
 * Where the file channel starts and ends its events, as {@link SocketEvents} for sockets: a
 * {@code begin} method returns null while no recorder exists, else a started event; the matching
 * {@code end} method sets its fields and returns true when its settings want it, and the caller
 * commits it. Each method names its own event type, for the reason {@link SocketEvents} gives.
 */
public final class FileEvents {
    private FileEvents() {}

    /** A started read event, or null while no recorder exists. */
    public static FileReadEvent beginRead() {
        if (!EventGate.isOpen()) {
            return null;
        }
        FileReadEvent event = new FileReadEvent();
        event.begin();
        return event;
    }

    /** Fills the event of a read of {@code n} bytes (-1: end of file) from {@code path}. */
    public static boolean endRead(FileReadEvent event, Object path, long n) {
        return event.fill(path, n);
    }

    /** A started write event, or null while no recorder exists. */
    public static FileWriteEvent beginWrite() {
        if (!EventGate.isOpen()) {
            return null;
        }
        FileWriteEvent event = new FileWriteEvent();
        event.begin();
        return event;
    }

    /** Fills the event of a write of {@code n} bytes to {@code path}. */
    public static boolean endWrite(FileWriteEvent event, Object path, long n) {
        return event.fill(path, n);
    }
}
