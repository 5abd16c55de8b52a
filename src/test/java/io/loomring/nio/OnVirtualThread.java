package io.loomring.nio;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs each test method on a virtual thread of its own and bounds it: a body still running after
 * {@link #LIMIT} is interrupted (which closes a channel it is blocked in, JDK's or Loomring's) and
 * the test fails with that thread's stack. So every blocking channel call in a contract test is
 * bounded without a timeout at each call, and JUnit's {@code @Timeout}, which cannot wake a blocked
 * read, is not needed.
 */
final class OnVirtualThread implements InvocationInterceptor {
    static final Duration LIMIT = Duration.ofSeconds(40);

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        FutureTask<Void> task = new FutureTask<>(() -> {
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new java.lang.reflect.UndeclaredThrowableException(t);
            }
        });
        Thread body = Thread.ofVirtual().name("contract-" + call.getExecutable().getName()).start(task);
        try {
            task.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement frame : body.getStackTrace()) {
                stack.append("\n\tat ").append(frame);
            }
            body.interrupt();
            throw new AssertionError("still running after " + LIMIT + ", interrupted; it was at:" + stack);
        }
    }
}
