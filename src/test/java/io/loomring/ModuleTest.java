package io.loomring;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.modulecheck.ModulePathSmoke;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's module: what it exports, and that it works on the module path with exactly the
 * flag the README names. The suite itself runs on the class path (to reach package-private seams),
 * so the module path is checked in a child JVM.
 */
class ModuleTest {
    private static final Path LIBRARY = location(IoScheduler.class);
    private static final Path TEST_CLASSES = location(ModulePathSmoke.class);

    @Test
    void exportsOnlyTheApiPackages() {
        // The finder reads module-info.class and scans the classes for the module's packages.
        ModuleDescriptor descriptor = ModuleFinder.of(LIBRARY).find("io.loomring").orElseThrow().descriptor();
        assertEquals("io.loomring", descriptor.name());
        Set<String> exported = descriptor.exports().stream()
                .peek(e -> assertFalse(e.isQualified(), "qualified export " + e))
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("io.loomring", "io.loomring.net", "io.loomring.nio", "io.loomring.dns",
                "io.loomring.files", "io.loomring.launch"), exported);
        // The resolver provider, for the JDK to find on the module path (META-INF/services is
        // for the class path).
        assertEquals(Set.of("java.net.spi.InetAddressResolverProvider"), descriptor.provides().stream()
                .peek(p -> assertEquals(List.of("io.loomring.dns.LoomringResolverProvider"), p.providers()))
                .map(ModuleDescriptor.Provides::service).collect(Collectors.toSet()));
        assertTrue(descriptor.opens().isEmpty(), "opens " + descriptor.opens());
        // jdk.net: the java.net drop-in offers the JDK's TCP keep-alive options (ExtendedSocketOptions);
        // jdk.jfr (static): Loomring's JFR events, where the runtime has JFR.
        assertEquals(Set.of("java.base", "jdk.jfr", "jdk.net"), descriptor.requires().stream()
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
        assertTrue(descriptor.requires().stream().anyMatch(r -> r.name().equals("jdk.jfr")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)), "jdk.jfr is optional");
        assertTrue(descriptor.packages().containsAll(Set.of("io.loomring.ffm", "io.loomring.ring", "io.loomring.poller")),
                descriptor.packages().toString());
    }

    @Test
    void worksOnTheModulePathWithNativeAccessForTheModule() throws Exception {
        Result r = runSmoke(List.of("--enable-native-access=io.loomring"));
        assertEquals(0, r.status, r.toString());
        assertTrue(r.stdout.startsWith("OK io.loomring "), r.toString());
        assertFalse(r.stderr.contains("WARNING"), "warnings with --enable-native-access=io.loomring: " + r);
    }

    /**
     * {@code requires static jdk.jfr}: a runtime image without JFR (made here with jlink from
     * {@code java.base} and {@code jdk.net}) still resolves the module and runs its sockets, with
     * the events off. With a plain {@code requires} the module would not resolve there.
     */
    @Test
    void runsOnARuntimeImageWithoutJfr(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("image");
        Process jlink = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(),
                "--add-modules", "java.base,jdk.net", "--output", image.toString()).redirectErrorStream(true).start();
        String jlinkOut = new String(jlink.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jlink.waitFor(120, TimeUnit.SECONDS), "jlink did not end");
        assumeTrue(jlink.exitValue() == 0, "jlink could not make an image here: " + jlinkOut);
        Result r = runSmoke(image.resolve("bin").resolve("java"), List.of("--enable-native-access=io.loomring"));
        assertEquals(0, r.status, r.toString());
        assertTrue(r.stdout.startsWith("OK io.loomring"), r.toString());
    }

    @Test
    void withoutTheFlagTheJvmNamesTheModuleToEnable() throws Exception {
        Result r = runSmoke(List.of());
        assertEquals(0, r.status, r.toString());
        assertTrue(r.stderr.contains("--enable-native-access=io.loomring"), r.toString());
    }

    private static Result runSmoke(List<String> flags) throws Exception {
        return runSmoke(Path.of(System.getProperty("java.home"), "bin", "java"), flags);
    }

    private static Result runSmoke(Path java, List<String> flags) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(flags);
        command.addAll(List.of("--module-path", LIBRARY.toString(), "--add-modules", "io.loomring",
                "-cp", TEST_CLASSES.toString(), ModulePathSmoke.class.getName()));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private record Result(int status, String stdout, String stderr) {}

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
