package io.loom.consumer.internal;

import io.loom.consumer.admin.ErrorView;
import io.loom.consumer.admin.PartitionView;
import io.loom.consumer.admin.RunState;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * What the poll loop publishes for the admin views and health checks: its run state, partitions, the
 * configuration in force, the last error and whether the database answered. Design note: the loop
 * writes these volatile fields, admin threads only read them, so a status request never waits for the
 * loop. Thread-safe.
 */
public final class EngineState {
  private final Clock clock;
  private volatile RunState runState = RunState.STARTING;
  private volatile ErrorView lastError;
  private volatile List<PartitionView> partitions = List.of();
  private volatile Set<String> subscribed = Set.of();
  private volatile ActiveConfig applied;
  private volatile long lastLoopMillis;
  private volatile boolean databaseOk = true;
  private volatile String databaseDetail = "no database round trip yet";
  private volatile Throwable fatal;

  public EngineState(Clock clock) {
    this.clock = clock;
    this.lastLoopMillis = clock.millis();
  }

  public RunState runState() {
    return runState;
  }

  public void runState(RunState state) {
    this.runState = state;
  }

  public ErrorView lastError() {
    return lastError;
  }

  public void error(Throwable error) {
    this.lastError = ErrorView.of(clock.instant(), error);
  }

  public void error(String message) {
    this.lastError = new ErrorView(clock.instant(), message);
  }

  public List<PartitionView> partitions() {
    return partitions;
  }

  public void partitions(List<PartitionView> partitions) {
    this.partitions = List.copyOf(partitions);
  }

  /** The topics the consumer is subscribed to, in name order. */
  public Set<String> subscribed() {
    return subscribed;
  }

  public void subscribed(Set<String> topics) {
    this.subscribed = Set.copyOf(topics);
  }

  /** The configuration the loop works with, or {@code null} before it started. */
  public ActiveConfig applied() {
    return applied;
  }

  public void applied(ActiveConfig config) {
    this.applied = config;
  }

  /** When the loop last went round (clock millis). */
  public long lastLoopMillis() {
    return lastLoopMillis;
  }

  public void loopTick() {
    this.lastLoopMillis = clock.millis();
  }

  public boolean databaseOk() {
    return databaseOk;
  }

  public String databaseDetail() {
    return databaseDetail;
  }

  public void database(boolean ok, String detail) {
    this.databaseOk = ok;
    this.databaseDetail = detail;
  }

  /** The error that stopped the loop, or {@code null}. */
  public Throwable fatal() {
    return fatal;
  }

  public void fatal(Throwable error) {
    this.fatal = error;
    if (error != null) {
      error(error);
    }
  }

  public Clock clock() {
    return clock;
  }
}
