package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link IoScheduler#runCarried}: the task on a carried thread (and what it starts carried too),
 * its value and its very exception back to the caller, a carried caller running it itself, an
 * interrupt passed on, and a closed scheduler refusing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunCarriedTest {

    @Test
    void theTaskAndTheThreadsItStartsAreCarried() throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(2).build()) {
            String result = io.runCarried("server", () -> {
                boolean[] child = new boolean[1];
                Thread t = Thread.ofVirtual().start(() -> child[0] = io.carriesCurrentThread());
                t.join();
                return Thread.currentThread().getName() + " " + io.carriesCurrentThread() + " " + child[0];
            });
            assertEquals("server true true", result);
            assertTrue(!io.carriesCurrentThread(), "the test thread is not carried");
        }
    }

    @Test
    void theTasksExceptionComesBackAsItWasThrown() throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(1).build()) {
            IOException thrown = new IOException("boom");
            IOException caught = assertThrows(IOException.class, () -> io.runCarried(() -> {
                throw thrown;
            }));
            assertSame(thrown, caught);
            AssertionError error = new AssertionError("an error");
            assertSame(error, assertThrows(AssertionError.class, () -> io.runCarried(() -> {
                throw error;
            })));
        }
    }

    @Test
    void aCarriedCallerRunsTheTaskItself() throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(1).build()) {
            String same = io.runCarried(() -> {
                Thread outer = Thread.currentThread();
                return io.runCarried(() -> Thread.currentThread() == outer ? "same" : "other");
            });
            assertEquals("same", same);
        }
    }

    @Test
    void anInterruptOfTheCallerIsPassedOnAndTheCallerStillWaits() throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(1).build()) {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    String r = io.runCarried(() -> {
                        started.countDown();
                        try {
                            Thread.sleep(Duration.ofMinutes(1));
                            return "slept";
                        } catch (InterruptedException e) {
                            return "interrupted";
                        }
                    });
                    outcome.complete(r + " " + Thread.currentThread().isInterrupted());
                } catch (Exception e) {
                    outcome.completeExceptionally(e);
                }
            });
            started.await();
            await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);
            caller.interrupt();
            assertEquals("interrupted true", outcome.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedSchedulerRefuses() {
        IoScheduler io = IoScheduler.builder().carriers(1).build();
        io.close();
        assertThrows(RejectedExecutionException.class, () -> io.runCarried(() -> "never"));
    }
}
