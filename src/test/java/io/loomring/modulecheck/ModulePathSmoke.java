package io.loomring.modulecheck;

import io.loomring.EventFd;
import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.lang.reflect.Method;

/**
 * Run by {@code ModuleTest} in a child JVM with the library on the module path and this class on
 * the class path, as an application would use the module: awaits an eventfd through the exported
 * API, exchanges bytes over a loopback socket, then checks that an internal package is out of reach. Prints {@code OK ...} on success.
 */
public final class ModulePathSmoke {
    private ModulePathSmoke() {}

    /** Exits non-zero (with the reason) when anything is off. */
    public static void main(String[] args) throws Exception {
        Module module = IoScheduler.class.getModule();
        if (!module.isNamed() || !module.getName().equals("io.loomring")) {
            fail("IoScheduler is in " + module + ", not the named module io.loomring");
        }
        if (ModulePathSmoke.class.getModule().isNamed()) {
            fail("this class should be on the class path");
        }
        IoScheduler io = IoScheduler.shared();
        try (EventFd events = EventFd.open()) {
            long[] got = new long[1];
            Thread waiter = Thread.startVirtualThread(() -> {
                try {
                    long n;
                    while ((n = events.drain()) == 0) {
                        io.awaitReadable(events.fd());
                    }
                    got[0] = n;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            events.signal(5);
            waiter.join(10_000);
            if (got[0] != 5) {
                fail("the awaiting thread got " + got[0] + " signals, not 5");
            }
        }
        // A socket exchange: the socket core's I/O paths pass the JFR event gate, which must hold
        // where the runtime has no jdk.jfr (ModuleTest runs this with and without it).
        try (TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                TcpSocket client = TcpSocket.connect(server.localAddress());
                TcpSocket accepted = server.accept()) {
            client.write(new byte[] {1, 2, 3}, 0, 3);
            byte[] in = new byte[3];
            int got = 0;
            while (got < 3) {
                got += accepted.read(in, got, 3 - got);
            }
        }
        Class<?> internal = Class.forName("io.loomring.ffm.Errno");
        Method describe = internal.getMethod("describe", int.class);
        try {
            describe.invoke(null, 9);
            fail("io.loomring.ffm is reachable from outside the module");
        } catch (IllegalAccessException expected) {
            // not exported: as it should be
        }
        System.out.println("OK " + module.getName() + " " + io.backend());
    }

    private static void fail(String why) {
        System.err.println("FAIL " + why);
        System.exit(1);
    }
}
