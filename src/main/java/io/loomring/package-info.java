/**
 * The scheduler that parks virtual threads until fds are ready, and the fd types worth awaiting.
 *
 * <ul>
 *   <li>{@link io.loomring.IoScheduler}: {@code awaitReadable(fd)} and {@code awaitWritable(fd)}
 *       park the calling virtual thread (not its carrier) while one poller thread waits for many
 *       fds with io_uring or epoll; timeouts, interrupts, {@code cancel(fd)} and {@code close()}
 *       each end an await with exactly one outcome. {@link io.loomring.IoScheduler#shared()} is
 *       the scheduler most code wants; {@link io.loomring.IoScheduler#builder()} makes others.</li>
 *   <li>{@link io.loomring.Backend} and {@link io.loomring.Stats}: which kernel interface waits,
 *       and counters worth logging.</li>
 *   <li>{@link io.loomring.Pipe}, {@link io.loomring.EventFd}, {@link io.loomring.TimerFd}:
 *       non-blocking, close-on-exec fds owned by a {@link java.io.Closeable} that closes them
 *       exactly once: the usual things a virtual thread awaits besides sockets.</li>
 * </ul>
 *
 * <pre>{@code
 * IoScheduler io = IoScheduler.shared();
 * try (EventFd events = EventFd.open()) {
 *     Thread.startVirtualThread(() -> {
 *         try {
 *             while (events.drain() == 0) {
 *                 io.awaitReadable(events.fd());    // parks this virtual thread
 *             }
 *         } catch (IOException e) { ... }
 *     });
 *     events.signal();
 * }
 * }</pre>
 */
package io.loomring;
