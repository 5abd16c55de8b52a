package io.loomring.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * A scheduler's counters, periodically (every 5 s by default): what {@code IoScheduler.stats()}
 * returns, and its carriers' totals. Counters only grow; {@code armed} is a gauge.
 */
@Name("io.loomring.SchedulerStatistics")
@Label("Loomring Scheduler Statistics")
@Category({"Loomring", "Scheduler"})
@Description("Counters of one Loomring scheduler")
@Period("5 s")
@StackTrace(false)
public final class SchedulerStatisticsEvent extends jdk.jfr.Event {
    @Label("Scheduler")
    @Description("Which scheduler: \"shared\" or the scheduler's number in this JVM")
    public String scheduler;

    @Label("Backend")
    public String backend;

    @Label("Kernel Calls")
    @Description("io_uring_enter or epoll_wait calls")
    public long kernelCalls;

    @Label("Submissions")
    @Description("Kernel requests submitted (SQEs, or epoll_ctl calls)")
    public long submissions;

    @Label("Completions")
    @Description("Completions reaped (CQEs, or epoll events)")
    public long completions;

    @Label("Stale Completions")
    @Description("Completions dropped because the wait they were for had ended")
    public long staleCompletions;

    @Label("Wakeups")
    @Description("Signals sent to wake a sleeping poller")
    public long wakeups;

    @Label("Overflow Flushes")
    @Description("Times a poller flushed completions that overflowed its completion queue")
    public long overflowFlushes;

    @Label("Armed Awaits")
    @Description("Waits armed in the kernel now")
    public long armedAwaits;

    @Label("Resubmitted")
    @Description("Requests submitted again after the kernel cancelled them at their submitter's exit")
    public long resubmitted;

    @Label("Receive Buffers Held")
    @Description("Provided buffers holding bytes no thread has read yet (multishot receives)")
    public long receiveBuffersHeld;

    @Label("Fixed Files")
    @Description("Sockets whose file a carrier's ring holds in its registered-file table")
    public long fixedFiles;

    @Label("Carriers")
    public int carriers;

    @Label("Carried Threads")
    @Description("Live threads of the scheduler's thread factory, over all carriers")
    public int carriedThreads;

    @Label("Carried Thread Moves")
    @Description("Carried threads moved to a less busy carrier")
    public long carriedThreadMoves;

    @Label("Carried Threads Released")
    @Description("Carried threads that computed for long and were handed to the JDK's scheduler")
    public long carriedThreadsReleased;
}
