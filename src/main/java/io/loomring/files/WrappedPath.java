package io.loomring.files;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Iterator;
import java.util.Objects;

/**
 * A path of a {@link WrappedFileSystem}: the wrapped provider's path inside, so that
 * {@code getFileSystem().provider()} is Loomring's and {@code Files.*} on it comes to Loomring's
 * provider. Every operation is the inner path's; paths it hands out are wrapped again.
 *
 * <p>Paths given to it may be wrapped or plain paths of the wrapped provider (the inner path then
 * decides, as it would have: a path of another provider gets the inner path's answer, usually
 * {@link java.nio.file.ProviderMismatchException}). {@link #equals} is stricter: a wrapped path
 * equals only a wrapped path of the same file system, as the {@link Path} contract asks, so a plain
 * path with the same text compares as 0 but is not equal.
 */
final class WrappedPath implements Path {
    private final WrappedFileSystem fs;
    private final Path inner;

    WrappedPath(WrappedFileSystem fs, Path inner) {
        this.fs = fs;
        this.inner = inner;
    }

    /** The wrapped provider's path. */
    Path inner() {
        return inner;
    }

    /** The inner path of a wrapped path; any other path as it is. */
    static Path innerOf(Path path) {
        return path instanceof WrappedPath w ? w.inner : path;
    }

    /** {@code result} wrapped, or this path when the inner path returned itself. */
    private Path same(Path result) {
        return result == inner ? this : fs.wrap(result);
    }

    @Override
    public FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return inner.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return fs.wrap(inner.getRoot());
    }

    @Override
    public Path getFileName() {
        return same(inner.getFileName());
    }

    @Override
    public Path getParent() {
        return fs.wrap(inner.getParent());
    }

    @Override
    public int getNameCount() {
        return inner.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return same(inner.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return same(inner.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return inner.startsWith(innerOf(other));
    }

    @Override
    public boolean startsWith(String other) {
        return inner.startsWith(other);
    }

    @Override
    public boolean endsWith(Path other) {
        return inner.endsWith(innerOf(other));
    }

    @Override
    public boolean endsWith(String other) {
        return inner.endsWith(other);
    }

    @Override
    public Path normalize() {
        return same(inner.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return same(inner.resolve(innerOf(other)));
    }

    @Override
    public Path resolve(String other) {
        return same(inner.resolve(other));
    }

    @Override
    public Path resolveSibling(Path other) {
        return same(inner.resolveSibling(innerOf(other)));
    }

    @Override
    public Path resolveSibling(String other) {
        return same(inner.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return same(inner.relativize(innerOf(other)));
    }

    @Override
    public URI toUri() {
        return inner.toUri(); // file:///...: the scheme is Loomring's provider's too
    }

    @Override
    public Path toAbsolutePath() {
        return same(inner.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return same(inner.toRealPath(options));
    }

    /**
     * The {@link File} of this path. {@link Path#toFile()} makes one only for paths of the default
     * file system, and the inner path is not one when Loomring's provider is the default; a path of
     * a {@code file}-scheme provider names an operating-system file either way.
     */
    @Override
    public File toFile() {
        if ("file".equalsIgnoreCase(inner.getFileSystem().provider().getScheme())) {
            return new File(inner.toString());
        }
        return inner.toFile();
    }

    /**
     * Registers the inner path with the inner watch service of {@code watcher} when it is the
     * wrapped file system's, so that its key's {@code watchable()} is this path; another watch
     * service goes to the inner path as it is.
     */
    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        if (watcher instanceof WrappedWatchService w) {
            return w.register(this, events, modifiers);
        }
        return inner.register(watcher, events, modifiers);
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>... events) throws IOException {
        return register(watcher, events, new WatchEvent.Modifier[0]);
    }

    @Override
    public Iterator<Path> iterator() {
        Iterator<Path> names = inner.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return names.hasNext();
            }

            @Override
            public Path next() {
                return fs.wrap(names.next());
            }
        };
    }

    @Override
    public int compareTo(Path other) {
        return inner.compareTo(innerOf(Objects.requireNonNull(other)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedPath w && w.fs == fs && inner.equals(w.inner);
    }

    @Override
    public int hashCode() {
        return inner.hashCode();
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
