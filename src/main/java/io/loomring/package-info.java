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
 *
 * <h2>Carriers</h2>
 * A scheduler has {@linkplain io.loomring.IoScheduler.Builder#carriers(int) one or more carriers}:
 * platform threads that each own a ring (or an epoll set) and a run queue. Virtual threads made by
 * {@link io.loomring.IoScheduler#threadFactory()} run on a carrier: their awaits go straight into
 * that carrier's ring with no hand-off and no syscall of their own, and the completion resumes them
 * on the same carrier, between two kernel calls. Awaits from platform threads are handed to a
 * carrier through its request queue. Carried threads need
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it the thread factory makes ordinary
 * virtual threads and {@link io.loomring.IoScheduler#carrierReason()} says why.
 *
 * <p>A carrier has none of the JDK scheduler's compensation: a carried thread that blocks its
 * platform thread (pinned in a native frame, or a blocking call that does not go through Loomring
 * or the JDK's virtual-thread support) stalls every other thread on that carrier. Such a stall of
 * over a second is logged with the thread's stack.
 *
 * <h2>Sub-pollers</h2>
 * Awaits from ordinary virtual threads (made by the application, a framework, or
 * {@link java.lang.Thread#ofVirtual()}, and running on the JDK's own scheduler) go to
 * {@linkplain io.loomring.IoScheduler.Builder#subPollers(int) sub-pollers}: virtual threads on that
 * same scheduler that each own a ring (or an epoll set), reap it without blocking while completions
 * keep coming, yielding between rounds so the threads they woke run on the same platform thread at
 * once, and park on a carrier only when idle. An await from such a thread is a queue push (the
 * sub-poller arms it at its next round, many in one kernel call); no flag is needed. With no
 * sub-pollers these awaits go to the carriers too.
 *
 * <h2>Completion mode</h2>
 * On io_uring, a thread that a carrier carries or a sub-poller serves can also run ring operations:
 * {@link io.loomring.IoScheduler#receive} and {@link io.loomring.IoScheduler#send} put a
 * {@code RECV} or {@code SEND} into that poller's ring and park until its final completion.
 * {@link io.loomring.IoRoute} is the same with outcomes as values ({@link io.loomring.IoStatus}),
 * for layers that map them to exceptions of their own, as Loomring's sockets do.
 */
package io.loomring;
