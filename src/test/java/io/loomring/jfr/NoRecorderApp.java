package io.loomring.jfr;

import io.loomring.IoScheduler;
import io.loomring.files.LoomringFileSystemProvider;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A child program for {@link NoRecorderTest}: connects, accepts, reads and writes a socket and a
 * file on Loomring's shared scheduler, then prints {@code DONE}.
 */
public final class NoRecorderApp {
    private NoRecorderApp() {}

    public static void main(String[] args) throws Exception {
        IoScheduler io = IoScheduler.shared();
        try (TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (TcpSocket s = server.accept()) {
                    byte[] b = new byte[4];
                    s.write(b, 0, s.read(b, 0, 4));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (TcpSocket c = TcpSocket.connect(server.localAddress())) {
                c.write(new byte[4], 0, 4);
                c.read(new byte[4], 0, 4);
            }
            peer.join();
        }
        Path file = Files.createTempFile("loomring-no-recorder", ".bin");
        LoomringFileSystemProvider files = new LoomringFileSystemProvider(FileSystems.getDefault().provider(), io);
        try (FileChannel ch = files.newFileChannel(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            ch.write(ByteBuffer.allocate(8), 0);
            ch.read(ByteBuffer.allocate(8), 0);
        } finally {
            Files.delete(file);
        }
        System.out.println("DONE");
    }
}
