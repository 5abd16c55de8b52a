package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;

/**
 * An in-process Loomring provider over the built-in one, on a scheduler of its own (so the suite's
 * JVM does not start the shared one), and its wrapped file system.
 */
final class ProviderFixture implements AutoCloseable {
    /** The built-in provider: the default one in the suite's JVM. */
    static final FileSystemProvider BUILT_IN = FileSystems.getDefault().provider();

    final IoScheduler scheduler = IoScheduler.builder().build();
    final LoomringFileSystemProvider provider = new LoomringFileSystemProvider(BUILT_IN, scheduler);
    final FileSystem fs = provider.getFileSystem(URI.create("file:///"));

    /** {@code plain}, a built-in path, as a path of the Loomring provider. */
    Path wrap(Path plain) {
        return fs.getPath(plain.toString());
    }

    /** Runs {@code body} and checks that it opened exactly {@code channels} channels on Loomring's channel. */
    void opens(int channels, IoBody body) throws IOException {
        long before = provider.loomringOpens();
        body.run();
        assertEquals(channels, provider.loomringOpens() - before, "channels opened through the Loomring provider");
        assertEquals(0, provider.builtInOpens(), "channels opened on the built-in channel");
    }

    /** Checks that {@code path} is a path of the Loomring provider. */
    void assertOurs(Path path) {
        assertSame(provider, path.getFileSystem().provider(), () -> path + " is a path of " + path.getFileSystem().provider());
        assertSame(fs, path.getFileSystem());
    }

    @Override
    public void close() {
        scheduler.close();
    }

    @FunctionalInterface
    interface IoBody {
        void run() throws IOException;
    }
}
