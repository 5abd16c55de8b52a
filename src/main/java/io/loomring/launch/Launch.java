package io.loomring.launch;

import java.io.File;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs an unchanged application whole on Loomring's carriers:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
 *      -cp app.jar:loomring.jar io.loomring.launch.Launch com.example.Main args...
 * </pre>
 * or, with the flags taken from Loomring's manifest,
 * <pre>
 * java -jar loomring.jar --class-path app.jar com.example.Main args...
 * </pre>
 * Before the application's {@code main} runs, the launcher makes Loomring's NIO
 * {@link java.nio.channels.spi.SelectorProvider} the JDK's, installs the {@code java.net} socket
 * factories, and reports on standard error (lines starting {@code loomring:}) what is on and,
 * each on a WARNING line, what is off and why: a missing flag, a provider the command line chose,
 * the file system provider (only {@code -Djava.nio.file.spi.DefaultFileSystemProvider=...} on the
 * command line installs it). Then {@code main} runs on a carried virtual thread named
 * {@code main}, and every virtual thread it, and the threads it starts, start is carried too (a
 * virtual thread inherits the scheduler of the virtual thread that starts it). The JVM's own main
 * thread waits for it; an exception {@code main} throws ends the launcher as it would end the JVM's
 * main thread.
 *
 * <p>Platform threads started from a carried thread are daemon threads unless the application
 * says otherwise (the JDK's rule for threads started by virtual threads): an application whose
 * {@code main} returns while only such threads keep it alive ends with its {@code main}.
 *
 * <p>System properties: {@code loomring.launch.quiet=true} prints only what is off;
 * {@code loomring.launch.noNio=true} and {@code loomring.launch.noJavaNet=true} leave the JDK's
 * NIO provider or sockets in place; the scheduler's own {@code loomring.*} properties apply.
 */
public final class Launch {
    private static final String USAGE = "usage: java [flags] -cp APP:loomring.jar " + Launch.class.getName()
            + " MAIN_CLASS [ARGS...]\n   or: java [flags] -jar loomring.jar [--class-path APP] MAIN_CLASS [ARGS...]";

    private Launch() {}

    /**
     * Entry point; see the class comment. A usage error, or a main class that cannot be loaded or
     * has no entry point, prints what is wrong and exits with status 1.
     *
     * @param args the launcher's options ({@code --class-path APP}), then the application's main
     *             class, then the application's arguments
     * @throws Exception what the application's {@code main} threw, as it threw it
     */
    public static void main(String[] args) throws Exception {
        Command command;
        try {
            command = Command.parse(args);
        } catch (LaunchException e) {
            exit(System.err, e);
            return;
        }
        if (command == null) {
            System.out.println(USAGE);
            return;
        }
        run(command, System.err);
    }

    private static void run(Command command, PrintStream err) throws Exception {
        ClassLoader loader = command.loader();
        MainMethod main;
        try {
            Class<?> type = Class.forName(command.mainClass(), false, loader);
            main = MainMethod.of(type);
        } catch (ClassNotFoundException | LinkageError e) {
            exit(err, new LaunchException("cannot load main class " + command.mainClass() + " (" + e + ")"));
            return;
        } catch (LaunchException e) {
            exit(err, e);
            return;
        }
        Features features = Features.install(); // after the class is found: a typo starts nothing
        features.report(err, command.mainClass(), Boolean.getBoolean("loomring.launch.quiet"));
        Callable<Void> app = () -> {
            Thread.currentThread().setContextClassLoader(loader);
            main.invoke(command.args());
            return null;
        };
        if (features.scheduler() == null) {
            app.call(); // Loomring cannot start: on the JVM's main thread, with the JDK's own I/O
        } else {
            features.scheduler().runCarried("main", app);
        }
    }

    private static void exit(PrintStream err, LaunchException e) {
        err.println("loomring: " + e.getMessage());
        err.println(USAGE);
        err.flush();
        System.exit(1);
    }

    /** What the command line asks for: the class path to add, the main class, its arguments. */
    private record Command(List<URL> classPath, String mainClass, String[] args) {
        /** Null for {@code --help}. @throws LaunchException on a usage error */
        static Command parse(String[] args) {
            List<URL> classPath = new ArrayList<>();
            int i = 0;
            while (i < args.length && args[i].startsWith("-")) {
                switch (args[i]) {
                    case "-h", "--help" -> {
                        return null;
                    }
                    case "-cp", "--class-path" -> {
                        if (i + 1 == args.length) {
                            throw new LaunchException(args[i] + " needs a class path");
                        }
                        classPath.addAll(urls(args[i + 1]));
                        i += 2;
                    }
                    default -> throw new LaunchException("unknown option " + args[i]);
                }
            }
            if (i == args.length) {
                throw new LaunchException("no main class given");
            }
            return new Command(classPath, args[i], Arrays.copyOfRange(args, i + 1, args.length));
        }

        /** The class path entries as URLs; {@code dir/*} stands for the jars in {@code dir}, as for java. */
        private static List<URL> urls(String path) {
            List<URL> urls = new ArrayList<>();
            for (String entry : path.split(File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                try {
                    if (entry.endsWith("*")) {
                        File[] jars = new File(entry.substring(0, entry.length() - 1))
                                .listFiles((d, n) -> n.endsWith(".jar") || n.endsWith(".JAR"));
                        for (File jar : jars == null ? new File[0] : jars) {
                            urls.add(jar.toURI().toURL());
                        }
                    } else {
                        urls.add(new File(entry).toURI().toURL());
                    }
                } catch (MalformedURLException e) {
                    throw new LaunchException("bad class path entry " + entry + ": " + e.getMessage());
                }
            }
            return urls;
        }

        /**
         * The loader of the application (ask once): the JVM's, or a new one over
         * {@code --class-path} below it.
         */
        ClassLoader loader() {
            ClassLoader system = ClassLoader.getSystemClassLoader();
            return classPath.isEmpty() ? system : new URLClassLoader("app", classPath.toArray(URL[]::new), system);
        }
    }
}
