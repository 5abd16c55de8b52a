package io.loomring.files;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.Watchable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The inner file system's watch service, seen through wrapped paths: a key's {@code watchable()}
 * is the wrapped path registered, and an event's context (a file name) a wrapped path, so
 * {@code ((Path) key.watchable()).resolve((Path) event.context())} stays on Loomring's provider.
 *
 * <p>The inner service hands out one key per watched directory (registering it again returns the
 * same key); this service keeps one wrapper per inner key, so the keys it returns compare as the
 * inner ones do. A wrapper is forgotten when its key is cancelled, or handed out for the last time
 * once the key is no longer valid (the inner service queues a key whose directory went away).
 */
final class WrappedWatchService implements WatchService {
    private final WrappedFileSystem fs;
    private final WatchService inner;
    private final ConcurrentHashMap<WatchKey, Key> keys = new ConcurrentHashMap<>();

    WrappedWatchService(WrappedFileSystem fs, WatchService inner) {
        this.fs = fs;
        this.inner = inner;
    }

    /** Registers {@code dir}'s inner path with the inner service; the key's watchable is {@code dir}. */
    WatchKey register(WrappedPath dir, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        WatchKey key = dir.inner().register(inner, events, modifiers);
        return keys.computeIfAbsent(key, k -> new Key(this, k, dir));
    }

    @Override
    public WatchKey poll() {
        return outer(inner.poll());
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
        return outer(inner.poll(timeout, unit));
    }

    @Override
    public WatchKey take() throws InterruptedException {
        return outer(inner.take());
    }

    @Override
    public void close() throws IOException {
        inner.close();
        keys.clear();
    }

    @Override
    public String toString() {
        return inner.toString();
    }

    private WatchKey outer(WatchKey key) {
        if (key == null) {
            return null;
        }
        Key outer = keys.computeIfAbsent(key, k -> new Key(this, k, wrapped(k.watchable())));
        if (!key.isValid()) {
            keys.remove(key, outer);
        }
        return outer;
    }

    private Watchable wrapped(Watchable w) {
        return w instanceof Path p ? fs.wrap(p) : w;
    }

    /** A key of the inner service, with the wrapped path as its watchable. */
    private static final class Key implements WatchKey {
        private final WrappedWatchService service;
        private final WatchKey inner;
        private final Watchable watchable;

        Key(WrappedWatchService service, WatchKey inner, Watchable watchable) {
            this.service = service;
            this.inner = inner;
            this.watchable = watchable;
        }

        @Override
        public boolean isValid() {
            return inner.isValid();
        }

        @Override
        public List<WatchEvent<?>> pollEvents() {
            List<WatchEvent<?>> events = inner.pollEvents();
            List<WatchEvent<?>> wrapped = new ArrayList<>(events.size());
            for (WatchEvent<?> e : events) {
                wrapped.add(e.context() instanceof Path p ? new Event<>(e.kind(), e.count(), service.fs.wrap(p)) : e);
            }
            return wrapped;
        }

        @Override
        public boolean reset() {
            return inner.reset();
        }

        @Override
        public void cancel() {
            inner.cancel();
            service.keys.remove(inner, this);
        }

        @Override
        public Watchable watchable() {
            return watchable;
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }

    /** An event of the inner service with a wrapped path as its context. */
    private record Event<T>(WatchEvent.Kind<T> kind, int count, Object path) implements WatchEvent<T> {
        @Override
        @SuppressWarnings("unchecked") // the kind's type is Path: the inner event's context was one
        public T context() {
            return (T) path;
        }
    }
}
