package io.loomring.ffm;

/**
 * Linux errno values used by Loomring, and their text for exception messages.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int EBADR = 53;
    public static final int ETIME = 62;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOBUFS = 105;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    /** A short text such as {@code "EBADF (Bad file descriptor)"}. */
    public static String describe(int errno) {
        String text = switch (errno) {
            case EPERM -> "EPERM (Operation not permitted)";
            case ENOENT -> "ENOENT (No such file or directory)";
            case EINTR -> "EINTR (Interrupted system call)";
            case EIO -> "EIO (Input/output error)";
            case EBADF -> "EBADF (Bad file descriptor)";
            case EAGAIN -> "EAGAIN (Resource temporarily unavailable)";
            case ENOMEM -> "ENOMEM (Cannot allocate memory)";
            case EACCES -> "EACCES (Permission denied)";
            case EFAULT -> "EFAULT (Bad address)";
            case EBUSY -> "EBUSY (Device or resource busy)";
            case EEXIST -> "EEXIST (File exists)";
            case EINVAL -> "EINVAL (Invalid argument)";
            case EMFILE -> "EMFILE (Too many open files)";
            case ENOSPC -> "ENOSPC (No space left on device)";
            case EPIPE -> "EPIPE (Broken pipe)";
            case ENOSYS -> "ENOSYS (Function not implemented)";
            case EBADR -> "EBADR (Invalid request descriptor)";
            case ETIME -> "ETIME (Timer expired)";
            case EOPNOTSUPP -> "EOPNOTSUPP (Operation not supported)";
            case ENOBUFS -> "ENOBUFS (No buffer space available)";
            case EADDRINUSE -> "EADDRINUSE (Address already in use)";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL (Cannot assign requested address)";
            case ENETUNREACH -> "ENETUNREACH (Network is unreachable)";
            case ECONNABORTED -> "ECONNABORTED (Software caused connection abort)";
            case ECONNRESET -> "ECONNRESET (Connection reset by peer)";
            case ENOTCONN -> "ENOTCONN (Transport endpoint is not connected)";
            case ETIMEDOUT -> "ETIMEDOUT (Connection timed out)";
            case ECONNREFUSED -> "ECONNREFUSED (Connection refused)";
            case EHOSTUNREACH -> "EHOSTUNREACH (No route to host)";
            case EALREADY -> "EALREADY (Operation already in progress)";
            case EINPROGRESS -> "EINPROGRESS (Operation now in progress)";
            case ECANCELED -> "ECANCELED (Operation canceled)";
            default -> null;
        };
        return text != null ? text : "errno " + errno;
    }

    /**
     * The errno's text first, then its name, for exception messages: {@code "Connection reset by
     * peer (ECONNRESET)"}; {@code "errno N"} for an errno this table does not name.
     */
    public static String message(int errno) {
        return message(describe(errno));
    }

    /** Turns a {@code "NAME (text)"} description into {@code "text (NAME)"}; anything else unchanged. */
    public static String message(String description) {
        int open = description.indexOf(" (");
        if (open < 0 || !description.endsWith(")")) {
            return description;
        }
        String name = description.substring(0, open);
        return description.substring(open + 2, description.length() - 1) + " (" + name + ")";
    }
}
