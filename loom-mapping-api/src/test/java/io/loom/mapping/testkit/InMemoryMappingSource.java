package io.loom.mapping.testkit;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link MappingSource} holding a snapshot in memory, for tests of code that consumes sources. It
 * validates on {@link #load()} like a real source (problems are located at {@code memory:<path>}) and
 * calls its subscribers synchronously, on the thread that calls {@link #set}, so tests need not wait.
 * A subscriber that throws does not stop the others. Thread-safe.
 */
public final class InMemoryMappingSource implements MappingSource {
  private final String name;
  private final AtomicReference<ConfigSnapshot> content;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public InMemoryMappingSource(String name, ConfigSnapshot initial) {
    this.name = Objects.requireNonNull(name, "name");
    this.content = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
  }

  /** Replaces the content (valid or not) and tells every subscriber. */
  public void set(ConfigSnapshot snapshot) {
    content.set(Objects.requireNonNull(snapshot, "snapshot"));
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        // like a real source: one failing listener must not stop the others
      }
    }
  }

  @Override
  public ConfigSnapshot load() {
    if (closed) {
      throw new LoomException(describe() + " is closed");
    }
    return ConfigValidator.requireValid(content.get(), path -> "memory:" + path, describe());
  }

  @Override
  public Subscription subscribe(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public String describe() {
    return "memory:" + name;
  }

  @Override
  public void close() {
    closed = true;
    listeners.clear();
  }
}
