package io.loomring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** Runs a test body on a thread from a given factory (carried, virtual, platform) and collects its outcome. */
public final class OnThread {
    private OnThread() {}

    /** A test body that returns a value or throws. */
    public interface Body<T> {
        /** Runs the body. */
        T run() throws Exception;
    }

    /** Starts {@code body} on a new thread from {@code factory}; the future holds what it returned or threw. */
    public static <T> CompletableFuture<T> start(ThreadFactory factory, Body<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        factory.newThread(() -> {
            try {
                f.complete(body.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        }).start();
        return f;
    }

    /** The future's value within 60 s, or the exception the body threw (unwrapped). */
    public static <T> T get(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }
}
