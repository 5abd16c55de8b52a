/**
 * The socket core every face holds (internal): the fd and its close protocol
 * ({@link io.loomring.socket.SocketFd}), connect, the reading and writing sides, completion-mode
 * RECV/SEND through the ring, write-behind, the one option table, and the streams. The faces sit
 * above it: {@code io.loomring.net} ({@code TcpSocket}, the {@code java.net} drop-in) and
 * {@code io.loomring.nio} (the {@code SelectorProvider}'s channels). Each face adds only its own
 * contract (its exceptions, its messages, its options); nothing here knows which face holds it.
 *
 * <p>Public only so that the faces in other packages can hold it; the module does not export it,
 * and it may change in any release.
 */
package io.loomring.socket;
