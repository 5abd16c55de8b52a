package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.loomring.Backend;
import io.loomring.TestBackends;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provider as the JVM's default
 * ({@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.loomring.files.LoomringFileSystemProvider}),
 * in a child JVM on each backend: the JVM starts (the JDK builds the provider while it sets up its
 * file system, so the provider must not use that file system nor start the scheduler then), and
 * {@link DefaultProviderRun} passes. The child logs class initialization: the scheduler is not
 * initialized before the child's first open. (It is loaded earlier, not initialized: the JDK looks
 * the constructor up by reflection, which resolves the parameter types of every constructor.)
 */
class DefaultProviderTest {
    private static final long CHILD_SECONDS = 90;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void runsAnUnchangedProgramAsTheDefaultProvider(Backend backend, @TempDir Path tmp) throws Exception {
        if (backend != Backend.AUTO) {
            TestBackends.assumeAvailable(backend);
        }
        Path dir = Files.createDirectory(tmp.resolve("files"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xlog:class+init=info:stdout",
                "-Djava.nio.file.spi.DefaultFileSystemProvider=" + LoomringFileSystemProvider.class.getName(),
                "-Dloomring.backend=" + backend.name().toLowerCase(Locale.ROOT),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                DefaultProviderRun.class.getName(), dir.toString()));
        List<String> lines = run(command, tmp.resolve("output.txt").toFile()).lines().toList();
        String shown = "\n" + String.join("\n", lines.stream().filter(l -> !l.contains("[class,init]")).toList());

        assertTrue(lines.stream().anyMatch(l -> l.startsWith("OK ")), "no OK line:" + shown);
        int firstOpen = lines.indexOf(DefaultProviderRun.FIRST_OPEN);
        assertTrue(firstOpen >= 0, "no first-open line:" + shown);
        int provider = initialized(lines, LoomringFileSystemProvider.class.getName());
        assertTrue(provider >= 0 && provider < firstOpen, "the provider was not initialized before main's first open");
        int scheduler = initialized(lines, "io.loomring.IoScheduler");
        assertTrue(scheduler > firstOpen, "the scheduler was initialized before the first open (line " + scheduler
                + ", first open at " + firstOpen + "):" + shown);
        assertEquals("hello\nworld\n", Files.readString(dir.resolve("hello.txt")));
    }

    /** The index of the line that logs {@code className}'s initialization, or -1. */
    private static int initialized(List<String> lines, String className) {
        String logged = "Initializing '" + className.replace('.', '/') + "'";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("[class,init]") && lines.get(i).contains(logged)) {
                return i;
            }
        }
        return -1;
    }

    /** Runs the child, output and errors into {@code log}; its output, or a failure carrying it. */
    private static String run(List<String> command, File log) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
        boolean exited;
        try {
            exited = child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        String shown = "\n$ " + String.join(" ", command) + "\n"
                + String.join("\n", output.lines().filter(l -> !l.contains("[class,init]")).toList());
        if (!exited) {
            fail("the child did not exit within " + CHILD_SECONDS + " s and was killed:" + shown);
        }
        assertEquals(0, child.exitValue(), "the child failed:" + shown);
        return output;
    }
}
