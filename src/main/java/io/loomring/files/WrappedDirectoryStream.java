package io.loomring.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * The inner provider's directory stream, its entries wrapped paths (the filter sees them wrapped
 * too, so it may call {@code Files.*} on them as it would on the provider's own paths).
 *
 * <p>Only a plain {@link DirectoryStream}: the built-in provider's stream is a
 * {@link java.nio.file.SecureDirectoryStream} on Linux, whose relative opens would open files on the
 * built-in channel. Code that uses a secure stream where it gets one falls back, as on systems
 * without them.
 */
final class WrappedDirectoryStream implements DirectoryStream<Path> {
    private final WrappedFileSystem fs;
    private final DirectoryStream<Path> inner;

    private WrappedDirectoryStream(WrappedFileSystem fs, DirectoryStream<Path> inner) {
        this.fs = fs;
        this.inner = inner;
    }

    /** Opens {@code dir}, an inner path, on its own provider, wrapping entries into {@code fs}. */
    static DirectoryStream<Path> open(WrappedFileSystem fs, Path dir, Filter<? super Path> filter)
            throws IOException {
        if (filter == null) {
            throw new NullPointerException();
        }
        Filter<Path> wrapping = entry -> filter.accept(fs.wrap(entry));
        return new WrappedDirectoryStream(fs, dir.getFileSystem().provider().newDirectoryStream(dir, wrapping));
    }

    @Override
    public Iterator<Path> iterator() {
        Iterator<Path> entries = inner.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Path next() {
                return fs.wrap(entries.next());
            }

            @Override
            public void remove() {
                entries.remove();
            }
        };
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
