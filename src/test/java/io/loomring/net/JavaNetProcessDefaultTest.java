package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LoomringSocketFactory#installAsProcessDefault} in a JVM of its own per backend
 * ({@link ProcessDefaultCheck}): the install is process-wide and one-shot, so it must not touch
 * the JVM that runs the other tests.
 */
class JavaNetProcessDefaultTest {
    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void installAsProcessDefaultInAFreshJvm(Backend backend) throws Exception {
        Loopback.scheduler(backend).close(); // skips where the backend cannot start
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path out = Files.createTempFile(Path.of("target").toAbsolutePath(), "process-default", ".log");
        try {
            Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), ProcessDefaultCheck.class.getName(), backend.name()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check did not finish");
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.strip().endsWith("OK"), output);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
