package io.loom.mapping.yaml;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.yaml.internal.FileStamp;
import io.loom.mapping.yaml.internal.FileWatcher;
import io.loom.mapping.yaml.internal.Origin;
import io.loom.mapping.yaml.internal.YamlConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MappingSource} over YAML: one file, or every {@code *.yml}/{@code *.yaml} file directly in
 * a directory (read as one configuration, in file-name order; names starting with a dot are skipped).
 * Each file may be in the canonical shape or the legacy {@code topic_mappings.yml} shape; the two are
 * told apart per file (see the module's README).
 *
 * <pre>{@code
 * try (MappingSource source = YamlMappingSource.of(Path.of("config/topic_mappings.yml"))) {
 *   ConfigSnapshot snapshot = source.load();           // validated, or InvalidConfigurationException
 *   source.subscribe(() -> executor.execute(this::reload));
 * }
 * }</pre>
 *
 * <p><b>Loading.</b> Every {@link #load()} reads the files afresh (nothing is cached, so {@link
 * #reload()} is the same), composes them with SnakeYAML's node API only (no object is ever
 * constructed from a tag; aliases, nesting and size are capped) and validates the result with {@link
 * io.loom.mapping.ConfigValidator}. Every problem is reported at once, each with {@code file:line}:
 * {@code topic_mappings.yml:42: mappings[device.sensor.gps.raw].fields[2].data_type: data type 'strng'
 * is unknown; expected one of string, integer, ...}.
 *
 * <p><b>Watching.</b> {@link #subscribe} starts one daemon thread that polls the files (and the JSON
 * Schema files they include) every {@link Builder#pollInterval poll interval}, deciding on content, and
 * calls the listeners once the files have been quiet for the {@link Builder#quietPeriod quiet period}.
 * Atomic renames into place and symlink swaps are seen like any rewrite. A listener is told about
 * every change, including one that leaves the files invalid or half-written; {@link #load()} then
 * throws with the problems, and the caller keeps its previous configuration. The thread stops when the
 * last subscription is closed, or on {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class YamlMappingSource implements MappingSource {
  /** How often files are looked at while someone is subscribed. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
  /** How long files must stay unchanged before a change is announced. */
  public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMillis(500);

  private static final Logger LOG = LoggerFactory.getLogger(YamlMappingSource.class);

  private final Origin origin;
  private final Duration pollInterval;
  private final Duration quietPeriod;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private FileWatcher watcher;
  private volatile Map<Path, FileStamp> dependencies = Map.of();
  private volatile boolean closed;

  private YamlMappingSource(Origin origin, Duration pollInterval, Duration quietPeriod) {
    this.origin = origin;
    this.pollInterval = pollInterval;
    this.quietPeriod = quietPeriod;
  }

  /** A source over a file, or over the YAML files of a directory, with the default watch timings. */
  public static YamlMappingSource of(Path path) {
    return builder(path).build();
  }

  /** A source over a file or directory, with settings. */
  public static Builder builder(Path path) {
    return new Builder(Objects.requireNonNull(path, "path"));
  }

  /**
   * A source over a class-path resource, e.g. {@code io/loom/mapping/yaml/sample/loom-sample.yml}; its
   * {@code schema_file} references are resolved as resources beside it. It never changes, so
   * subscribers are never called.
   */
  public static YamlMappingSource classpath(String resource) {
    Objects.requireNonNull(resource, "resource");
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null || loader.getResource(name) == null) {
      loader = YamlMappingSource.class.getClassLoader();
    }
    return new YamlMappingSource(new Origin.Classpath(name, loader), DEFAULT_POLL_INTERVAL, DEFAULT_QUIET_PERIOD);
  }

  /**
   * Reads and validates YAML text (either shape) held in memory. It cannot use {@code schema_file}.
   *
   * @param name the name used in problem locations, e.g. {@code topic_mappings.yml}
   * @throws InvalidConfigurationException listing every problem with {@code name:line}
   */
  public static ConfigSnapshot parse(String yaml, String name) {
    Origin origin = new Origin.Text(Objects.requireNonNull(name, "name"), Objects.requireNonNull(yaml, "yaml"));
    return YamlConfigParser.parse(origin.read()).orThrow(origin.describe());
  }

  @Override
  public ConfigSnapshot load() {
    if (closed) {
      throw new LoomException(describe() + " is closed");
    }
    YamlConfigParser.Result result = YamlConfigParser.parse(origin.read());
    Map<Path, FileStamp> included = result.dependencies().files();
    dependencies = included;
    synchronized (lock) {
      if (watcher != null) {
        watcher.dependencies(included);
      }
    }
    ConfigSnapshot snapshot = result.orThrow(describe());
    LOG.debug("{}: loaded {} topic mappings, {} topics, {} schemas, {} flows (fingerprint {})", describe(),
        snapshot.mappings().size(), snapshot.topics().size(), snapshot.schemas().size(), snapshot.flows().size(),
        snapshot.fingerprint());
    return snapshot;
  }

  /**
   * Calls {@code listener} on the watcher thread after the files changed and then stayed quiet. A
   * listener that throws is logged and does not stop the others. Sources over the class path or text
   * never call it.
   */
  @Override
  public Subscription subscribe(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    if (!origin.watchable()) {
      return () -> {};
    }
    synchronized (lock) {
      if (closed) {
        throw new LoomException(describe() + " is closed");
      }
      listeners.add(listener);
      if (watcher == null) {
        watcher = new FileWatcher(describe(), origin::files, dependencies, pollInterval, quietPeriod, this::fire);
        LOG.debug("{}: watching for changes every {} ms, quiet period {} ms", describe(), pollInterval.toMillis(),
            quietPeriod.toMillis());
      }
    }
    return new Subscription() {
      private boolean done;

      @Override
      public void close() {
        synchronized (lock) {
          if (done) {
            return;
          }
          done = true;
          listeners.remove(listener);
          if (listeners.isEmpty() && watcher != null) {
            watcher.close();
            watcher = null;
          }
        }
      }
    };
  }

  private void fire() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("{}: a configuration change listener failed", describe(), e);
      }
    }
  }

  /** {@code yaml:<path as given>}, or {@code yaml:classpath:<resource>}. */
  @Override
  public String describe() {
    return origin.describe();
  }

  @Override
  public void close() {
    FileWatcher toClose;
    synchronized (lock) {
      closed = true;
      listeners.clear();
      toClose = watcher;
      watcher = null;
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  @Override
  public String toString() {
    return "YamlMappingSource[" + describe() + "]";
  }

  /** Settings of a file or directory source. Not thread-safe; build once. */
  public static final class Builder {
    private final Path path;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration quietPeriod = DEFAULT_QUIET_PERIOD;

    private Builder(Path path) {
      this.path = path;
    }

    /** How often the files are looked at while someone is subscribed; positive. Default 250 ms. */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pollInterval was " + interval + " but it must be positive");
      }
      this.pollInterval = interval;
      return this;
    }

    /** How long the files must stay unchanged before listeners are called; zero or more. Default 500 ms. */
    public Builder quietPeriod(Duration period) {
      if (period == null || period.isNegative()) {
        throw new IllegalArgumentException("quietPeriod was " + period + " but it must be zero or positive");
      }
      this.quietPeriod = period;
      return this;
    }

    /** The source: over the directory's YAML files if {@code path} is a directory now, else over the file. */
    public YamlMappingSource build() {
      Origin origin = Files.isDirectory(path) ? new Origin.Directory(path) : new Origin.File(path);
      return new YamlMappingSource(origin, pollInterval, quietPeriod);
    }
  }
}
