package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without {@code --add-opens java.base/java.lang}, {@code threadFactory()} makes ordinary virtual
 * threads; every scheduler says so once, at WARNING, when its factory is first asked for (the
 * application asked for carried threads and does not get them). In a child JVM without the flag.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CarrierFallbackWarningTest {

    /** The child: two schedulers, each asked for its factory twice, each factory used once. */
    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 2; i++) {
            try (IoScheduler io = IoScheduler.builder().backend(Backend.EPOLL).carriers(1).build()) {
                for (int k = 0; k < 2; k++) {
                    Thread t = io.threadFactory().newThread(() -> { });
                    t.start();
                    t.join();
                }
            }
        }
        System.out.println("child done");
    }

    @Test
    void everySchedulerWarnsOnceWhenItsThreadFactoryFallsBack() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                CarrierFallbackWarningTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("child done"), out);
        long warnings = out.lines().filter(l -> l.startsWith("WARNING: Loomring scheduler")
                && l.contains("threadFactory() makes ordinary virtual threads")).count();
        assertEquals(2, warnings, out);
    }
}
