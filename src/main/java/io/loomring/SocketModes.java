package io.loomring;

/**
 * How a scheduler's sockets use its rings, as the builder or the system properties chose; each
 * applies where a thread's route runs ring operations (io_uring, and the thread carried or served
 * by a sub-poller), see {@link IoRoute}.
 *
 * @param completionIo     reads and writes through the ring (RECV/SEND) rather than readiness
 * @param writeBehind      a short write may return once it is queued in the ring
 * @param multishotReceive reads through one multishot RECV per socket, with provided buffers
 * @param multishotAccept  accepts through one multishot ACCEPT per listening socket
 */
record SocketModes(boolean completionIo, boolean writeBehind, boolean multishotReceive, boolean multishotAccept) {

    /** What the system properties say, for {@link IoScheduler#shared()} and the builder's defaults. */
    static SocketModes fromSystemProperties() {
        return new SocketModes(!"readiness".equals(System.getProperty("loomring.socketIo", "completion")),
                !"false".equals(System.getProperty("loomring.writeBehind", "true")),
                !"false".equals(System.getProperty("loomring.multishotReceive", "true")),
                Boolean.getBoolean("loomring.multishotAccept"));
    }
}
