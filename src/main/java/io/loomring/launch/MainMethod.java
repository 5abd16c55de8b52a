package io.loomring.launch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * An application's entry point, found as the {@code java} launcher finds it: {@code main(String[])}
 * before {@code main()}, static before instance (an instance one on an object made with the
 * class's no-argument constructor), and neither private; inherited ones count.
 */
final class MainMethod {
    private final Class<?> type;
    private final Method method;

    private MainMethod(Class<?> type, Method method) {
        this.type = type;
        this.method = method;
    }

    /**
     * Finds the entry point of {@code type}.
     *
     * @throws LaunchException when it has none the launcher could run
     */
    static MainMethod of(Class<?> type) {
        Method withArgs = find(type, String[].class);
        Method noArgs = find(type, null);
        Method chosen = withArgs != null ? withArgs : noArgs;
        if (withArgs != null && noArgs != null && Modifier.isStatic(noArgs.getModifiers())
                && !Modifier.isStatic(withArgs.getModifiers())) {
            chosen = noArgs; // a static main wins over an instance one
        }
        if (chosen == null) {
            throw new LaunchException("no main method in class " + type.getName()
                    + ": declare one as static void main(String[] args) or void main()");
        }
        if (!Modifier.isStatic(chosen.getModifiers()) && Modifier.isAbstract(type.getModifiers())) {
            throw new LaunchException("class " + type.getName() + " is abstract: its instance main cannot run");
        }
        chosen.setAccessible(true); // a non-public main of a non-public class, as the java launcher allows
        return new MainMethod(type, chosen);
    }

    /** A non-private {@code main} with the one parameter type (or none), here or inherited. */
    private static Method find(Class<?> type, Class<?> parameter) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method m = parameter == null ? c.getDeclaredMethod("main") : c.getDeclaredMethod("main", parameter);
                if (!Modifier.isPrivate(m.getModifiers()) && m.getReturnType() == void.class) {
                    return m;
                }
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        return null;
    }

    /** Runs it; what it throws comes out unwrapped. */
    void invoke(String[] args) throws Exception {
        Object target = null;
        if (!Modifier.isStatic(method.getModifiers())) {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            target = constructor.newInstance();
        }
        try {
            if (method.getParameterCount() == 1) {
                method.invoke(target, (Object) args);
            } else {
                method.invoke(target);
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
