package io.loomring.net;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * Run in a JVM of its own by {@link JavaNetProcessDefaultTest} (installing the process default is
 * one-shot and process-wide): installs Loomring as the default socket implementation, then checks
 * that plain {@code new ServerSocket}/{@code new Socket} echo bytes while waiting on Loomring's
 * scheduler, and that a second install is refused. Prints {@code OK} and exits 0, else exits 1.
 */
public final class ProcessDefaultCheck {
    private ProcessDefaultCheck() {}

    /** Runs the check; the argument is the backend ({@code IO_URING} or {@code EPOLL}). */
    public static void main(String[] args) throws Exception {
        Backend backend = Backend.valueOf(args[0]);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            LoomringSocketFactory.installAsProcessDefault(io);
            long before = io.stats().completions();
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread echo = Thread.ofVirtual().start(() -> {
                    try (Socket a = server.accept()) {
                        a.getInputStream().transferTo(a.getOutputStream());
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    c.getOutputStream().write("process default".getBytes());
                    c.shutdownOutput();
                    String back = new String(c.getInputStream().readAllBytes());
                    check("process default".equals(back), "echo returned '" + back + "'");
                }
                echo.join();
            }
            check(io.stats().completions() > before, "nothing waited on " + io);
            try {
                LoomringSocketFactory.installAsProcessDefault(io);
                check(false, "a second install was accepted");
            } catch (SocketException expected) {
                check(expected.getMessage().contains("already defined"), expected.getMessage());
            }
        }
        System.out.println("OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(1);
        }
    }
}
