/**
 * Loomring: plain blocking I/O on virtual threads, with one io_uring ring (or an epoll set) doing
 * the waiting. {@link io.loomring.IoScheduler} parks a virtual thread until an fd is ready;
 * {@link io.loomring.net.TcpSocket} and {@link io.loomring.net.TcpServerSocket} are blocking-style
 * TCP sockets built on it; {@link io.loomring.Pipe}, {@link io.loomring.EventFd} and
 * {@link io.loomring.TimerFd} own the fds people usually await.
 *
 * <p>Only {@code io.loomring} and {@code io.loomring.net} are API. The FFM bindings, the ring and
 * the poller are internal packages and may change in any release.
 *
 * <p>On the module path, run with {@code --enable-native-access=io.loomring}: Loomring reaches the
 * kernel through FFM downcalls, which are restricted methods.
 */
module io.loomring {
    exports io.loomring;
    exports io.loomring.net;
}
