package io.loomring.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loading a JFR event class starts JFR's machinery (a fifth of a second and some memory at startup):
 * a JVM that records nothing must not pay that for Loomring. A child JVM does socket and file I/O
 * on Loomring without a recorder, and its class-loading log shows no event class (Loomring's, or
 * JFR's {@code jdk.jfr.Event}); with {@code -XX:StartFlightRecording} the same program loads them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NoRecorderTest {
    @Test
    void withoutARecorderNoEventClassIsLoaded() throws Exception {
        String log = run(List.of());
        assertTrue(log.contains("io.loomring.jfr.EventGate"), "the gate was consulted:\n" + tail(log));
        List<String> events = log.lines().filter(l -> l.contains("[class,load]"))
                .filter(l -> l.contains("Event ") && (l.contains("io.loomring.jfr.") || l.contains(" jdk.jfr.Event ")))
                .toList();
        assertEquals(List.of(), events, "event classes loaded without a recorder");
    }

    @Test
    void withARecorderTheEventsAreLoaded() throws Exception {
        String log = run(List.of("-XX:StartFlightRecording:settings=none"));
        assertTrue(log.contains("io.loomring.jfr.SocketReadEvent source"), tail(log));
        assertTrue(log.contains("io.loomring.jfr.FileWriteEvent source"), tail(log));
    }

    private static String run(List<String> flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info", "-Xshare:auto"));
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NoRecorderApp.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not end");
        String log = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), tail(log));
        assertTrue(log.contains("DONE"), tail(log));
        return log;
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
