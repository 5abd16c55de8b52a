package io.loomring.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;

/** A write to a Loomring file channel: the fields of {@code jdk.FileWrite}. */
@Name("io.loomring.FileWrite")
@Label("Loomring File Write")
@Category({"Loomring", "File System"})
@Description("Writing data to a file through Loomring's file channel")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(true)
public final class FileWriteEvent extends jdk.jfr.Event {
    @Label("Path")
    @Description("Full path of the file, or empty when unknown")
    String path;

    @Label("Bytes Written")
    @Description("Number of bytes written to the file")
    @DataAmount
    long bytesWritten;

    /** Sets the fields when the settings want this event: true then, and the caller commits it. */
    boolean fill(Object file, long n) {
        end(); // a throttled event decides only once its duration is fixed
        if (!shouldCommit()) {
            return false;
        }
        path = file == null ? "" : file.toString();
        bytesWritten = Math.max(0, n);
        return true;
    }
}
