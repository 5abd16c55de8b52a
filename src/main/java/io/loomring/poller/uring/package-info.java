/**
 * Internal: the io_uring backend. Awaits are oneshot {@code POLL_ADD}s, ring operations are
 * {@code RECV}/{@code SEND}s, each named in its user_data by a slot and a generation so stale
 * completions are dropped; fds io_uring cannot poll move to an epoll set polled from the ring.
 *
 * <h2>Requests that outlive their submitter</h2>
 * The kernel ties a request to the thread that submitted it: the work that completes a request
 * (a poll that fired, a RECV whose data came) runs in that thread. Once the thread has exited, the
 * kernel runs it elsewhere and fails the request with {@code -ECANCELED} instead, though nobody
 * asked: a request pending across its submitter's exit fails when it would have completed. A
 * carrier submits from its own thread, which lives as long as the poller; a sub-poller submits
 * from whichever platform thread of the JDK's scheduler carries it, and that scheduler retires a
 * thread after 30 s without work. So every request that completes with {@code -ECANCELED} without
 * having been cancelled by this poller is submitted again, from the thread that runs the poller
 * now: a poll, the wakeup READ and the fallback's poll have no side effect to undo; a RECV or a
 * SEND that the kernel cancelled has moved no byte (once some have moved, the kernel reports
 * their count instead of the error), so submitting it again neither loses nor repeats one. The
 * alternative, submitting only from threads that outlive every request, would take a hand-off to
 * a platform thread of our own on every arm, which is what sub-pollers exist to avoid.
 */
package io.loomring.poller.uring;
