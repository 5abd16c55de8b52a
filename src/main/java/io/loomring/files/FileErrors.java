package io.loomring.files;

import io.loomring.ffm.Errno;
import io.loomring.ffm.FileCalls;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** The JDK's file exceptions for an errno: those of the path a call names, and those of a channel's calls. */
final class FileErrors {
    private FileErrors() {}

    static final int ELOOP = 40;

    /** What opening {@code path} failed with, as the JDK's file system says it. */
    static IOException ofPath(int errno, String path) {
        return switch (errno) {
            case Errno.EACCES -> new AccessDeniedException(path); // EPERM is not, as in the JDK
            case Errno.ENOENT -> new NoSuchFileException(path);
            case Errno.EEXIST -> new FileAlreadyExistsException(path);
            case ELOOP -> new FileSystemException(path, null,
                    FileCalls.strerror(errno) + " or unable to access attributes of symbolic link");
            default -> new FileSystemException(path, null, FileCalls.strerror(errno));
        };
    }

    /** What a read, write, sync or truncate failed with: an {@link IOException} with libc's text. */
    static IOException ofCall(int errno) {
        return new IOException(FileCalls.strerror(errno));
    }
}
