package io.loomring.launch;

/** An application with an instance {@code main()} (no arguments), as Java 25 allows. */
final class InstanceMainApp {
    void main() {
        System.out.println("instance main virtual=" + Thread.currentThread().isVirtual());
    }
}
