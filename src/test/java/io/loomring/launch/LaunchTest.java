package io.loomring.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.TestBackends;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher in child JVMs, as users run it: the application's main on a carried thread (and
 * what it starts), Loomring's NIO provider, the report of what is on and off, a missing flag, a
 * missing class, an exception from main, an instance main, and the {@code --class-path} form.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LaunchTest {
    private static final String NATIVE = "--enable-native-access=ALL-UNNAMED";
    private static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    record Result(int exit, String out) {}

    private static Result launch(List<String> flags, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(Launch.class.getName());
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
        return new Result(child.exitValue(), out);
    }

    @Test
    void mainRunsCarriedWithLoomringsProviderAndSaysSo() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(NATIVE, OPENS), LaunchedApp.class.getName(), "a", "b c");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("main name=main virtual=true carried=true"), r.out());
        assertTrue(r.out().contains("child carried=true"), r.out());
        assertTrue(r.out().contains("adopted=false,false"), r.out()); // not asked for
        assertTrue(r.out().contains("provider=io.loomring.nio.LoomringSelectorProvider"), r.out());
        assertTrue(r.out().contains("args=a,b c"), r.out());
        assertTrue(r.out().contains("loader=true"), r.out());
        assertTrue(r.out().contains("loomring: running " + LaunchedApp.class.getName()
                + " on a carried virtual thread; on: carriers, NIO provider, java.net sockets"), r.out());
        // The default file system is not Loomring's here: the report says what to add.
        assertTrue(r.out().contains("loomring: WARNING: file I/O off: add -Djava.nio.file.spi.DefaultFileSystemProvider="
                + "io.loomring.files.LoomringFileSystemProvider"), r.out());
        assertFalse(r.out().contains("WARNING: carriers off"), r.out());
    }

    @Test
    void withoutTheOpensFlagMainRunsOnAnOrdinaryVirtualThreadAndTheReportSaysWhy() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(NATIVE), LaunchedApp.class.getName());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("main name=main virtual=true carried=false"), r.out());
        assertTrue(r.out().contains("loomring: WARNING: carriers off: main runs on an ordinary virtual thread: "
                + "threadFactory() makes ordinary virtual threads: java.lang is not open"), r.out());
        // And the scheduler's own WARNING, as for any scheduler whose factory falls back.
        assertTrue(r.out().contains("WARNING: Loomring scheduler"), r.out());
        assertTrue(r.out().contains("provider=io.loomring.nio.LoomringSelectorProvider"), r.out());
    }

    @Test
    void withoutNativeAccessTheReportSaysWhatToAdd() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(OPENS), LaunchedApp.class.getName());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("loomring: WARNING: native access off: add --enable-native-access=ALL-UNNAMED"), r.out());
    }

    @Test
    void aProviderNamedOnTheCommandLineIsKeptAndReported() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(NATIVE, OPENS, "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.PollSelectorProvider"),
                LaunchedApp.class.getName());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("provider=sun.nio.ch.PollSelectorProvider"), r.out());
        assertTrue(r.out().contains("loomring: WARNING: NIO provider off: the java command names another one"), r.out());
    }

    @Test
    void anExceptionFromMainEndsTheLauncherAsItWouldEndMain() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(NATIVE, OPENS), LaunchedApp.class.getName(), "fail");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("Exception in thread \"main\" java.io.IOException: failed on purpose"), r.out());
        assertTrue(r.out().contains("at io.loomring.launch.LaunchedApp.main"), r.out());
    }

    @Test
    void adoptionAskedForCarriesThreadsOfPlatformThreadsFromTheirFirstWaitAndSaysSo() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(NATIVE, OPENS, "-Dloomring.adoptVirtualThreads=true"), LaunchedApp.class.getName());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("child carried=true"), r.out());
        assertTrue(r.out().contains("adopted=false,true"), r.out());
        assertTrue(r.out().contains("on: carriers, adopted threads, NIO provider, java.net sockets"), r.out());
    }

    @Test
    void aMissingClassOrOptionIsAUsageErrorBeforeAnythingStarts() throws Exception {
        Result missing = launch(List.of(NATIVE, OPENS), "com.example.NoSuchMain");
        assertEquals(1, missing.exit(), missing.out());
        assertTrue(missing.out().contains("loomring: cannot load main class com.example.NoSuchMain"), missing.out());
        assertFalse(missing.out().contains("Loomring shared scheduler"), missing.out());
        Result none = launch(List.of(NATIVE, OPENS));
        assertEquals(1, none.exit(), none.out());
        assertTrue(none.out().contains("loomring: no main class given"), none.out());
        assertTrue(none.out().contains("usage: java"), none.out());
        Result noMain = launch(List.of(NATIVE, OPENS), LaunchTest.class.getName());
        assertEquals(1, noMain.exit(), noMain.out());
        assertTrue(noMain.out().contains("loomring: no main method in class " + LaunchTest.class.getName()), noMain.out());
    }

    @Test
    void anInstanceMainRunsAndTheClassPathOptionAddsTheApplication() throws Exception {
        TestBackends.assumeAvailable(Backend.AUTO);
        Result r = launch(List.of(NATIVE, OPENS), InstanceMainApp.class.getName());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("instance main virtual=true"), r.out());
        // --class-path: the same test classes, named again, load through the launcher's own loader
        // (parent-first, so the class is still found); what matters is that the option parses.
        Result cp = launch(List.of(NATIVE, OPENS), "--class-path", "target/test-classes", InstanceMainApp.class.getName());
        assertEquals(0, cp.exit(), cp.out());
        assertTrue(cp.out().contains("instance main virtual=true"), cp.out());
        Result bad = launch(List.of(NATIVE, OPENS), "--bogus");
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("loomring: unknown option --bogus"), bad.out());
    }
}
