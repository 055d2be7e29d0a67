package io.loom.mapping;

/**
 * Where configuration comes from: a YAML file, the database's configuration tables, or anything an
 * embedding application provides. Implementations are thread-safe.
 *
 * <pre>{@code
 * try (MappingSource source = MappingSources.open("yaml:config/topic_mappings.yml")) {
 *   ConfigSnapshot snapshot = source.load();
 *   source.subscribe(() -> reload());
 * }
 * }</pre>
 */
public interface MappingSource extends AutoCloseable {

  /**
   * Reads the whole configuration and validates it.
   *
   * @throws InvalidConfigurationException listing every problem, with where each one is
   * @throws LoomException if the source cannot be read at all (file missing, database down)
   */
  ConfigSnapshot load();

  /**
   * Reads the configuration afresh, bypassing any cache (an operator asked for a reload). Sources
   * without a cache just {@link #load()}. If it fails, a caching source keeps serving its last good
   * snapshot from {@link #load()}.
   */
  default ConfigSnapshot reload() {
    return load();
  }

  /**
   * Asks to be told when the configuration may have changed (a file was rewritten, a configuration
   * table changed). The listener is called from a background thread, possibly more than once per
   * change; it should only schedule a {@link #load()}. Sources that cannot watch never call it.
   *
   * @return a handle that stops the notifications
   */
  default Subscription subscribe(Runnable listener) {
    return () -> {};
  }

  /** A short description for logs and {@code /status}, without secrets: {@code yaml:config/x.yml}. */
  String describe();

  /** Releases files, connections and threads. Idempotent. */
  @Override
  void close();

  /** Stops change notifications. Idempotent. */
  @FunctionalInterface
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
