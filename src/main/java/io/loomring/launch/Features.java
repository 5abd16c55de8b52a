package io.loomring.launch;

import io.loomring.IoScheduler;
import io.loomring.dns.LoomringResolverProvider;
import io.loomring.files.LoomringFileSystemProvider;
import io.loomring.net.LoomringSocketFactory;
import io.loomring.nio.LoomringSelectorProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;

/**
 * What the launcher puts in place before the application's {@code main}, each part on or off with
 * the reason, and the report of it (on standard error, lines starting {@code loomring:}).
 *
 * <p>The parts: carried threads (the shared scheduler, and {@code java.lang} opened to Loomring),
 * native access, the NIO {@link SelectorProvider} (installed by setting its system property before
 * the JDK first asks for a provider), the {@code java.net} socket factories, the file system
 * provider (only the command line can install it: the JDK makes the default file system before any
 * {@code main} runs) and name lookups (a provider the JDK loads by itself).
 */
final class Features {
    static final String NIO_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    static final String FILES_PROPERTY = "java.nio.file.spi.DefaultFileSystemProvider";
    static final String ADOPT_PROPERTY = "loomring.adoptVirtualThreads";

    /** One part: its name, whether it is on, and what it means or why it is off. */
    record Feature(String name, boolean on, String detail) {}

    private final List<Feature> features = new ArrayList<>();
    private IoScheduler scheduler;

    /** Puts every part in place that can be, in the order the later ones need. */
    static Features install() {
        Features f = new Features();
        f.nativeAccess();
        if (f.startScheduler()) {
            f.nio();
            f.javaNet();
        }
        f.files();
        f.names();
        return f;
    }

    /** The shared scheduler, or null when it could not start (the application then runs without Loomring's threads). */
    IoScheduler scheduler() {
        return scheduler;
    }

    /** True when the application's main runs on a carried thread. */
    boolean carried() {
        return scheduler != null && scheduler.carriesThreads();
    }

    List<Feature> features() {
        return List.copyOf(features);
    }

    private void nativeAccess() {
        if (Features.class.getModule().isNativeAccessEnabled()) {
            return; // nothing to say: on is what every other part needs
        }
        String module = Features.class.getModule().isNamed() ? "io.loomring" : "ALL-UNNAMED";
        features.add(new Feature("native access", false, "add --enable-native-access=" + module
                + " to the java command: without it the JVM warns at Loomring's first system call"));
    }

    private boolean startScheduler() {
        try {
            scheduler = IoScheduler.shared();
        } catch (RuntimeException e) {
            features.add(new Feature("carriers", false, "the shared scheduler cannot start (" + e.getMessage()
                    + "): main runs on the JVM's main thread, with the JDK's own I/O"));
            return false;
        }
        if (scheduler.carriesThreads()) {
            features.add(new Feature("carriers", true, "main runs on a carried virtual thread, one of "
                    + scheduler.carriers() + " " + scheduler.backend().name().toLowerCase(java.util.Locale.ROOT)
                    + " carriers; the virtual threads it starts are carried too"));
            if (Boolean.getBoolean(ADOPT_PROPERTY)) {
                // Asked for on the command line; off, there is nothing to warn of (see docs/launcher.md).
                features.add(new Feature("adopted threads", true, "virtual threads that platform threads start"
                        + " move to the carriers at their first I/O call"));
            }
        } else {
            features.add(new Feature("carriers", false, "main runs on an ordinary virtual thread: "
                    + scheduler.carrierReason()));
        }
        return true;
    }

    private void nio() {
        if (Boolean.getBoolean("loomring.launch.noNio")) {
            features.add(new Feature("NIO provider", false, "loomring.launch.noNio=true"));
            return;
        }
        String named = System.getProperty(NIO_PROPERTY);
        if (named == null) {
            System.setProperty(NIO_PROPERTY, LoomringSelectorProvider.class.getName());
        }
        String chosen = SelectorProvider.provider().getClass().getName();
        if (chosen.equals(LoomringSelectorProvider.class.getName())) {
            features.add(new Feature("NIO provider", true, "channels and selectors wait on the scheduler"));
        } else if (named != null && !named.equals(LoomringSelectorProvider.class.getName())) {
            features.add(new Feature("NIO provider", false, "the java command names another one: " + NIO_PROPERTY + "=" + named));
        } else {
            features.add(new Feature("NIO provider", false, "the JDK chose " + chosen + " before the launcher ran"));
        }
    }

    private void javaNet() {
        if (Boolean.getBoolean("loomring.launch.noJavaNet")) {
            features.add(new Feature("java.net sockets", false, "loomring.launch.noJavaNet=true"));
            return;
        }
        try {
            LoomringSocketFactory.installAsProcessDefault(scheduler);
            features.add(new Feature("java.net sockets", true, "new Socket and ServerSocket wait on the scheduler"));
        } catch (IOException | RuntimeException e) {
            features.add(new Feature("java.net sockets", false, "the JDK's socket factory was set before: " + e.getMessage()));
        }
    }

    private void files() {
        if (FileSystems.getDefault().provider() instanceof LoomringFileSystemProvider) {
            features.add(new Feature("file I/O", true, "file channels and streams run in the ring or on the file pool"));
        } else {
            features.add(new Feature("file I/O", false, "add -D" + FILES_PROPERTY + "="
                    + LoomringFileSystemProvider.class.getName()
                    + " to the java command (the JDK makes the default file system before any main runs)"));
        }
    }

    private void names() {
        String policy = System.getProperty(LoomringResolverProvider.POLICY_PROPERTY, "carried");
        boolean on = !policy.equals("off");
        features.add(new Feature("name lookups", on, on ? "lookups of " + policy + " threads run on a pool"
                : LoomringResolverProvider.POLICY_PROPERTY + "=off"));
    }

    /**
     * Prints the report: one line of what is on, then a line per part that is off (always, also
     * when {@code quiet}), so that a missing flag never goes unnoticed.
     */
    void report(PrintStream out, String mainClass, boolean quiet) {
        List<String> on = new ArrayList<>();
        for (Feature f : features) {
            if (f.on()) {
                on.add(f.name());
            }
        }
        if (!quiet) {
            out.println("loomring: running " + mainClass + (carried() ? " on a carried virtual thread" : "")
                    + (on.isEmpty() ? "" : "; on: " + String.join(", ", on)));
            for (Feature f : features) {
                if (f.on()) {
                    out.println("loomring:   " + f.name() + ": " + f.detail());
                }
            }
        }
        for (Feature f : features) {
            if (!f.on()) {
                out.println("loomring: WARNING: " + f.name() + " off: " + f.detail());
            }
        }
        out.flush();
    }
}
