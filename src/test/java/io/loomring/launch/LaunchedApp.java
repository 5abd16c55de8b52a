package io.loomring.launch;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * The application {@link LaunchTest} runs under the launcher: prints what it sees (its thread, the
 * thread it starts, a thread a platform thread starts before and after it waited for a read, the
 * NIO provider, its arguments), then fails when its first argument is {@code fail}.
 */
public final class LaunchedApp {
    private LaunchedApp() {}

    public static void main(String[] args) throws Exception {
        IoScheduler io = IoScheduler.shared();
        System.out.println("main name=" + Thread.currentThread().getName() + " virtual="
                + Thread.currentThread().isVirtual() + " carried=" + io.carriesCurrentThread());
        boolean[] childCarried = new boolean[1];
        Thread child = Thread.ofVirtual().start(() -> childCarried[0] = io.carriesCurrentThread());
        child.join();
        System.out.println("child carried=" + childCarried[0]);
        System.out.println("adopted=" + adoptedAfterWait(io));
        System.out.println("provider=" + SelectorProvider.provider().getClass().getName());
        System.out.println("args=" + String.join(",", args));
        System.out.println("loader=" + (Thread.currentThread().getContextClassLoader() == LaunchedApp.class.getClassLoader()));
        if (args.length > 0 && args[0].equals("fail")) {
            throw new java.io.IOException("failed on purpose");
        }
    }

    /**
     * Whether a virtual thread that a platform thread starts (as a server's accept loop does) is
     * carried after it waited for a read: before its first I/O call, and after it.
     */
    private static String adoptedAfterWait(IoScheduler io) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String[] seen = new String[1];
            Thread[] reader = new Thread[1];
            Thread platform = Thread.ofPlatform().start(() -> reader[0] = Thread.ofVirtual().start(() -> {
                boolean before = io.carriesCurrentThread();
                try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                    c.read(ByteBuffer.allocate(1));
                    seen[0] = before + "," + io.carriesCurrentThread();
                } catch (IOException e) {
                    seen[0] = e.toString();
                }
            }));
            platform.join();
            try (SocketChannel peer = server.accept()) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (reader[0].getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                    Thread.sleep(5); // until the read waits
                }
                peer.write(ByteBuffer.wrap(new byte[] {1}));
                reader[0].join();
            }
            return seen[0];
        }
    }
}
