package io.loomring.jcstress.tests;

import io.loomring.files.ChannelWriteScenario;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The cancel-versus-completion race of a file channel's write ({@link ChannelWriteScenario}): a
 * virtual thread writes 16 bytes through a Loomring file channel while the kernel completes the
 * {@code WRITE} and another thread interrupts the writer, which closes the channel (the JDK's
 * rule) and cancels the write. The write either happened or did not, and the writer is told which:
 * the bytes its buffer's position moved by are the bytes the kernel wrote. The fd number is closed
 * once, and only after the write's final completion, so the kernel never writes through a closed
 * (maybe reused) fd.
 *
 * <p>Result: (bytes the writer was told of, or -1 if it never returned; bytes the kernel wrote;
 * times the fd was closed; 1 if the kernel wrote after the fd was closed). The broken twin
 * {@code io.loomring.jcstress.broken.FileWriteNaiveCloseTest} closes the fd at once instead.
 */
@JCStressTest
@Outcome(id = "16, 16, 1, 0", expect = Expect.ACCEPTABLE, desc = "written, and the writer was told")
@Outcome(id = "0, 0, 1, 0", expect = Expect.ACCEPTABLE_INTERESTING, desc = "cancelled (or closed) before the kernel wrote: nothing written, nothing told")
@Outcome(id = "-1, .*", expect = Expect.FORBIDDEN, desc = "the writer never returned")
@Outcome(id = "0, 16, .*", expect = Expect.FORBIDDEN, desc = "written but not told: a retry would write it twice")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "the kernel wrote through a closed fd")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else: told of bytes never written, or the fd closed twice or never")
@State
public class FileWriteCancelRaceTest {
    private final ChannelWriteScenario write = new ChannelWriteScenario();

    @Actor
    public void kernel() {
        write.kernelCompletes();
    }

    @Actor
    public void interrupter() {
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
