package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code shared()} with a misconfigured {@code loomring.backend} throws the documented exception on
 * every call, not an {@link ExceptionInInitializerError} and then {@link NoClassDefFoundError}s. In a
 * child JVM, since the shared scheduler is per process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedMisconfigurationTest {

    /** The child: calls {@code shared()} twice and prints what each call threw. */
    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try {
                IoScheduler.shared();
                System.out.println("call " + i + ": no exception");
            } catch (Throwable t) {
                System.out.println("call " + i + ": " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }

    @Test
    void unknownBackendPropertyIsAnIllegalArgumentOnEveryCall() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dloomring.backend=bogus",
                "-cp", classpath, SharedMisconfigurationTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, child.exitValue(), out);
        for (int i = 0; i < 2; i++) {
            String expected = "call " + i + ": java.lang.IllegalArgumentException: unknown backend 'bogus'";
            assertTrue(out.contains(expected), () -> "expected <" + expected + "> in:\n" + out);
        }
    }
}
