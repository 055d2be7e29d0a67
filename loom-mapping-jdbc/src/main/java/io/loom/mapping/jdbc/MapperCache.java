package io.loom.mapping.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingCompiler;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.TopicMapping;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Compiled {@link RecordMapper}s by {@link TopicMapping} value, so that a reload recompiles only the
 * mappings that changed: an unchanged mapping (equal record: same table, key, strategy and fields) gets
 * the mapper compiled before. Works for mappings from any source.
 *
 * <p>Bounded ({@link #DEFAULT_MAXIMUM_SIZE} mappings unless told otherwise): mappings no longer used are
 * evicted as new ones arrive. Thread-safe; concurrent requests for the same mapping compile it once.
 *
 * <pre>{@code
 * MapperCache mappers = new MapperCache();
 * Map<String, RecordMapper> byTopic = mappers.compileAll(snapshot); // on every reload
 * }</pre>
 */
public final class MapperCache {
  /** The default bound: more mappings than any one configuration is expected to hold, twice over. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  private final Cache<TopicMapping, RecordMapper> cache;
  private final Function<TopicMapping, RecordMapper> compiler;
  private final AtomicLong compilations = new AtomicLong();

  /** A cache of at most {@link #DEFAULT_MAXIMUM_SIZE} mappers, compiling with {@link MappingCompiler#compile}. */
  public MapperCache() {
    this(DEFAULT_MAXIMUM_SIZE);
  }

  /** A cache of at most {@code maximumSize} mappers, compiling with {@link MappingCompiler#compile}. */
  public MapperCache(long maximumSize) {
    this(maximumSize, MappingCompiler::compile);
  }

  /**
   * A cache of at most {@code maximumSize} mappers made by {@code compiler} (for tests and for decorating the
   * compiled mappers).
   */
  public MapperCache(long maximumSize, Function<TopicMapping, RecordMapper> compiler) {
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize was " + maximumSize + " but it must be at least 1");
    }
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.cache = Caffeine.newBuilder().maximumSize(maximumSize).build();
  }

  /**
   * The mapper of {@code mapping}, compiled now or earlier.
   *
   * @throws InvalidConfigurationException if the mapping cannot be compiled (nothing is cached then)
   */
  public RecordMapper mapper(TopicMapping mapping) {
    Objects.requireNonNull(mapping, "mapping");
    return cache.get(mapping, m -> {
      compilations.incrementAndGet();
      return compiler.apply(m);
    });
  }

  /**
   * The mappers of every mapping of {@code snapshot}, by topic. Every mapping is tried, so that the
   * exception lists the problems of all mappings that cannot be compiled, not just the first.
   *
   * @throws InvalidConfigurationException listing every problem
   */
  public Map<String, RecordMapper> compileAll(ConfigSnapshot snapshot) {
    Map<String, RecordMapper> mappers = new LinkedHashMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (TopicMapping mapping : snapshot.mappings()) {
      try {
        mappers.put(mapping.topic(), mapper(mapping));
      } catch (InvalidConfigurationException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException("the mappings of configuration " + snapshot.fingerprint(), problems);
    }
    return Collections.unmodifiableMap(mappers);
  }

  /** How many mappings were compiled since this cache was made (cache misses). */
  public long compilations() {
    return compilations.get();
  }

  /** The number of mappers held now, after pending evictions. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Drops every cached mapper. */
  public void clear() {
    cache.invalidateAll();
  }
}
