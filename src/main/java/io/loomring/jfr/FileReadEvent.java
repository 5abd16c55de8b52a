package io.loomring.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;

/** A read from a Loomring file channel: the fields of {@code jdk.FileRead}. */
@Name("io.loomring.FileRead")
@Label("Loomring File Read")
@Category({"Loomring", "File System"})
@Description("Reading data from a file through Loomring's file channel")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(true)
public final class FileReadEvent extends jdk.jfr.Event {
    @Label("Path")
    @Description("Full path of the file, or empty when unknown")
    String path;

    @Label("Bytes Read")
    @Description("Number of bytes read from the file (possibly 0)")
    @DataAmount
    long bytesRead;

    @Label("End of File")
    @Description("If end of file was reached")
    boolean endOfFile;

    /** Sets the fields when the settings want this event: true then, and the caller commits it. */
    boolean fill(Object file, long n) {
        end(); // a throttled event decides only once its duration is fixed
        if (!shouldCommit()) {
            return false;
        }
        path = file == null ? "" : file.toString();
        bytesRead = Math.max(0, n);
        endOfFile = n < 0;
        return true;
    }
}
