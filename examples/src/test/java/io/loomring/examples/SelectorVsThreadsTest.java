package io.loomring.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two line servers run the same client script and must produce the same transcript: the
 * migration from a selector loop to virtual threads changed how the code waits, not what it does.
 */
@Timeout(60)
class SelectorVsThreadsTest {
    /** A client script: what to send (each string is one write) and what the server must answer. */
    private static final List<String> SCRIPT = List.of("hello\n", "two\r\nlines\n", "sp", "lit\n", "é ok\n", "\n", "QUIT\n");
    private static final String EXPECTED = "HELLO\nTWO\nLINES\nSPLIT\nÉ OK\n\nBYE\n";

    @Test
    void bothServersAnswerTheScriptAlike() throws Exception {
        String selector = transcriptsOf("selector", Backend.AUTO);
        String threadsIoUring = transcriptsOf("threads", Backend.IO_URING);
        assertEquals(EXPECTED, selector);
        assertEquals(selector, threadsIoUring);
    }

    @Test
    void threadsOnEpollAnswerTheScriptAlike() throws Exception {
        assertEquals(EXPECTED, transcriptsOf("threads", Backend.EPOLL));
    }

    @Test
    void bothServersSkipAnOverlongLineAlike() throws Exception {
        for (String mode : List.of("selector", "threads")) {
            try (ExampleServer server = Backends.start("selector-vs-threads", Backend.AUTO, "--mode", mode);
                 Socket s = connect(server)) {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < 100; i++) { // 100 KB without a newline: never buffered whole
                    out.write("x".repeat(1000).getBytes(StandardCharsets.US_ASCII));
                }
                out.write("\nshort\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("ERR line too long\nSHORT\nBYE\n", answer, mode);
            }
        }
    }

    @Test
    void bothServersServeManyClientsAtOnce() throws Exception {
        for (String mode : List.of("selector", "threads")) {
            try (ExampleServer server = Backends.start("selector-vs-threads", Backend.AUTO, "--mode", mode);
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> transcripts = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    transcripts.add(pool.submit(() -> runScript(server)));
                }
                for (Future<String> t : transcripts) {
                    assertEquals(EXPECTED, t.get(), mode);
                }
            }
        }
    }

    private static String transcriptsOf(String mode, Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("selector-vs-threads", backend, "--mode", mode)) {
            assertTrue(server.engine().equals(mode.equals("selector") ? "selector" : backend.name().toLowerCase()));
            return runScript(server);
        }
    }

    /** Sends the script one write at a time, waiting for each line's answer, then reads to EOF. */
    private static String runScript(ExampleServer server) throws IOException {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream transcript = new ByteArrayOutputStream();
            for (String part : SCRIPT) {
                out.write(part.getBytes(StandardCharsets.UTF_8));
                for (long lines = part.chars().filter(c -> c == '\n').count(); lines > 0; ) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    transcript.write(b);
                    lines -= b == '\n' ? 1 : 0;
                }
            }
            transcript.writeBytes(in.readAllBytes()); // nothing more: the server closed after BYE
            return transcript.toString(StandardCharsets.UTF_8);
        }
    }

    private static Socket connect(ExampleServer server) throws IOException {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        s.setSoTimeout(30_000);
        return s;
    }
}
