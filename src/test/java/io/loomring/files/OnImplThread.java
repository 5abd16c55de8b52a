package io.loomring.files;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs each test method of a {@link FileChannelContract} on a thread of the kind its
 * implementation names ({@link FileImplUnderTest#call}): a carried thread, an ordinary virtual
 * thread or a platform thread. The body first checks that Loomring's calls take the path that kind
 * stands for. A failure on that thread is rethrown as the test's.
 */
final class OnImplThread implements InvocationInterceptor {
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        FileImplUnderTest under = ((FileChannelContract) call.getTarget().orElseThrow()).under;
        under.call(() -> {
            under.checkPath();
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new java.lang.reflect.UndeclaredThrowableException(t);
            }
        });
    }
}
