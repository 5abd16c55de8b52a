package io.loomring.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scheduler's own events: a carrier stall (a carried thread pinned in a native sleep for
 * {@value #STALL_MILLIS} ms) with its thread, stack and time away; and the periodic counters of
 * the scheduler and of each carrier. Both backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrSchedulerEventsTest {
    private static final long STALL_MILLIS = 2500;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aStalledCarrierIsRecordedWithItsThreadAndStack(Backend backend, @TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(backend);
        MethodHandle usleep = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().findOrThrow("usleep"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        String threadName = "stalls-its-carrier-" + backend;
        List<RecordedEvent> events;
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).build();
                Recording recording = new Recording()) {
            recording.enable("io.loomring.CarrierStall");
            recording.start();
            Thread stalling = io.threadFactory(threadName).newThread(() -> sleepPinned(usleep, STALL_MILLIS));
            stalling.start();
            stalling.join();
            // The monitor sees the carrier back at its next look (once a second).
            Thread.sleep(1500);
            events = JfrEventsTest.stop(recording, dir);
        }
        RecordedEvent stall = JfrEventsTest.only(events, "io.loomring.CarrierStall",
                e -> e.getThread("stallingThread") != null
                        && e.getThread("stallingThread").getJavaName().startsWith(threadName));
        RecordedThread thread = stall.getThread("stallingThread");
        assertTrue(thread.isVirtual(), "a carried thread is virtual");
        assertTrue(stall.getString("carrier").startsWith("loomring-"), stall.getString("carrier"));
        assertTrue(stall.getString("stallingStack").contains(JfrSchedulerEventsTest.class.getName() + ".sleepPinned"),
                stall.getString("stallingStack"));
        long away = stall.getLong("timeAway");
        assertTrue(away >= TimeUnit.MILLISECONDS.toNanos(1000) && away <= TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS + 2500),
                "time away: " + Duration.ofNanos(away));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void countersAreRecordedPeriodically(Backend backend, @TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(backend);
        List<RecordedEvent> events;
        long enters;
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).build();
                Recording recording = new Recording()) {
            recording.enable("io.loomring.SchedulerStatistics").withPeriod(Duration.ofMillis(200));
            recording.enable("io.loomring.CarrierStatistics").withPeriod(Duration.ofMillis(200));
            recording.start();
            Thread carried = io.threadFactory("counted").newThread(() -> {
                try {
                    Thread.sleep(1200); // keeps one carried thread alive while the events are taken
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            carried.start();
            carried.join();
            enters = io.stats().enters();
            events = JfrEventsTest.stop(recording, dir);
        }
        String backendName = backend.name();
        List<RecordedEvent> schedulers = JfrEventsTest.all(events, "io.loomring.SchedulerStatistics",
                e -> backendName.equals(e.getString("backend")) && e.getInt("carriers") == 2
                        && e.getInt("carriedThreads") == 1);
        assertTrue(schedulers.size() >= 2, "periodic scheduler events while the thread lived: " + schedulers.size());
        RecordedEvent last = schedulers.get(schedulers.size() - 1);
        String name = last.getString("scheduler");
        assertTrue(name.matches("\\d+"), "a scheduler of one's own is numbered: " + name);
        assertTrue(last.getLong("kernelCalls") > 0 && last.getLong("kernelCalls") <= enters,
                last.getLong("kernelCalls") + " kernel calls, " + enters + " at the end");
        assertTrue(last.getLong("submissions") >= 0 && last.getLong("armedAwaits") >= 0);
        List<RecordedEvent> carriers = JfrEventsTest.all(events, "io.loomring.CarrierStatistics",
                e -> name.equals(e.getString("scheduler")));
        assertTrue(carriers.stream().anyMatch(e -> e.getInt("carrier") == 0), carriers.toString());
        assertTrue(carriers.stream().anyMatch(e -> e.getInt("carrier") == 1), carriers.toString());
        assertEquals(1, carriers.stream().mapToInt(e -> e.getInt("carriedThreads")).max().orElse(0),
                "the one carried thread, on one carrier");
    }

    private static void sleepPinned(MethodHandle usleep, long millis) {
        try {
            int ret = (int) usleep.invokeExact((int) TimeUnit.MILLISECONDS.toMicros(millis));
            if (ret != 0) {
                throw new IllegalStateException("usleep: " + ret);
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
