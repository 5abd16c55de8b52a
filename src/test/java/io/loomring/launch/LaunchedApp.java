package io.loomring.launch;

import io.loomring.IoScheduler;
import java.nio.channels.spi.SelectorProvider;

/**
 * The application {@link LaunchTest} runs under the launcher: prints what it sees (its thread, the
 * thread it starts, the NIO provider, its arguments), then fails when its first argument is
 * {@code fail}.
 */
public final class LaunchedApp {
    private LaunchedApp() {}

    public static void main(String[] args) throws Exception {
        IoScheduler io = IoScheduler.shared();
        System.out.println("main name=" + Thread.currentThread().getName() + " virtual="
                + Thread.currentThread().isVirtual() + " carried=" + io.carriesCurrentThread());
        boolean[] childCarried = new boolean[1];
        Thread child = Thread.ofVirtual().start(() -> childCarried[0] = io.carriesCurrentThread());
        child.join();
        System.out.println("child carried=" + childCarried[0]);
        System.out.println("provider=" + SelectorProvider.provider().getClass().getName());
        System.out.println("args=" + String.join(",", args));
        System.out.println("loader=" + (Thread.currentThread().getContextClassLoader() == LaunchedApp.class.getClassLoader()));
        if (args.length > 0 && args[0].equals("fail")) {
            throw new java.io.IOException("failed on purpose");
        }
    }
}
