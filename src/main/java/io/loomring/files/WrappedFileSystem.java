package io.loomring.files;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A file system of the wrapped provider, with Loomring's provider as its {@link #provider()}: its
 * paths are {@link WrappedPath}s, so {@code Files.*} on them comes to Loomring's provider. The
 * rest (separator, stores, matchers, principals, attribute views, open and close) is the inner
 * file system's.
 */
final class WrappedFileSystem extends FileSystem {
    private final LoomringFileSystemProvider provider;
    private final FileSystem inner;

    WrappedFileSystem(LoomringFileSystemProvider provider, FileSystem inner) {
        this.provider = provider;
        this.inner = inner;
    }

    /** The wrapped provider's file system. */
    FileSystem inner() {
        return inner;
    }

    /** {@code path}, a path of the inner file system, as a path of this one; null stays null. */
    Path wrap(Path path) {
        return path == null ? null : new WrappedPath(this, path);
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        inner.close(); // the built-in default file system refuses (UnsupportedOperationException)
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return inner.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return inner.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path root : inner.getRootDirectories()) {
            roots.add(wrap(root));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return inner.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return inner.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(inner.getPath(first, more));
    }

    /** The inner file system's matcher, given inner paths (it may look at more than the text). */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = inner.getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(WrappedPath.innerOf(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return inner.getUserPrincipalLookupService();
    }

    /** The inner file system's watch service; its keys' watchables and event contexts are wrapped paths. */
    @Override
    public WatchService newWatchService() throws IOException {
        return new WrappedWatchService(this, inner.newWatchService());
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
