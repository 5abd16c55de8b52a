/**
 * Files on Loomring: {@link io.loomring.files.LoomringFileSystemProvider}, the {@code file}
 * {@link java.nio.file.spi.FileSystemProvider} whose file channels (and the streams and
 * {@code Files} methods built on them) run on an {@link io.loomring.IoScheduler}, with everything
 * else left to the built-in provider it wraps. Set it process-wide with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.loomring.files.LoomringFileSystemProvider}.
 */
package io.loomring.files;
