package io.loomring;

/**
 * A snapshot of a scheduler's counters, for logging and tests. Counters only grow; {@code armed}
 * is a gauge.
 *
 * @param enters             kernel waits/submits ({@code io_uring_enter} or {@code epoll_wait})
 * @param submitted          kernel requests submitted (SQEs, or {@code epoll_ctl} calls)
 * @param completions        completions reaped (CQEs, or epoll events)
 * @param staleCompletions   completions dropped because the await they were for had ended
 * @param wakeupSignals      signals sent to wake a sleeping poller
 * @param overflowFlushes    times the poller flushed completions that overflowed the CQ
 * @param armed              awaits currently armed in the kernel
 * @param resubmitted        io_uring requests submitted again because the kernel cancelled them
 *                           when the thread that had submitted them exited (a sub-poller's
 *                           platform thread, retired by the JDK's scheduler after a quiet spell)
 * @param receiveBuffersHeld provided buffers holding bytes that sockets have not read yet
 *                           (multishot receives, {@link IoScheduler.Builder#multishotReceive}); a
 *                           gauge
 * @param fixedFiles         sockets whose file a carrier's ring holds in its registered-file table
 *                           ({@link IoScheduler.Builder#fixedFiles}); a gauge
 */
public record Stats(long enters, long submitted, long completions, long staleCompletions,
                    long wakeupSignals, long overflowFlushes, long armed, long resubmitted,
                    long receiveBuffersHeld, long fixedFiles) {
}
