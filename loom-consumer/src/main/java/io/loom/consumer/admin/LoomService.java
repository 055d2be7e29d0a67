package io.loom.consumer.admin;

/**
 * The running ingestion service as the service shell drives it: the consumer engine behind an
 * {@link AdminBackend}. Created by a {@link LoomServiceFactory}; run by {@link ServiceRunner}, which
 * starts the admin server on it, calls {@link #start()}, waits in {@link #awaitTermination()} and
 * calls {@link #close()} on a stop request (SIGTERM).
 *
 * <p>Thread safety: {@link #start()} and {@link #awaitTermination()} are called by the runner's thread,
 * {@link #close()} possibly from another (a shutdown hook) at any time: while {@link #start()} still
 * runs (it should then return promptly), while {@link #awaitTermination()} waits, or after the service
 * stopped by itself. The {@link AdminBackend} methods are called concurrently from the admin server's
 * threads from before {@link #start()} until after {@link #close()}, so they must answer in every state
 * ({@link RunState#STARTING} first).
 *
 * <p>An implementation registers its {@link LoomServiceFactory} in {@code
 * META-INF/services/io.loom.consumer.admin.LoomServiceFactory}; {@code loom run} then builds it from the
 * settings ({@link io.loom.consumer.settings.LoomSettings}: {@code configLocation()}, {@code
 * databaseUrl()}, {@code kafkaBootstrapServers()}, {@code groupId()}, {@code kafkaClientProperties()},
 * the batch, retry and shutdown settings) and registers its meters in the context's registry.
 */
public interface LoomService extends AdminBackend, AutoCloseable {

  /**
   * Starts consuming on the service's own threads and returns. Called once.
   *
   * @throws io.loom.mapping.LoomException if the service cannot start (configuration refused, database
   *     unreachable after the configured retries); the runner then closes it and exits with status 1
   */
  void start();

  /**
   * Blocks until the service has stopped: returns normally after {@link #close()}, and throws a
   * {@link io.loom.mapping.LoomException} carrying the cause when it stopped by itself on an error it
   * cannot recover from.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  void awaitTermination() throws InterruptedException;

  /**
   * Stops: finishes (or abandons, uncommitted) the batch in flight, so that nothing is half-written and
   * nothing is lost, then closes the Kafka clients and the database pool. Blocks until stopped or the
   * shutdown timeout ({@code LOOM_SHUTDOWN_TIMEOUT}) has passed. Idempotent; safe before {@link #start()}.
   */
  @Override
  void close();
}
