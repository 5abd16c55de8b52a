package io.loomring.files;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code file} provider, with files opened on Loomring's {@link FileChannel}: run an unchanged
 * application on it with
 * <pre>{@code java -Djava.nio.file.spi.DefaultFileSystemProvider=io.loomring.files.LoomringFileSystemProvider ...}</pre>
 * and {@code FileChannel.open}, {@code Files.newByteChannel}, {@code Files.newInputStream} and
 * {@code newOutputStream}, and what is built on them ({@code Files.readAllBytes}, {@code write},
 * {@code readString}, {@code lines}, {@code newBufferedReader}, {@code createFile}, ...) open their
 * files here, process-wide. Everything else (directories, attributes, links, copy, move, stores,
 * watch services, asynchronous channels) is the wrapped provider's, given its own paths.
 *
 * <p>The provider wraps the built-in one (the JDK passes it to {@link #LoomringFileSystemProvider(FileSystemProvider)}).
 * Its file system and paths wrap the built-in file system and paths, so that every path it hands
 * out, {@code Path.of(...)} and {@code File.toPath()} included, names this provider and
 * {@code Files.*} on it comes here. It accepts its own paths and plain paths of the wrapped
 * provider; a path of another provider gets the wrapped provider's answer (mostly
 * {@link ProviderMismatchException}, which this provider's channels throw too).
 *
 * <p>Channels wait on {@link IoScheduler#shared()} (configured by its {@code loomring.*} system
 * properties), taken at the first channel opened, not before, or on the scheduler given to
 * {@link #LoomringFileSystemProvider(FileSystemProvider, IoScheduler)}. A file opened by the shared
 * scheduler's own startup, on the thread starting it, is opened on the wrapped provider's channel.
 * When the shared scheduler cannot start, opens fail with an {@link IOException} whose cause says why.
 *
 * <p>Limits. As with any default provider that is not the JDK's own, Unix-domain sockets cannot be
 * used: {@link java.net.UnixDomainSocketAddress#of(Path)} refuses the paths of such a default file
 * system ({@link IllegalArgumentException}), and the JDK's channels refuse to bind to a name of
 * their own choosing; this holds on Loomring's selector provider too, which takes the JDK's
 * addresses. {@code Files.newDirectoryStream} returns a plain {@link DirectoryStream}, never a
 * {@link java.nio.file.SecureDirectoryStream}.
 */
public final class LoomringFileSystemProvider extends FileSystemProvider {
    /** {@link FileSystemProvider#newOutputStream}'s options when none are given. */
    private static final Set<OpenOption> DEFAULT_OUTPUT_OPTIONS = Set.of(StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);

    private final FileSystemProvider delegate;
    private final ChannelScheduler scheduler;
    private final ConcurrentHashMap<FileSystem, WrappedFileSystem> fileSystems = new ConcurrentHashMap<>();
    private final AtomicLong loomringOpens = new AtomicLong();
    private final AtomicLong builtInOpens = new AtomicLong();

    /**
     * The constructor {@code -Djava.nio.file.spi.DefaultFileSystemProvider} uses: a provider over
     * {@code delegate}, the built-in provider. It runs while the JDK sets up its default file
     * system, so it only keeps its arguments: the shared scheduler is taken at the first channel
     * opened.
     *
     * @param delegate the JDK's built-in provider of the {@code file} file system
     */
    public LoomringFileSystemProvider(FileSystemProvider delegate) {
        this(delegate, new ChannelScheduler());
    }

    /**
     * A provider over {@code delegate} whose channels wait on {@code scheduler}.
     *
     * @param delegate  the provider that does everything but the file channels' I/O (usually the
     *                  JDK's built-in one)
     * @param scheduler the scheduler the file channels wait on
     */
    public LoomringFileSystemProvider(FileSystemProvider delegate, IoScheduler scheduler) {
        this(delegate, new ChannelScheduler(scheduler));
    }

    /**
     * A provider over the default file system's provider (when that is a Loomring provider
     * already, over the provider it wraps), on the shared scheduler: for use without the system
     * property. Then only what is asked of this provider comes here: {@code newFileChannel} and
     * {@code newByteChannel} given ordinary paths, and {@code Files.*} on the paths it hands out
     * ({@code getPath(URI)}, {@code getFileSystem(URI.create("file:///")).getPath(...)}); the
     * default file system's own paths stay on the default provider.
     */
    public LoomringFileSystemProvider() {
        this(wrappedOf(FileSystems.getDefault().provider()), new ChannelScheduler());
    }

    LoomringFileSystemProvider(FileSystemProvider delegate, ChannelScheduler scheduler) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.scheduler = scheduler;
    }

    private static FileSystemProvider wrappedOf(FileSystemProvider provider) {
        return provider instanceof LoomringFileSystemProvider loomring ? loomring.delegate : provider;
    }

    /** Channels opened on Loomring's channel (a test seam). */
    long loomringOpens() {
        return loomringOpens.get();
    }

    /** Channels opened on the wrapped provider's, by the shared scheduler's startup (a test seam). */
    long builtInOpens() {
        return builtInOpens.get();
    }

    // -- paths and file systems --

    /**
     * The wrapped provider's path, for this provider's own channels: a wrapped path's inner path, or
     * {@code path} when it is the wrapped provider's own.
     *
     * @throws ProviderMismatchException for a path of another provider, as the built-in provider's
     *                                   channels throw
     */
    private Path unwrap(Path path) {
        Path inner = WrappedPath.innerOf(Objects.requireNonNull(path));
        if (inner.getFileSystem().provider() != delegate) {
            throw new ProviderMismatchException();
        }
        return inner;
    }

    /**
     * What the wrapped provider is given for {@code path}: a wrapped path's inner path, any other
     * path as it is, so that the wrapped provider answers a path of another provider as it would
     * ({@link ProviderMismatchException} mostly, false from {@code isSameFile}).
     */
    private static Path inner(Path path) {
        return WrappedPath.innerOf(path);
    }

    /** {@code path}, a path of the wrapped provider, as one of this provider's; null (or another provider's) as it is. */
    private Path wrap(Path path) {
        return path == null || path.getFileSystem().provider() != delegate ? path
                : fileSystemOf(path.getFileSystem()).wrap(path);
    }

    /**
     * The wrapper of the wrapped provider's {@code fs}: one per file system (the built-in has one).
     * No lambda: the JDK calls this while it sets up its default file system.
     */
    private WrappedFileSystem fileSystemOf(FileSystem fs) {
        WrappedFileSystem wrapped = fileSystems.get(fs);
        if (wrapped == null) {
            WrappedFileSystem made = new WrappedFileSystem(this, fs);
            wrapped = fileSystems.putIfAbsent(fs, made);
            return wrapped != null ? wrapped : made;
        }
        return wrapped;
    }

    /** {@code fs} wrapped when it is the wrapped provider's; another provider's (a zip file's) as it is. */
    private FileSystem wrapFileSystem(FileSystem fs) {
        return fs.provider() == delegate ? fileSystemOf(fs) : fs;
    }

    /** {@code "file"}, as the JDK requires of a default provider. */
    @Override
    public String getScheme() {
        return "file";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return wrapFileSystem(delegate.newFileSystem(uri, env));
    }

    /** The wrapped provider's file system for {@code uri} (it checks the URI), wrapped. */
    @Override
    public FileSystem getFileSystem(URI uri) {
        return fileSystemOf(delegate.getFileSystem(uri));
    }

    @Override
    public Path getPath(URI uri) {
        return wrap(delegate.getPath(uri));
    }

    @Override
    public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
        return wrapFileSystem(delegate.newFileSystem(inner(path), env));
    }

    // -- channels and streams: Loomring's channel --

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return open(path, options, attrs);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return open(path, options, attrs);
    }

    /**
     * A stream over this provider's channel. The options are checked as
     * {@link FileSystemProvider#newInputStream} checks them ({@code APPEND} and {@code WRITE}:
     * {@link UnsupportedOperationException}). That default opens its channel through
     * {@code Files.newByteChannel}, which would take a plain path of the wrapped provider back to
     * it; a path of another provider does go to its own provider, as there.
     */
    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        for (OpenOption option : options) {
            if (option == StandardOpenOption.APPEND || option == StandardOpenOption.WRITE) {
                throw new UnsupportedOperationException("'" + option + "' not allowed");
            }
        }
        Set<OpenOption> set = new HashSet<>(); // a set as Files.newByteChannel makes it: duplicates allowed
        Collections.addAll(set, options);
        Path inner = inner(Objects.requireNonNull(path));
        if (inner.getFileSystem().provider() != delegate) {
            // FileSystemProvider's own method opens through Files, so on the path's own provider.
            return Channels.newInputStream(Files.newByteChannel(inner, set));
        }
        return Channels.newInputStream(open(inner, set));
    }

    /**
     * A stream over this provider's channel, with the options of
     * {@link FileSystemProvider#newOutputStream}: none means {@code CREATE}, {@code TRUNCATE_EXISTING},
     * {@code WRITE}; {@code READ} is an {@link IllegalArgumentException}; {@code WRITE} is added.
     */
    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> set;
        if (options.length == 0) {
            set = DEFAULT_OUTPUT_OPTIONS;
        } else {
            set = new HashSet<>();
            for (OpenOption option : options) {
                if (option == StandardOpenOption.READ) {
                    throw new IllegalArgumentException("READ not allowed");
                }
                set.add(option);
            }
            set.add(StandardOpenOption.WRITE);
        }
        return Channels.newOutputStream(open(path, set));
    }

    private FileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path inner = unwrap(path); // before the scheduler: a foreign path starts nothing
        IoScheduler s = scheduler.get();
        if (s == null) {
            FileChannel channel = delegate.newFileChannel(inner, options, attrs);
            builtInOpens.incrementAndGet();
            return channel;
        }
        FileChannel channel = LoomringFileChannel.open(s, inner, options, attrs);
        loomringOpens.incrementAndGet();
        return channel;
    }

    /** The wrapped provider's: an asynchronous channel does not wait on a virtual thread. */
    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
                                                              ExecutorService executor, FileAttribute<?>... attrs)
            throws IOException {
        return delegate.newAsynchronousFileChannel(inner(path), options, executor, attrs);
    }

    // -- everything else: the wrapped provider's --

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        Path inner = unwrap(dir); // its entries are wrapped: only the wrapped provider's directories
        return WrappedDirectoryStream.open(fileSystemOf(inner.getFileSystem()), inner, filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        delegate.createDirectory(inner(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        delegate.createSymbolicLink(inner(link), inner(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        delegate.createLink(inner(link), inner(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        delegate.delete(inner(path));
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return delegate.deleteIfExists(inner(path));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return wrap(delegate.readSymbolicLink(inner(link)));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        delegate.copy(inner(source), inner(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        delegate.move(inner(source), inner(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return delegate.isSameFile(inner(path), inner(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return delegate.isHidden(inner(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return delegate.getFileStore(inner(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        delegate.checkAccess(inner(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return delegate.getFileAttributeView(inner(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return delegate.readAttributes(inner(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return delegate.readAttributes(inner(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        delegate.setAttribute(inner(path), attribute, value, options);
    }

    /** The wrapped provider's (the built-in one answers with one access(2), not the default's attribute read). */
    @Override
    public boolean exists(Path path, LinkOption... options) {
        return delegate.exists(inner(path), options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributesIfExists(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return delegate.readAttributesIfExists(inner(path), type, options);
    }

    @Override
    public String toString() {
        return "LoomringFileSystemProvider[" + delegate + "]";
    }
}
