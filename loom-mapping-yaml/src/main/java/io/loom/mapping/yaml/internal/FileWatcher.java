package io.loom.mapping.yaml.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches configuration files by polling and reports a change once the files have been quiet for a
 * while.
 *
 * <p>Design note: polling (stat, and a content hash when the stat moved or is too recent to trust) is
 * chosen over {@code WatchService} because it follows the path rather than an inode: an atomic
 * rename into place, a symlink swap (mounted configuration volumes) and file systems without inotify
 * (network mounts) all look the same to it. A change is announced only after {@code quietPeriod}
 * without further change, so an editor's or a copy's several writes make one announcement; a writer
 * slower than that may be announced half-way, which the source's validation then refuses. Files a
 * load pulled in ({@code schema_file}) are watched from the stamps that load read, so a change between
 * that read and the next poll is not missed. One daemon thread per watcher; after the baseline taken by the
 * constructor, {@link #poll()} runs only on it.
 */
public final class FileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

  private final String name;
  private final Supplier<List<Path>> mainFiles;
  private final Duration quietPeriod;
  private final Runnable onChange;
  private final ScheduledExecutorService scheduler;
  private volatile Map<Path, FileStamp> dependencies;
  private volatile Thread thread;

  private Map<Path, FileStamp> seen = Map.of();
  private Map<Path, FileStamp> announced = Map.of();
  private Set<Path> announcedMain = Set.of();
  private long lastChangeNanos;
  private String lastFailure;

  /**
   * Starts watching: the files as they are now are the baseline (taken before this returns, so any
   * later change is announced).
   *
   * @param name for the thread name and logs
   * @param mainFiles the configuration files (asked again on every poll, so a directory is re-listed)
   * @param dependencies the stamps of included files as last read
   * @param onChange called on the watcher thread when a change has been quiet for {@code quietPeriod}
   */
  public FileWatcher(String name, Supplier<List<Path>> mainFiles, Map<Path, FileStamp> dependencies,
      Duration pollInterval, Duration quietPeriod, Runnable onChange) {
    this.name = name;
    this.mainFiles = mainFiles;
    this.dependencies = Map.copyOf(dependencies);
    this.quietPeriod = quietPeriod;
    this.onChange = onChange;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "loom-yaml-watch[" + name + "]");
      t.setDaemon(true);
      thread = t;
      return t;
    });
    baseline();
    long interval = Math.max(1, pollInterval.toMillis());
    scheduler.scheduleWithFixedDelay(this::pollSafely, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** The included files and their stamps as the latest load read them. */
  public void dependencies(Map<Path, FileStamp> stamps) {
    this.dependencies = Map.copyOf(stamps);
  }

  private void baseline() {
    try {
      seen = scan(dependencies);
    } catch (RuntimeException e) {
      seen = Map.of();
    }
    announced = seen;
    announcedMain = Set.copyOf(safeMainFiles());
    lastChangeNanos = System.nanoTime();
  }

  private void pollSafely() {
    try {
      poll();
      lastFailure = null;
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      if (!message.equals(lastFailure)) {
        LOG.warn("{}: watching for configuration changes failed, retrying: {}", name, message);
        lastFailure = message;
      }
    }
  }

  /** One look at the files. Runs on the watcher thread. */
  void poll() {
    Map<Path, FileStamp> deps = dependencies;
    Map<Path, FileStamp> knownAnnounced = new LinkedHashMap<>(announced);
    for (Map.Entry<Path, FileStamp> e : deps.entrySet()) {
      knownAnnounced.putIfAbsent(e.getKey(), e.getValue());
    }
    Map<Path, FileStamp> current = scan(deps);
    knownAnnounced.keySet().removeIf(p -> !current.containsKey(p) && !announcedMain.contains(p));
    announced = knownAnnounced;
    long now = System.nanoTime();
    if (!sameContent(current, seen)) {
      lastChangeNanos = now;
    }
    seen = current;
    if (!sameContent(seen, announced) && now - lastChangeNanos >= quietPeriod.toNanos()) {
      String changed = describeChange(announced, seen);
      announced = seen;
      announcedMain = Set.copyOf(safeMainFiles());
      LOG.info("{}: configuration changed ({})", name, changed);
      onChange.run();
    }
  }

  private Map<Path, FileStamp> scan(Map<Path, FileStamp> deps) {
    Map<Path, FileStamp> current = new LinkedHashMap<>();
    for (Path p : safeMainFiles()) {
      current.put(p, FileStamp.look(p, seen.get(p), Origin.MAX_FILE_BYTES));
    }
    for (Map.Entry<Path, FileStamp> e : deps.entrySet()) {
      Path p = e.getKey();
      if (!current.containsKey(p)) {
        FileStamp previous = seen.containsKey(p) ? seen.get(p) : e.getValue();
        current.put(p, FileStamp.look(p, previous, Origin.MAX_FILE_BYTES));
      }
    }
    return current;
  }

  private List<Path> safeMainFiles() {
    try {
      return mainFiles.get();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static boolean sameContent(Map<Path, FileStamp> a, Map<Path, FileStamp> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<Path, FileStamp> e : a.entrySet()) {
      if (!e.getValue().sameContent(b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static String describeChange(Map<Path, FileStamp> before, Map<Path, FileStamp> after) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Path, FileStamp> e : after.entrySet()) {
      FileStamp old = before.get(e.getKey());
      String what = old == null || !old.exists() ? (e.getValue().exists() ? "added" : null)
          : !e.getValue().exists() ? "removed" : !old.sameContent(e.getValue()) ? "modified" : null;
      if (what != null) {
        out.append(out.length() == 0 ? "" : ", ").append(e.getKey().getFileName()).append(' ').append(what);
      }
    }
    for (Path p : before.keySet()) {
      if (!after.containsKey(p)) {
        out.append(out.length() == 0 ? "" : ", ").append(p.getFileName()).append(" removed");
      }
    }
    return out.length() == 0 ? "content" : out.toString();
  }

  /** Stops the watcher thread; waits for it briefly unless called from it. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    if (Thread.currentThread() != thread) {
      try {
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
