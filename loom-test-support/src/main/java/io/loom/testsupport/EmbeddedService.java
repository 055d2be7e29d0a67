package io.loom.testsupport;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle that {@link TestPostgres} and {@link TestKafka} share: a private directory, a server that
 * stops and starts again in place, a JVM-wide shared instance that {@link #close()} leaves alone, and a
 * shutdown hook that closes whatever a test forgot.
 *
 * <p>Design note: subclasses only say how their server starts, stops and is described; every lifecycle
 * method here holds this object's lock, and so does every call to the abstract methods.
 */
abstract class EmbeddedService implements AutoCloseable {
    final ServiceDirectories.InstanceDirectory directory;
    private final boolean isShared;
    private final boolean hookEnabled;
    private final Thread shutdownHook;
    private final Logger log = LoggerFactory.getLogger(getClass());
    private boolean closed; // guarded by this

    EmbeddedService(ServiceDirectories.InstanceDirectory directory, boolean isShared, boolean hookEnabled) {
        this.directory = directory;
        this.isShared = isShared;
        this.hookEnabled = hookEnabled;
        this.shutdownHook = new Thread(this::closeNow);
    }

    /** What the log lines call the server, for instance {@code PostgreSQL on 127.0.0.1:5432}. */
    abstract String describe();

    /** Where its files are, for the first start's log line, for instance {@code data in /some/dir}. */
    abstract String files();

    /** Whether the server runs now. */
    abstract boolean serverRunning();

    /**
     * Starts the server and waits until it serves.
     *
     * @throws IllegalStateException if it does not
     */
    abstract void startServer();

    /** Stops the running server. */
    abstract void stopServer();

    /** Once, before the first start: anything the server needs on disk. */
    void prepare() {}

    /** Once, after the first start. */
    void afterFirstStart() {}

    /** After a failed clean stop on {@link #close()}: makes sure nothing of the server is left running. */
    void stopForcibly() {}

    /** Starts the server for the first time; on failure everything is cleaned up and the failure rethrown. */
    final void launch() {
        if (hookEnabled) {
            shutdownHook.setName("loom-test-" + getClass().getSimpleName() + "-closer");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        try {
            long started = System.nanoTime();
            synchronized (this) {
                prepare();
                startServer();
                afterFirstStart();
            }
            log.info("{} started in {} ms ({})", describe(), millisSince(started), files());
        } catch (RuntimeException | Error e) {
            closeNow();
            removeShutdownHook();
            throw e;
        }
    }

    /**
     * For a subclass's {@code shared()}, under its class lock: the first time ({@code current} is null) the
     * instance {@code create} makes, launched; later {@code current}, started again if a test left it stopped.
     */
    static <S extends EmbeddedService> S sharedInstance(S current, Supplier<S> create) {
        if (current == null) {
            S started = create.get();
            started.launch();
            return started;
        }
        current.ensureRunning();
        return current;
    }

    /** Whether the server is running (false after {@link #stop()} or {@link #close()}). */
    public synchronized boolean isRunning() {
        return serverRunning();
    }

    /**
     * Stops the server and keeps its ports and its files for {@link #start()}. Does nothing if it is already
     * stopped.
     *
     * @throws IllegalStateException if the server did not stop, or this object is closed
     */
    public synchronized void stop() {
        requireOpen();
        if (!serverRunning()) {
            return;
        }
        long started = System.nanoTime();
        stopServer();
        log.info("{} stopped in {} ms", describe(), millisSince(started));
    }

    /**
     * Starts a stopped server again on the same ports with the same files. Does nothing if it is running.
     *
     * @throws IllegalStateException if the server did not start (for instance because another process took a
     *     port meanwhile), or this object is closed
     */
    public synchronized void start() {
        requireOpen();
        if (serverRunning()) {
            return;
        }
        long started = System.nanoTime();
        startServer();
        log.info("{} started again in {} ms", describe(), millisSince(started));
    }

    /** {@link #stop()} then {@link #start()}: same ports, same files. */
    public synchronized void restart() {
        stop();
        start();
    }

    /**
     * Stops the server and deletes its directory. Idempotent. On the shared instance this does nothing, since
     * other tests of the JVM use it; a shutdown hook closes that one.
     */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        closeNow();
        removeShutdownHook();
    }

    final boolean isShared() {
        return isShared;
    }

    /** Starts the server again if a test left it stopped (the shared instance). */
    final synchronized void ensureRunning() {
        if (!closed && !serverRunning()) {
            start();
        }
    }

    final void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (serverRunning()) {
                stopServer();
            }
        } catch (RuntimeException e) {
            log.warn("{} did not stop cleanly: {}", describe(), e.toString());
            stopForcibly();
        } finally {
            directory.delete();
        }
    }

    private void removeShutdownHook() {
        if (!hookEnabled) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /**
     * The settings that the builders of both services have. Not thread-safe; use it from one thread.
     *
     * @param <B> the concrete builder, which every setter returns
     */
    public abstract static class ServiceBuilder<B extends ServiceBuilder<B>> {
        Path baseDirectory = ServiceDirectories.defaultBaseDirectory();
        boolean shutdownHook = true;

        ServiceBuilder() {
        }

        /**
         * Whether a JVM shutdown hook stops the server (default true). Turn it off when the caller stops it
         * itself from its own shutdown hook, after the clients that still use it (hooks run concurrently).
         */
        public B shutdownHook(boolean enabled) {
            this.shutdownHook = enabled;
            return self();
        }

        /** Directory under which the server's own directory (and anything it unpacks) is placed. */
        public B baseDirectory(Path baseDirectory) {
            this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory").toAbsolutePath();
            return self();
        }

        @SuppressWarnings("unchecked") // B is the class of this object: only the two subclasses exist
        private B self() {
            return (B) this;
        }
    }
}
