/**
 * Internal: the poller thread and its backends (io_uring polls, an epoll set, and the epoll
 * fallback for fds io_uring cannot poll), the lock-free request queue and wakeup gate between
 * awaiting threads and the poller, the waiters whose one CAS decides each await's outcome, and the
 * slot table whose generations drop stale completions. Not exported by the module; not API.
 */
package io.loomring.poller;
