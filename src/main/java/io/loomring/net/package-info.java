/**
 * TCP sockets for virtual threads: blocking-style {@link io.loomring.net.TcpServerSocket#accept()},
 * {@link io.loomring.net.TcpSocket#read(java.nio.ByteBuffer)} and
 * {@link io.loomring.net.TcpSocket#write(java.nio.ByteBuffer)} that park the calling thread on an
 * {@link io.loomring.IoScheduler} while the non-blocking fd is not ready.
 *
 * <p>One virtual thread per connection, plain blocking code:
 * <pre>{@code
 * try (TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 7000))) {
 *     while (true) {
 *         TcpSocket s = server.accept();
 *         Thread.startVirtualThread(() -> {
 *             try (s) {
 *                 s.inputStream().transferTo(s.outputStream());   // echo
 *             } catch (IOException e) {
 *                 // connection failed
 *             }
 *         });
 *     }
 * }
 * }</pre>
 */
package io.loomring.net;
