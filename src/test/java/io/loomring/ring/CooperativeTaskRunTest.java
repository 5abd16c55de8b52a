package io.loomring.ring;

import static io.loomring.ffm.Poll.POLLIN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Fds;
import io.loomring.ffm.IoUringSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the sub-pollers' cooperative task work (COOP_TASKRUN on a ring that several platform
 * threads submit to) relies on: the kernel posts a completion through task work of the thread
 * that submitted the request, and it still wakes that thread for it when the thread sleeps,
 * parked or blocked in a syscall. Were it not woken, the completion would wait for that thread's
 * next wakeup, whenever that is, and a sub-poller reaping from another thread would never see it.
 * Here the submitter sleeps for 20 s while the test, another thread, expects the CQE in 5.
 */
class CooperativeTaskRunTest {
    private static final long USER_DATA = 77;
    /** The submitter's name, which is also its kernel task's comm (at most 15 characters). */
    private static final String SUBMITTER = "coop-submitter";

    @Test
    void aSubmitterParkedInTheJdkIsWokenToPostItsCompletion() throws Exception {
        expectCompletionWhileTheSubmitterSleeps(() -> LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(20)),
                Thread::interrupt);
    }

    @Test
    void aSubmitterBlockedInAReadIsWokenToPostItsCompletion() throws Exception {
        int[] blocking = Fds.blockingPipe();
        try {
            // read(2) on an empty blocking pipe sleeps interruptibly until a byte comes.
            expectCompletionWhileTheSubmitterSleeps(() -> Fds.read(blocking[0], 1),
                    submitter -> Fds.write(blocking[1], 1));
        } finally {
            Fds.close(blocking);
        }
    }

    @Test
    void aCooperativeRingSaysSoAndAnInterruptingOneDoesNot() throws Exception {
        try (IoUring cooperative = open(true); IoUring interrupting = open(false)) {
            assertTrue(cooperative.describe().contains("COOP_TASKRUN"), cooperative.describe());
            assertFalse(interrupting.describe().contains("COOP_TASKRUN"), interrupting.describe());
            assertEquals(0, interrupting.setupFlags() & RingConstants.SETUP_TASKRUN_FLAG);
            assertFalse(cooperative.taskRunPending(), "nothing submitted, nothing pending");
        }
    }

    private interface Sleep {
        void sleep() throws Exception;
    }

    private interface Release {
        void release(Thread submitter) throws Exception;
    }

    /**
     * A platform thread submits a POLL_ADD on an empty pipe and then sleeps as {@code sleep} says;
     * the test makes the pipe readable and expects the CQE in the CQ, without entering the kernel
     * on the ring itself, long before the submitter would wake on its own.
     */
    private static void expectCompletionWhileTheSubmitterSleeps(Sleep sleep, Release release) throws Exception {
        int[] pipe = Fds.pipe();
        try (IoUring ring = open(true)) {
            CountDownLatch submitted = new CountDownLatch(1);
            AtomicLong submitResult = new AtomicLong(Long.MIN_VALUE);
            Thread submitter = Thread.ofPlatform().name(SUBMITTER).daemon().start(() -> {
                ring.sq().pollAdd(pipe[0], POLLIN, USER_DATA);
                submitResult.set(ring.enter(ring.sq().publish(), 0));
                submitted.countDown();
                try {
                    sleep.sleep();
                } catch (Exception e) {
                    // released
                }
            });
            try {
                assertTrue(submitted.await(10, TimeUnit.SECONDS));
                assertEquals(1, submitResult.get(), "the POLL_ADD was submitted");
                // Let it fall asleep: a thread that is still running takes its task work on the way.
                await().atMost(Duration.ofSeconds(10)).until(CooperativeTaskRunTest::sleeping);
                AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);
                assertEquals(0, ring.cq().reap((userData, res, flags) -> result.set(res)), "not readable yet");
                Fds.write(pipe[1], 1);
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                        .until(() -> ring.cq().reap((userData, res, flags) -> {
                            assertEquals(USER_DATA, userData);
                            result.set(res);
                        }) == 1);
                assertEquals(POLLIN, result.get() & POLLIN, "the poll reports the pipe readable");
                assertTrue(submitter.isAlive(), "the submitter was woken for its task work, not released");
            } finally {
                release.release(submitter);
                submitter.join(10_000);
            }
        } finally {
            Fds.close(pipe);
        }
    }

    /**
     * Asks the kernel ("S": sleeping interruptibly). The JVM's thread state would not do: it says
     * WAITING a little before a parking thread is in the kernel, and RUNNABLE for one blocked in a
     * native read.
     */
    private static boolean sleeping() {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + taskId() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
        } catch (Exception e) {
            return false;
        }
    }

    /** The kernel task id of the submitter thread, found by its comm. */
    private static long taskId() throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(task.resolve("comm")).trim().equals(SUBMITTER)) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        }
        throw new IOException("no task named " + SUBMITTER);
    }

    private static IoUring open(boolean cooperative) throws IoUringUnavailableException {
        IoUring ring;
        try {
            ring = new IoUring(IoUringSyscalls.kernel(), 8, true, cooperative);
        } catch (IoUringUnavailableException e) {
            Assumptions.abort("io_uring unavailable here: " + e.getMessage());
            throw e;
        }
        if (cooperative && (ring.setupFlags() & RingConstants.SETUP_COOP_TASKRUN) == 0) {
            ring.close();
            Assumptions.abort("this kernel has no COOP_TASKRUN (5.19+)");
        }
        return ring;
    }
}
