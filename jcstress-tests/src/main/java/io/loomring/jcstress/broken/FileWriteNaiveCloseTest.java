package io.loomring.jcstress.broken;

import io.loomring.files.ChannelWriteScenario;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.FileWriteCancelRaceTest}: the interrupter closes
 * the fd number at once and then cancels ({@link ChannelWriteScenario#naiveClose}), as a close that
 * ignored calls in flight would, before it interrupts the writer. The kernel, whose write was
 * already under way, then writes through a closed fd (another file's, once the number is reused).
 * Expected to report the forbidden {@code "16, 16, .*, 1"}.
 */
@JCStressTest
@Outcome(id = "0, 0, .*, 0", expect = Expect.ACCEPTABLE, desc = "the cancel took effect first")
@Outcome(id = "16, 16, .*, 0", expect = Expect.ACCEPTABLE, desc = "written before the close")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "the kernel wrote through a closed fd")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class FileWriteNaiveCloseTest {
    private final ChannelWriteScenario write = new ChannelWriteScenario();

    @Actor
    public void kernel() {
        write.kernelCompletes();
    }

    @Actor
    public void closer() {
        write.naiveClose();
        write.writer().interrupt();
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r1 = write.join() == ChannelWriteScenario.HUNG ? -1 : write.told();
        r.r2 = write.written();
        r.r3 = write.closes();
        r.r4 = write.writtenAfterClose() ? 1 : 0;
    }
}
