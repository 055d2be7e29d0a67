package io.loom.consumer.admin;

import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.LoomException;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LoomService} as a process: a Prometheus registry with JVM metrics, the service built by
 * the factory, the admin server on it, then waits until the service stops.
 *
 * <pre>{@code
 * ServiceRunner runner = new ServiceRunner(settings, factory);
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> runner.stop(settings.shutdownTimeout())));
 * runner.run(); // blocks
 * }</pre>
 *
 * <p>The admin server starts before the service so that {@code /healthz} and {@code /readyz} answer
 * while it starts. {@link #run()} is called once; {@link #stop(Duration)} may be called from any
 * thread, any number of times.
 */
public final class ServiceRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

  private final LoomSettings settings;
  private final LoomServiceFactory factory;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Object lock = new Object();
  private LoomService service;
  private AdminServer adminServer;
  private boolean stopRequested;

  public ServiceRunner(LoomSettings settings, LoomServiceFactory factory) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /**
   * Builds and runs the service until it stops. Returns normally after {@link #stop(Duration)}.
   *
   * @throws LoomException if the service cannot be built or started, or stopped on an error
   * @throws InterruptedException if the calling thread is interrupted (the service is then closed)
   */
  public void run() throws InterruptedException {
    LOG.info("Loom starting with {}", settings);
    settings.warnings().forEach(w -> LOG.warn("{}", w));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    try {
      new JvmMemoryMetrics().bindTo(registry);
      gcMetrics.bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);

      LoomService created = factory.create(new ServiceContext(settings, registry));
      synchronized (lock) {
        service = created;
        if (stopRequested) {
          LOG.info("stop requested before the service started");
          return;
        }
        if (settings.adminEnabled()) {
          adminServer = AdminServer.start(settings, created, registry);
        }
      }
      created.start();
      LOG.info("Loom running (group {})", settings.groupId());
      created.awaitTermination();
      LOG.info("Loom stopped");
    } finally {
      synchronized (lock) {
        if (adminServer != null) {
          adminServer.close();
        }
        if (service != null) {
          service.close();
        }
      }
      gcMetrics.close();
      registry.close();
      finished.countDown();
    }
  }

  /**
   * Asks the service to stop and waits until {@link #run()} has finished, at most {@code timeout}.
   *
   * @return true if {@link #run()} finished in time
   */
  public boolean stop(Duration timeout) {
    LoomService toClose;
    synchronized (lock) {
      stopRequested = true;
      toClose = service;
    }
    if (toClose != null) {
      LOG.info("stopping Loom");
      toClose.close();
    }
    try {
      return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The admin server while the service runs. */
  public Optional<AdminServer> adminServer() {
    synchronized (lock) {
      return Optional.ofNullable(adminServer);
    }
  }
}
