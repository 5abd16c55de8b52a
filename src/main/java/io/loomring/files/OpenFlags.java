package io.loomring.files;

import io.loomring.ffm.FileCalls;
import io.loomring.ffm.LibC;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * The open options of a file channel as the JDK reads them on Linux: which ones combine, which
 * are refused, the {@code open(2)} flags they become, and the mode of a created file.
 *
 * @param read          opened for reading
 * @param write         opened for writing
 * @param append        every write goes to the end
 * @param deleteOnClose the file is unlinked right after the open, as the JDK does on Unix
 * @param direct        {@code ExtendedOpenOption.DIRECT}: O_DIRECT, aligned buffers and positions
 * @param flags         the {@code open(2)} flags
 * @param mode          the mode of a file the open creates
 */
record OpenFlags(boolean read, boolean write, boolean append, boolean deleteOnClose, boolean direct, int flags,
                 int mode) {
    /** {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, named so: the class is in {@code jdk.unsupported}. */
    private static final String DIRECT = "DIRECT";

    static OpenFlags of(Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
        boolean read = false, write = false, append = false, truncate = false, create = false, createNew = false;
        boolean deleteOnClose = false, sync = false, dsync = false, noFollow = false, direct = false;
        for (OpenOption o : options) {
            Objects.requireNonNull(o); // the JDK says no more
            if (o instanceof StandardOpenOption s) {
                switch (s) {
                    case READ -> read = true;
                    case WRITE -> write = true;
                    case APPEND -> append = true;
                    case TRUNCATE_EXISTING -> truncate = true;
                    case CREATE -> create = true;
                    case CREATE_NEW -> createNew = true;
                    case DELETE_ON_CLOSE -> deleteOnClose = true;
                    case SPARSE -> { } // a hint the JDK ignores on Linux too
                    case SYNC -> sync = true;
                    case DSYNC -> dsync = true;
                }
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                noFollow = true;
            } else if (o.getClass().getName().equals("com.sun.nio.file.ExtendedOpenOption") && o.toString().equals(DIRECT)) {
                direct = true;
            } else {
                throw new UnsupportedOperationException(o + " not supported");
            }
        }
        if (!read && !write) {
            if (append) {
                write = true;
            } else {
                read = true;
            }
        }
        if (read && append) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        int flags = (read && write ? FileCalls.O_RDWR : write ? FileCalls.O_WRONLY : FileCalls.O_RDONLY)
                | LibC.O_CLOEXEC; // the fd does not leak into processes the application starts
        if (write) {
            flags |= truncate ? FileCalls.O_TRUNC : 0;
            flags |= append ? FileCalls.O_APPEND : 0;
            flags |= createNew ? FileCalls.O_CREAT | FileCalls.O_EXCL : create ? FileCalls.O_CREAT : 0;
        }
        if (!createNew && (noFollow || deleteOnClose)) {
            flags |= FileCalls.O_NOFOLLOW; // as the JDK: a file to delete on close is never a link's target
        }
        flags |= dsync ? FileCalls.O_DSYNC : 0;
        flags |= sync ? FileCalls.O_SYNC : 0;
        flags |= direct ? FileCalls.O_DIRECT : 0;
        return new OpenFlags(read, write, append, deleteOnClose, direct, flags, mode(attrs));
    }

    /** True when opening must refuse a path ending in "." with CREATE_NEW, as the JDK does (EEXIST). */
    boolean createsNew() {
        return (flags & FileCalls.O_EXCL) != 0;
    }

    boolean noFollow() {
        return (flags & FileCalls.O_NOFOLLOW) != 0;
    }

    private static int mode(FileAttribute<?>... attrs) {
        int mode = 0666;
        for (FileAttribute<?> a : attrs) {
            String name = a.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' not supported as initial attribute");
            }
            mode = 0;
            for (Object p : (Set<?>) a.value()) {
                mode |= bit((PosixFilePermission) p);
            }
        }
        return mode;
    }

    private static int bit(PosixFilePermission p) {
        return switch (p) {
            case OWNER_READ -> 0400;
            case OWNER_WRITE -> 0200;
            case OWNER_EXECUTE -> 0100;
            case GROUP_READ -> 040;
            case GROUP_WRITE -> 020;
            case GROUP_EXECUTE -> 010;
            case OTHERS_READ -> 04;
            case OTHERS_WRITE -> 02;
            case OTHERS_EXECUTE -> 01;
        };
    }
}
