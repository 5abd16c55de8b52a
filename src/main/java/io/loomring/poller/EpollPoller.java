package io.loomring.poller;

import java.io.IOException;

/**
 * The epoll backend (placeholder until it lands).
 */
public final class EpollPoller extends Poller {
    /** A poller over a new epoll set. */
    public EpollPoller() {
        super("loomring-epoll-poller");
    }

    @Override
    protected void open(int wakeFd) throws IOException {
        throw new IOException("the epoll backend is not available yet");
    }

    @Override
    protected void arm(Waiter w) {}

    @Override
    protected void disarm(Waiter w) {}

    @Override
    protected void cancelFd(int fd) {}

    @Override
    protected void pollKernel(boolean block) {}

    @Override
    protected void releaseAll(int outcome) {}

    @Override
    protected void closeKernel() {}

    @Override
    public int armedCount() {
        return 0;
    }
}
