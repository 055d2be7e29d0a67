package io.loom.sink;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link JdbcSink}. Immutable; build with {@link #builder()} or take {@link #defaults()}.
 *
 * <pre>{@code
 * SinkOptions options = SinkOptions.builder()
 *     .maxAttempts(10)
 *     .initialBackoff(Duration.ofMillis(200))
 *     .statementTimeout(Duration.ofMinutes(2))
 *     .build();
 * }</pre>
 *
 * @param initialBackoff the wait before the first retry of a transaction that failed for an
 *     infrastructure reason; it doubles with every further attempt
 * @param maxBackoff the longest wait between two attempts
 * @param maxAttempts how many transactions one write may take, {@code 0} for no limit (retry until
 *     the sink is closed)
 * @param statementTimeout PostgreSQL's {@code statement_timeout} inside write transactions, {@link
 *     Duration#ZERO} to keep the server's setting; a timed-out statement counts as an infrastructure
 *     failure and is retried
 * @param copyChunkBytes how many encoded bytes are collected before they are handed to the COPY stream
 * @param createMissingTables whether a target table that does not exist is created from its mapping on
 *     its first write (the mapped columns with the natural type of their data type, the upsert key's
 *     columns NOT NULL and its primary key); when false, a missing table is a schema problem
 */
public record SinkOptions(
    Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration statementTimeout, int copyChunkBytes,
    boolean createMissingTables) {

  private static final SinkOptions DEFAULTS = builder().build();

  public SinkOptions {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff was '" + initialBackoff + "' but it must be positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff was '" + maxBackoff + "' but it must be at least initialBackoff ("
          + initialBackoff + ")");
    }
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts was '" + maxAttempts + "' but it must be 0 (no limit) or more");
    }
    if (statementTimeout.isNegative()) {
      throw new IllegalArgumentException("statementTimeout was '" + statementTimeout + "' but it must not be negative");
    }
    if (copyChunkBytes < 4096 || copyChunkBytes > (64 << 20)) {
      throw new IllegalArgumentException("copyChunkBytes was '" + copyChunkBytes + "' but it must be between 4096 and "
          + (64 << 20));
    }
  }

  /**
   * 100 ms initial backoff, 30 s maximum, unlimited attempts, 5 min statement timeout, 256 KiB chunks,
   * missing tables created.
   */
  public static SinkOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder()
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .maxAttempts(maxAttempts)
        .statementTimeout(statementTimeout)
        .copyChunkBytes(copyChunkBytes)
        .createMissingTables(createMissingTables);
  }

  /** Whether a write may start attempt number {@code attempt} (1-based). */
  public boolean allowsAttempt(int attempt) {
    return maxAttempts == 0 || attempt <= maxAttempts;
  }

  /** The wait before attempt {@code attempt} (2 or more): initial * 2^(attempt-2), capped at the maximum. */
  public Duration backoffBefore(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 2, 30));
    long millis = initialBackoff.toMillis();
    for (int i = 0; i < doublings && millis < maxBackoff.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }

  /** Builds {@link SinkOptions}; every setter's value is checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private int maxAttempts = 0;
    private Duration statementTimeout = Duration.ofMinutes(5);
    private int copyChunkBytes = 256 * 1024;
    private boolean createMissingTables = true;

    private Builder() {}

    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** {@code 0} retries until the sink is closed. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder statementTimeout(Duration statementTimeout) {
      this.statementTimeout = statementTimeout;
      return this;
    }

    public Builder copyChunkBytes(int copyChunkBytes) {
      this.copyChunkBytes = copyChunkBytes;
      return this;
    }

    /** {@code false} makes a missing target table a schema problem instead of creating it. */
    public Builder createMissingTables(boolean createMissingTables) {
      this.createMissingTables = createMissingTables;
      return this;
    }

    public SinkOptions build() {
      return new SinkOptions(initialBackoff, maxBackoff, maxAttempts, statementTimeout, copyChunkBytes,
          createMissingTables);
    }
  }
}
