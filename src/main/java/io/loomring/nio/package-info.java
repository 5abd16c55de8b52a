/**
 * NIO on Loomring: {@link io.loomring.nio.LoomringSelectorProvider}, a
 * {@link java.nio.channels.spi.SelectorProvider} whose socket, server-socket, datagram and pipe
 * channels and whose selectors wait on an {@link io.loomring.IoScheduler}. Set it process-wide with
 * {@code -Djava.nio.channels.spi.SelectorProvider=io.loomring.nio.LoomringSelectorProvider}, and
 * NIO code (blocking channels on virtual threads, or selector loops) runs on Loomring unchanged.
 */
package io.loomring.nio;
