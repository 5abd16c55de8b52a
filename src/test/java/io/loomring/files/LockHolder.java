package io.loomring.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Another process that holds an exclusive lock on a whole file (the JDK's channel in a child JVM:
 * a POSIX record lock, which conflicts with the JDK's and with Loomring's open-file locks alike)
 * until it is closed.
 */
final class LockHolder implements AutoCloseable {
    private final Process process;

    private LockHolder(Process process) {
        this.process = process;
    }

    /** Starts the child and returns once it holds the lock on {@code file}. */
    static LockHolder lock(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                file.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            p.destroyForcibly();
            throw new IOException("the lock holder said " + line);
        }
        return new LockHolder(p);
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close(); // the child ends when its stdin does
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The child: locks the file, says so, and holds the lock until stdin ends. */
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.lock();
            System.out.println("locked");
            System.out.flush();
            System.in.readAllBytes();
        }
    }
}
