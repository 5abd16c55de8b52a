/**
 * Loomring: plain blocking I/O on virtual threads, with io_uring rings (or epoll sets) doing the
 * waiting on carrier threads that also run the virtual threads made by
 * {@link io.loomring.IoScheduler#threadFactory()}. {@link io.loomring.IoScheduler} parks a virtual
 * thread until an fd is ready;
 * {@link io.loomring.net.TcpSocket} and {@link io.loomring.net.TcpServerSocket} are blocking-style
 * TCP sockets built on it; {@link io.loomring.Pipe}, {@link io.loomring.EventFd} and
 * {@link io.loomring.TimerFd} own the fds people usually await; {@link io.loomring.nio.LoomringSelectorProvider}
 * runs NIO channels and selectors on it, and {@link io.loomring.files.LoomringFileSystemProvider}
 * the file channels of the {@code file} file system; {@link io.loomring.dns.LoomringResolverProvider}, a
 * resolver provider the JDK installs by itself, keeps {@code InetAddress} name lookups of carried
 * threads off their carriers.
 *
 * <p>Only {@code io.loomring}, {@code io.loomring.net}, {@code io.loomring.nio},
 * {@code io.loomring.files}, {@code io.loomring.dns} and {@code io.loomring.launch} are API. The FFM bindings, the ring,
 * the poller and the socket core are internal packages and may change in any release.
 *
 * <p>On the module path, run with {@code --enable-native-access=io.loomring}: Loomring reaches the
 * kernel through FFM downcalls, which are restricted methods. Carried virtual threads also need
 * {@code --add-opens java.base/java.lang=io.loomring} (without it the thread factory makes ordinary
 * virtual threads).
 */
module io.loomring {
    // Loomring's JFR events (io.loomring.jfr), where the runtime has JFR: a runtime image without
    // jdk.jfr, or a module path that does not resolve it, runs with the events off.
    requires static jdk.jfr;
    requires jdk.net; // TCP keep-alive tuning options (ExtendedSocketOptions) of the java.net drop-in
    exports io.loomring;
    exports io.loomring.net;
    exports io.loomring.nio;
    exports io.loomring.dns;
    exports io.loomring.files;
    exports io.loomring.launch;
    provides java.net.spi.InetAddressResolverProvider with io.loomring.dns.LoomringResolverProvider;
}
