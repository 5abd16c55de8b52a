/**
 * Internal: the epoll backend, and the epoll interest set it shares with the io_uring backend's
 * per-fd fallback: oneshot registrations whose data word carries a generation.
 */
package io.loomring.poller.epoll;
