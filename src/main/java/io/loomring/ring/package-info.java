/**
 * Internal: one io_uring instance — setup and feature checks, and the submission and completion
 * queues over the {@code MemorySegment}s the kernel shares, with the kernel's memory-ordering rules
 * on their head and tail counters. Not exported by the module; not API.
 */
package io.loomring.ring;
