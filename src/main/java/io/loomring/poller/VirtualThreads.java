package io.loomring.poller;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.util.concurrent.Executor;

/**
 * What carrying virtual threads needs from the JDK beyond its public API, reached by reflection
 * into {@code java.lang} (JDK 25 has no public virtual-thread scheduler API):
 * <ul>
 *   <li>the package-private constructor {@code ThreadBuilders.VirtualThreadBuilder(Executor)}: real
 *       virtual threads (thread locals, interrupts, JFR, thread dumps) whose continuations are
 *       handed to an executor of ours;</li>
 *   <li>{@code Thread.currentCarrierThread()}: which platform thread the caller runs on, so a
 *       carrier recognises the threads it carries with one intrinsic call;</li>
 *   <li>{@code VirtualThread.carrierThread}: where a virtual thread is mounted, for stall reports;</li>
 *   <li>{@code VirtualThread.scheduler}, written by the thread itself while it runs: a carried
 *       thread moving to another carrier between two I/O calls ({@link #reschedule}), or an
 *       ordinary one moving to the carriers; and read, to tell which of these a thread is
 *       ({@link #schedulerOf}).</li>
 * </ul>
 * All of it needs {@code java.lang} opened to Loomring ({@value #FLAG} on the class path). Where
 * it is not, {@link #unavailableReason()} says why, and no thread is carried.
 *
 * <p>A virtual thread started by a carried thread inherits its scheduler (the JDK's rule), so it
 * is carried by the same carrier. The JDK's own I/O poller threads are virtual threads too, started
 * on first use; this class makes sure that first use happens here, on an ordinary thread, so they
 * keep the JDK's default scheduler.
 */
public final class VirtualThreads {
    /** What a user adds to the command line to let Loomring carry virtual threads. */
    public static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final MethodHandle NEW_BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final VarHandle CARRIER_OF;
    private static final MethodHandle SET_SCHEDULER;
    /** {@code VirtualThread.scheduler}, read. */
    private static final VarHandle SCHEDULER;
    /** {@code VirtualThread.state}: a continuation handed over while its thread is new is a start. */
    private static final VarHandle STATE;
    /** The JDK's default scheduler of virtual threads, or null where it cannot be reached. */
    private static final Executor DEFAULT_SCHEDULER;
    /** {@code VirtualThread.STARTED}: started, its continuation not run yet. */
    private static final int STARTED = 1;
    /** The thread a continuation (the JDK's bound {@code runContinuation}) belongs to, per class. */
    private static final ClassValue<VarHandle> THREAD_OF = new ClassValue<>() {
        @Override
        protected VarHandle computeValue(Class<?> type) {
            return threadField(type);
        }
    };
    private static final String UNAVAILABLE;

    static {
        MethodHandle builder = null;
        MethodHandle current = null;
        VarHandle carrierOf = null;
        MethodHandle setScheduler = null;
        VarHandle scheduler = null;
        VarHandle state = null;
        Executor defaultScheduler = null;
        String why = null;
        try {
            Class<?> type = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> constructor = type.getDeclaredConstructor(Executor.class);
            constructor.setAccessible(true);
            builder = MethodHandles.lookup().unreflectConstructor(constructor)
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            MethodHandles.Lookup lang = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            current = lang.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            Class<?> virtual = Class.forName("java.lang.VirtualThread");
            carrierOf = MethodHandles.privateLookupIn(virtual, MethodHandles.lookup())
                    .findVarHandle(virtual, "carrierThread", Thread.class);
            setScheduler = schedulerSetter(virtual);
            scheduler = MethodHandles.privateLookupIn(virtual, MethodHandles.lookup())
                    .findVarHandle(virtual, "scheduler", Executor.class);
            state = MethodHandles.privateLookupIn(virtual, MethodHandles.lookup())
                    .findVarHandle(virtual, "state", int.class);
            defaultScheduler = defaultScheduler(virtual);
            startJdkPollers();
        } catch (InaccessibleObjectException | IllegalAccessException e) {
            builder = null;
            why = "java.lang is not open to Loomring (run with " + FLAG
                    + ", or --add-opens java.base/java.lang=io.loomring on the module path)";
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            builder = null;
            why = "this JDK offers no virtual-thread builder with a scheduler (" + e + ")";
        }
        NEW_BUILDER = builder;
        CURRENT_CARRIER = builder == null ? null : current;
        CARRIER_OF = builder == null ? null : carrierOf;
        SET_SCHEDULER = builder == null ? null : setScheduler;
        SCHEDULER = builder == null ? null : scheduler;
        STATE = builder == null ? null : state;
        DEFAULT_SCHEDULER = builder == null ? null : defaultScheduler;
        UNAVAILABLE = why;
    }

    private VirtualThreads() {}

    /**
     * A setter of the final field {@code VirtualThread.scheduler} (only one unreflected from an
     * accessible {@code Field} may write a final field), or null where the JVM refuses it (a JDK
     * that forbids writing final fields): carried threads then never move.
     */
    private static MethodHandle schedulerSetter(Class<?> virtual) {
        try {
            java.lang.reflect.Field scheduler = virtual.getDeclaredField("scheduler");
            scheduler.setAccessible(true);
            return MethodHandles.lookup().unreflectSetter(scheduler)
                    .asType(MethodType.methodType(void.class, Thread.class, Executor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** {@code VirtualThread.DEFAULT_SCHEDULER}, or null where this JDK has none by that name. */
    private static Executor defaultScheduler(Class<?> virtual) {
        try {
            return (Executor) MethodHandles.privateLookupIn(virtual, MethodHandles.lookup())
                    .findStaticVarHandle(virtual, "DEFAULT_SCHEDULER", java.util.concurrent.ForkJoinPool.class).get();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** True when carried threads can move to another carrier ({@link #reschedule}). */
    public static boolean canReschedule() {
        return SET_SCHEDULER != null;
    }

    /** Null when carried virtual threads can be built, else why not. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /**
     * A builder of virtual threads whose continuations go to {@code scheduler}.
     *
     * @throws IllegalStateException when {@link #unavailableReason()} is not null
     */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (NEW_BUILDER == null) {
            throw new IllegalStateException("carried virtual threads unavailable: " + UNAVAILABLE);
        }
        try {
            return (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot build a carried virtual thread", t);
        }
    }

    /**
     * An unstarted virtual thread on the JDK's default scheduler, whoever calls: a virtual thread
     * built by a carried thread would inherit its carrier, so then it is built on a platform thread.
     */
    public static Thread unstartedOnDefaultScheduler(String name, Runnable task) {
        Thread.Builder.OfVirtual builder = Thread.ofVirtual().name(name).inheritInheritableThreadLocals(false);
        if (!Thread.currentThread().isVirtual()) {
            return builder.unstarted(task);
        }
        Thread[] built = new Thread[1];
        onPlatformThread("loomring-thread-builder", () -> built[0] = builder.unstarted(task));
        return built[0];
    }

    /** Runs {@code action} on a new platform thread and waits for it to end. */
    private static void onPlatformThread(String name, Runnable action) {
        Threads.joinUninterruptibly(Thread.ofPlatform().daemon().name(name).start(action));
    }

    /** The platform thread the caller runs on: itself, or a virtual thread's carrier. */
    public static Thread currentCarrier() {
        if (CURRENT_CARRIER == null) {
            return Thread.currentThread();
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Makes {@code scheduler} the scheduler of the calling virtual thread, which must be carried:
     * from its next park or yield on, its continuation goes there. Only the thread itself may call
     * this, while it runs: nobody submits a running thread's continuation, so no submission reads
     * the field halfway.
     *
     * @throws IllegalStateException when carried threads are unavailable or the caller is not virtual
     */
    public static void reschedule(Executor scheduler) {
        Thread self = Thread.currentThread();
        if (SET_SCHEDULER == null || !self.isVirtual()) {
            throw new IllegalStateException("only a carried virtual thread can move: " + self);
        }
        setScheduler(self, scheduler);
    }

    /**
     * The thread of {@code continuation} when it is a virtual thread's first hand-over (its start),
     * else null (also for a JDK whose continuations look otherwise). A started thread holds nothing
     * of any carrier yet, so it can go anywhere.
     */
    public static Thread startingThread(Runnable continuation) {
        Thread thread = threadOf(continuation);
        return thread != null && (int) STATE.getVolatile(thread) == STARTED ? thread : null;
    }

    /** The virtual thread whose continuation {@code continuation} is, or null when unknown. */
    public static Thread threadOf(Runnable continuation) {
        if (STATE == null) {
            return null;
        }
        VarHandle owner = THREAD_OF.get(continuation.getClass());
        return owner == null ? null : (Thread) owner.get(continuation);
    }

    /** The scheduler of virtual thread {@code vthread} now, or null where it cannot be read. */
    public static Executor schedulerOf(Thread vthread) {
        return SCHEDULER == null ? null : (Executor) SCHEDULER.get(vthread);
    }

    /** The JDK's default scheduler of virtual threads, or null where it cannot be reached. */
    public static Executor defaultScheduler() {
        return DEFAULT_SCHEDULER;
    }

    /**
     * Makes {@code scheduler} the scheduler of {@code starting}, a thread whose start is being
     * handed over by the caller ({@link #startingThread}): nobody else submits it meanwhile.
     */
    public static void rescheduleStarting(Thread starting, Executor scheduler) {
        setScheduler(starting, scheduler);
    }

    private static void setScheduler(Thread thread, Executor scheduler) {
        try {
            SET_SCHEDULER.invokeExact(thread, scheduler);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot move " + thread, t);
        }
    }

    /** The field of a continuation class that holds its virtual thread, or null. */
    private static VarHandle threadField(Class<?> type) {
        if (!type.isHidden() || !type.getName().startsWith("java.lang.VirtualThread$$")) {
            return null;
        }
        try {
            Class<?> virtual = Class.forName("java.lang.VirtualThread");
            for (java.lang.reflect.Field f : type.getDeclaredFields()) {
                if (f.getType() == virtual) {
                    return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                            .findVarHandle(type, f.getName(), virtual);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not the shape we know: starts stay where they are
        }
        return null;
    }

    /** The carrier {@code vthread} is mounted on now, or null (also when unknown). */
    public static Thread carrierOf(Thread vthread) {
        if (CARRIER_OF == null || !vthread.isVirtual()) {
            return null;
        }
        return (Thread) CARRIER_OF.getOpaque(vthread);
    }

    /**
     * Initialises the JDK's I/O poller (its sub-pollers are virtual threads started then) on an
     * ordinary platform thread, before any thread is carried: started from a carried thread they
     * would inherit its carrier as their scheduler.
     */
    private static void startJdkPollers() {
        // Not a lambda: its body would wait for this class's initialisation, which waits for it.
        onPlatformThread("loomring-jdk-poller-init", new JdkPollerInit());
    }

    private static final class JdkPollerInit implements Runnable {
        @Override
        public void run() {
            try {
                Class.forName("sun.nio.ch.Poller", true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // an older or different JDK: nothing to prepare
            }
        }
    }
}
