/**
 * Internal: the FFM downcalls Loomring makes (raw {@code syscall} for io_uring, {@code mmap},
 * {@code eventfd}, {@code pipe2}, {@code timerfd_*}, {@code epoll_*}, sockets), each returning a
 * result or {@code -errno}, and the errno table used in messages. Not exported by the module; not
 * API.
 */
package io.loomring.ffm;
