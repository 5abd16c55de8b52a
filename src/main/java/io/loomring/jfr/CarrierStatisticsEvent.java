package io.loomring.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One carrier's load, periodically, beside its scheduler's {@link SchedulerStatisticsEvent}. */
@Name("io.loomring.CarrierStatistics")
@Label("Loomring Carrier Statistics")
@Category({"Loomring", "Scheduler"})
@Description("Threads and busy time of one carrier")
@Period("5 s")
@StackTrace(false)
public final class CarrierStatisticsEvent extends jdk.jfr.Event {
    @Label("Scheduler")
    @Description("Which scheduler: \"shared\" or the scheduler's number in this JVM")
    public String scheduler;

    @Label("Carrier")
    @Description("Index of the carrier in its scheduler")
    public int carrier;

    @Label("Carried Threads")
    @Description("Live threads of the scheduler's thread factory placed on this carrier")
    public int carriedThreads;

    @Label("Busy Time")
    @Description("Time this carrier ran carried threads since it started")
    @Timespan(Timespan.NANOSECONDS)
    public long busyTime;
}
