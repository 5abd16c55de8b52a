/**
 * Internal: the poller and what it is made of. {@link io.loomring.poller.Poller} is the entry
 * (lifecycle and the calls other threads make); its thread runs a {@link io.loomring.poller.CarrierLoop}
 * (a platform thread that also carries virtual threads) or a {@link io.loomring.poller.SubPollerLoop}
 * (a virtual thread that parks on a carrier when idle); the kernel side is a
 * {@link io.loomring.poller.PollerBackend}, implemented in {@code poller.uring} (io_uring, with its
 * epoll fallback) and {@code poller.epoll}. Requests reach the poller thread through a lock-free
 * {@link io.loomring.poller.Inbox} with a sleep/wake handshake; each await or operation is a
 * {@link io.loomring.poller.Completion} whose one CAS decides its outcome. Not exported by the
 * module; not API.
 */
package io.loomring.poller;
