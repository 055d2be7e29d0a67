package io.loom.consumer.admin;

import java.util.List;

/**
 * The data behind the admin HTTP API; the consumer engine implements it (and {@link AdminServer}
 * serves it). Every method returns an immutable view and holds no secret.
 *
 * <p>Thread safety: methods are called concurrently from the admin server's threads while the engine
 * runs, so implementations must be thread-safe. They should answer from state the engine already
 * keeps (volatile snapshots, counters) and not block on the poll loop; only {@link #validateConfig()}
 * and {@link #reloadConfig()} read the configuration source and may take as long as that takes.
 * An exception thrown here becomes an HTTP 500 with its message (never a stack trace).
 */
public interface AdminBackend {

  /** {@code GET /status}. */
  StatusView status();

  /** {@code GET /topics}: the mapped topics, in name order. */
  List<TopicView> topics();

  /**
   * {@code GET /validate-config}: reads the configuration the source holds now (bypassing caches) and
   * reports whether a reload would accept it, without applying it.
   */
  ValidationReport validateConfig();

  /**
   * {@code POST /reload-config}: reads the configuration afresh, and if it is valid and differs from
   * the one in force, compiles it aside and swaps it in atomically; an invalid configuration is
   * refused with its problems and the one in force keeps running. Topics added are consumed without
   * a restart.
   */
  ReloadResult reloadConfig();

  /**
   * {@code GET /healthz}: whether the process is alive (its threads are not dead or stuck). A failed
   * liveness check makes an orchestrator restart the process. Up by default.
   */
  default HealthView liveness() {
    return HealthView.UP;
  }

  /**
   * {@code GET /readyz}: whether the service does its work: configuration loaded, database reachable,
   * consumer running. Answer from state already known (the last database round trip, the poll loop's
   * state); do not open connections here.
   */
  HealthView readiness();
}
