package io.loomring.bench.servers;

import io.loomring.examples.http.HttpHandler;
import io.loomring.examples.resp.RespHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The baseline: the examples' HTTP and RESP handlers on the JDK's built-in
 * {@link ServerSocket}/{@link Socket}, one virtual thread per connection, exactly as the Loomring
 * examples run them on Loomring's sockets.
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.servers.JdkServer http|resp --port N [--host H]
 * </pre>
 * prints {@code http listening on 127.0.0.1:PORT (jdk)} once it listens, and runs until killed.
 */
public final class JdkServer {
    private static final int BACKLOG = 4096;

    private JdkServer() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws IOException, InterruptedException {
        ServerArgs a = ServerArgs.parse(args, "http|resp");
        Handler handler = switch (a.name()) {
            case "http" -> {
                HttpHandler http = new HttpHandler();
                yield c -> http.handle(c);
            }
            case "resp" -> {
                RespHandler resp = new RespHandler();
                yield c -> resp.handle(c);
            }
            default -> throw ServerArgs.usage("JdkServer", "http|resp", "unknown protocol '" + a.name() + "'");
        };
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(a.host(), a.port()), BACKLOG);
        Thread acceptor = Thread.ofVirtual().name(a.name() + "-acceptor").start(() -> acceptLoop(server, handler));
        System.out.println(a.readyLine((InetSocketAddress) server.getLocalSocketAddress(), "jdk"));
        System.out.flush();
        acceptor.join();
    }

    private static void acceptLoop(ServerSocket server, Handler handler) {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                System.err.println("accept failed: " + e.getMessage());
                return;
            }
            Thread.ofVirtual().start(() -> {
                try (socket) {
                    socket.setTcpNoDelay(true);
                    handler.handle(new SocketConnection(socket));
                } catch (IOException e) {
                    // the peer went away
                }
            });
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle(SocketConnection connection) throws IOException;
    }
}
