package io.loom.mapping.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration tables for changes and asks for a refresh, from one daemon thread.
 *
 * <p>Design note: the thread holds a dedicated connection (never one from the pool) that LISTENs on
 * {@value #CHANNEL}; it waits in {@link PGConnection#getNotifications(int)} with a short timeout, so it
 * also notices {@link #close()} and due work quickly. Every notification opens (or extends) a quiet
 * period; when no further notification came for {@code debounce} (or {@code maxDelay} passed since the
 * first), one refresh is requested. Every {@code pollInterval} the thread reads the revision counter, on
 * the LISTEN connection while it is up (which also proves the connection alive) or through the pool while
 * it is down; a revision newer than the loaded one requests a refresh at once. That poll is the fallback
 * when notifications cannot be had (LISTEN disabled, the connection refused, a pooler without LISTEN) and
 * catches notifications lost while the connection was down; after a reconnect it runs at once. A lost
 * connection is retried with exponential backoff (up to {@code maxBackoff}); an outage is logged when it
 * starts and when it ends, not at every attempt.
 */
public final class ChangeWatcher implements AutoCloseable {
  /** The notification channel of the configuration tables. */
  public static final String CHANNEL = "loom_config_changed";

  /** The {@code application_name} of the LISTEN connection, as seen in {@code pg_stat_activity}. */
  public static final String APPLICATION_NAME = "loom-config-listener";

  private static final Logger LOG = LoggerFactory.getLogger(ChangeWatcher.class);
  private static final long WAIT_SLICE_MILLIS = 200;

  /** Opens the LISTEN connection. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  /** How the watcher currently learns of changes. */
  public enum Mode {
    /** Not started yet, or closed. */
    STOPPED,
    /** LISTEN is up; the revision is checked now and then as well. */
    LISTENING,
    /** No LISTEN connection: the revision counter is polled. */
    POLLING
  }

  private final ConnectionFactory listenConnections;
  private final DataSource pool;
  private final long debounceNanos;
  private final long maxDelayNanos;
  private final long pollNanos;
  private final long minBackoffNanos;
  private final long maxBackoffNanos;
  private final LongSupplier loadedRevision;
  private final Runnable refresh;
  private final String description;
  private final Thread thread;
  private final Object monitor = new Object();

  private final AtomicLong notifications = new AtomicLong();
  private final AtomicLong refreshesRequested = new AtomicLong();
  private volatile boolean closed;
  private volatile Mode mode = Mode.STOPPED;

  // Owned by the watcher thread.
  private Connection connection;
  private long seenRevision = -1;
  private long requestedRevision = -1;
  private long firstEventAt;
  private long lastEventAt;
  private boolean pending;
  private boolean pendingImmediately;
  private boolean listenOutage;
  private long outageStartedAt;
  private int failedAttempts;
  private long backoffNanos;
  private long nextConnectAt;
  private boolean pollOutage;

  /**
   * @param listenConnections opens the LISTEN connection, or {@code null} to poll only
   * @param pool where the revision is read while there is no LISTEN connection
   * @param loadedRevision the revision of the snapshot currently served (before one is loaded: the revision
   *     when watching started), or -1 if unknown
   * @param refresh requests a refresh; called from the watcher thread, must not block for long
   */
  public ChangeWatcher(
      ConnectionFactory listenConnections,
      DataSource pool,
      Duration debounce,
      Duration maxDelay,
      Duration pollInterval,
      Duration maxBackoff,
      LongSupplier loadedRevision,
      Runnable refresh,
      String description) {
    this.listenConnections = listenConnections;
    this.pool = pool;
    this.debounceNanos = debounce.toNanos();
    this.maxDelayNanos = Math.max(maxDelay.toNanos(), debounceNanos);
    this.pollNanos = pollInterval.toNanos();
    this.minBackoffNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(100), maxBackoff.toNanos());
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.backoffNanos = minBackoffNanos;
    this.loadedRevision = loadedRevision;
    this.refresh = refresh;
    this.description = description;
    this.thread = new Thread(this::run, "loom-config-watcher");
    this.thread.setDaemon(true);
  }

  /** Starts the thread. */
  public void start() {
    mode = listenConnections == null ? Mode.POLLING : Mode.STOPPED;
    nextConnectAt = System.nanoTime();
    thread.start();
  }

  public Mode mode() {
    return mode;
  }

  /** Notifications received on the channel so far. */
  public long notifications() {
    return notifications.get();
  }

  /** Refreshes requested so far. */
  public long refreshesRequested() {
    return refreshesRequested.get();
  }

  /** Stops the thread and closes the LISTEN connection; idempotent. Waits up to 5 s for the thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (monitor) {
      monitor.notifyAll();
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    mode = Mode.STOPPED;
  }

  private void run() {
    long nextCheckAt = System.nanoTime();
    try {
      while (!closed) {
        long now = System.nanoTime();
        if (listenConnections != null && connection == null && now - nextConnectAt >= 0) {
          if (connect()) {
            nextCheckAt = now; // catch what was missed while disconnected
          }
        }
        now = System.nanoTime();
        if (now - nextCheckAt >= 0) {
          checkRevision();
          nextCheckAt = System.nanoTime() + pollNanos;
        }
        now = System.nanoTime();
        if (pending && (pendingImmediately || now - lastEventAt >= debounceNanos || now - firstEventAt >= maxDelayNanos)) {
          pending = false;
          pendingImmediately = false;
          requestedRevision = Math.max(requestedRevision, seenRevision);
          refreshesRequested.incrementAndGet();
          try {
            refresh.run();
          } catch (RuntimeException e) {
            LOG.warn("configuration refresh of {} could not be started: {}", description, e.toString());
          }
        }
        long waitNanos = nextCheckAt - System.nanoTime();
        if (pending) {
          long due = Math.min(lastEventAt + debounceNanos, firstEventAt + maxDelayNanos) - System.nanoTime();
          waitNanos = Math.min(waitNanos, due);
        }
        if (listenConnections != null && connection == null) {
          waitNanos = Math.min(waitNanos, nextConnectAt - System.nanoTime());
        }
        long waitMillis = Math.max(1, Math.min(WAIT_SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1));
        if (connection != null) {
          awaitNotifications((int) waitMillis);
        } else {
          synchronized (monitor) {
            if (!closed) {
              monitor.wait(waitMillis);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("configuration change watcher of {} stopped unexpectedly; changes are no longer picked up", description, e);
      throw e;
    } finally {
      closeConnection();
      mode = Mode.STOPPED;
    }
  }

  private boolean connect() {
    Connection c = null;
    try {
      c = listenConnections.open();
      PGConnection pg = c.unwrap(PGConnection.class);
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("SET application_name = '" + APPLICATION_NAME + "'");
        st.execute("LISTEN " + CHANNEL);
      }
      connection = c;
      mode = Mode.LISTENING;
      pg.getNotifications(1); // drain anything pending on a reused connection
      if (listenOutage) {
        LOG.info("change notifications of {} are back after {} s ({} failed attempt(s)); listening on channel {}",
            description, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStartedAt), failedAttempts, CHANNEL);
      } else {
        LOG.info("listening for configuration changes of {} on channel {}", description, CHANNEL);
      }
      listenOutage = false;
      failedAttempts = 0;
      backoffNanos = minBackoffNanos;
      return true;
    } catch (SQLException | RuntimeException e) {
      if (c != null) {
        closeQuietly(c);
      }
      failedAttempts++;
      mode = Mode.POLLING;
      if (!listenOutage) {
        listenOutage = true;
        outageStartedAt = System.nanoTime();
        LOG.warn("cannot listen for configuration changes of {} ({}); polling the revision every {} ms and retrying"
            + " in the background", description, message(e), TimeUnit.NANOSECONDS.toMillis(pollNanos));
      }
      nextConnectAt = System.nanoTime() + backoffNanos;
      backoffNanos = Math.min(maxBackoffNanos, backoffNanos * 2);
      return false;
    }
  }

  private void awaitNotifications(int timeoutMillis) {
    try {
      PGNotification[] received = connection.unwrap(PGConnection.class).getNotifications(timeoutMillis);
      if (received != null) {
        long now = System.nanoTime();
        for (PGNotification n : received) {
          if (!CHANNEL.equals(n.getName())) {
            continue;
          }
          notifications.incrementAndGet();
          try {
            seenRevision = Math.max(seenRevision, Long.parseLong(n.getParameter().trim()));
          } catch (NumberFormatException e) {
            LOG.debug("notification payload '{}' is not a revision number", n.getParameter());
          }
          markPending(now, false);
        }
      }
    } catch (SQLException e) {
      lostConnection(e);
    }
  }

  private void checkRevision() {
    long revision;
    if (connection != null) {
      try (Statement st = connection.createStatement();
          var rs = st.executeQuery(ConfigRows.REVISION_SQL)) {
        revision = rs.next() ? rs.getLong(1) : 0L;
      } catch (SQLException e) {
        lostConnection(e);
        return;
      }
    } else {
      try (Connection c = pool.getConnection()) {
        revision = ConfigRows.readRevision(c);
        if (pollOutage) {
          LOG.info("the revision of {} can be read again", description);
          pollOutage = false;
        }
      } catch (SQLException | RuntimeException e) {
        if (!pollOutage) {
          pollOutage = true;
          LOG.warn("cannot read the configuration revision of {} ({}); will keep trying every {} ms", description,
              message(e), TimeUnit.NANOSECONDS.toMillis(pollNanos));
        }
        return;
      }
    }
    seenRevision = Math.max(seenRevision, revision);
    long loaded = loadedRevision.getAsLong();
    if (loaded >= 0 && revision > Math.max(loaded, requestedRevision)) {
      LOG.debug("revision of {} is {} but {} is loaded: refreshing", description, revision, loaded);
      markPending(System.nanoTime(), true);
    }
  }

  private void markPending(long now, boolean immediately) {
    if (!pending) {
      pending = true;
      firstEventAt = now;
    }
    lastEventAt = now;
    pendingImmediately |= immediately;
  }

  private void lostConnection(SQLException e) {
    closeConnection();
    mode = Mode.POLLING;
    if (!closed && !listenOutage) {
      listenOutage = true;
      outageStartedAt = System.nanoTime();
      failedAttempts = 0;
      LOG.warn("lost the change-notification connection of {} ({}); polling the revision every {} ms and reconnecting"
          + " in the background", description, message(e), TimeUnit.NANOSECONDS.toMillis(pollNanos));
    }
    backoffNanos = minBackoffNanos;
    nextConnectAt = System.nanoTime() + backoffNanos;
  }

  private void closeConnection() {
    if (connection != null) {
      closeQuietly(connection);
      connection = null;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("closing the change-notification connection failed: {}", e.getMessage());
    }
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m))
        + (e instanceof SQLException s && s.getSQLState() != null ? " (SQLSTATE " + s.getSQLState() + ")" : "");
  }
}
