package io.loom.consumer.admin;

import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Creates the {@link LoomService} that {@code loom run} runs. The consumer engine provides one and lists
 * it in {@code META-INF/services/io.loom.consumer.admin.LoomServiceFactory}; the command line finds it
 * with {@link #find()}, so the service shell does not depend on the engine's classes.
 *
 * <p>{@link #create} builds everything the service needs (configuration source, database pool, sink,
 * Kafka clients) but starts nothing: the runner calls {@link LoomService#start()}.
 */
@FunctionalInterface
public interface LoomServiceFactory {

  /**
   * Builds the service.
   *
   * @throws io.loom.mapping.LoomException if it cannot be built, with a message naming the cause
   */
  LoomService create(ServiceContext context);

  /** The factory on the class path, if there is one (the first one found). */
  static Optional<LoomServiceFactory> find() {
    Iterator<LoomServiceFactory> it =
        ServiceLoader.load(LoomServiceFactory.class, LoomServiceFactory.class.getClassLoader()).iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }
}
