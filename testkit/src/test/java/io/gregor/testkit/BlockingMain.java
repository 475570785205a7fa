package io.gregor.testkit;

import java.util.concurrent.CountDownLatch;

/** A child-JVM main class for {@link ChildJvmTest}: announces itself, then blocks until killed or stopped. */
public final class BlockingMain {

    /** Printed once the child is running. */
    static final String READY = "blocking-main ready";
    /** Printed by the child's shutdown hook, i.e. only on a graceful stop (SIGTERM), never on SIGKILL. */
    static final String STOPPING = "blocking-main stopping";

    private BlockingMain() {
    }

    /**
     * Prints {@link #READY} with its arguments, the system property {@code child.greeting} and
     * whether {@code java.lang} is open to it, then blocks forever.
     *
     * @param args echoed on the ready line
     * @throws InterruptedException never in practice: nothing interrupts the main thread
     */
    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(STOPPING)));
        System.out.println(READY + " args=" + String.join(",", args)
                + " greeting=" + System.getProperty("child.greeting")
                + " java.lang-open=" + Object.class.getModule().isOpen("java.lang", BlockingMain.class.getModule()));
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
