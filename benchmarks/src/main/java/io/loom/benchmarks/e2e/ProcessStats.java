package io.loom.benchmarks.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and memory of this JVM and of the PostgreSQL server, read from the JVM's management bean and
 * from {@code /proc} (Linux). Where {@code /proc} cannot be read, PostgreSQL's figures are reported as
 * unknown (negative) rather than guessed.
 *
 * <p>Design: PostgreSQL is found from one backend's pid ({@code pg_backend_pid()}): its parent is the
 * postmaster, whose children are the backends and auxiliary processes. The server's CPU time is the
 * postmaster's own and reaped children's time ({@code utime stime cutime cstime}) plus the live
 * children's {@code utime stime}. Its memory is the sum of the processes' proportional set sizes
 * (shared buffers counted once), sampled by the caller. The JVM's peak resident set ({@code VmHWM}) is
 * reset before each measured run by writing {@code 5} to {@code /proc/self/clear_refs}.
 */
final class ProcessStats {
  private static final Path PROC = Path.of("/proc");
  private final long postmaster;
  private final double ticksPerSecond;

  ProcessStats(long anyBackendPid) {
    this.postmaster = anyBackendPid > 0 ? parentOf(anyBackendPid) : -1;
    this.ticksPerSecond = clockTicks();
  }

  /** Process CPU time of this JVM (all threads: the in-process broker included), in nanoseconds. */
  static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * CPU time so far of each live thread of Loom's own (named {@code loom-consumer-...}: the poll loop, or
   * {@code loom-writer-...}: the writers), by thread id.
   */
  static java.util.Map<Long, Long> loomThreadCpuNanos() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && (info.getThreadName().startsWith("loom-consumer-") || info.getThreadName().startsWith("loom-writer-"))) {
        long nanos = threads.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          cpu.put(info.getThreadId(), nanos);
        }
      }
    }
    return cpu;
  }

  /** Starts a new peak-RSS window for this JVM; false where the kernel does not allow it. */
  static boolean resetJvmPeak() {
    try {
      Files.writeString(PROC.resolve("self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** This JVM's peak resident set since the last {@link #resetJvmPeak()}, in bytes; -1 if unknown. */
  static long jvmPeakRssBytes() {
    return statusKilobytes(PROC.resolve("self/status"), "VmHWM:") * 1024;
  }

  /** Whether the PostgreSQL processes were found. */
  boolean knowsPostgres() {
    return postmaster > 0 && Files.isReadable(PROC.resolve(postmaster + "/stat"));
  }

  /** CPU time of the PostgreSQL server so far, in nanoseconds; -1 if unknown. */
  long postgresCpuNanos() {
    if (!knowsPostgres()) {
      return -1;
    }
    long[] own = stat(postmaster);
    if (own == null) {
      return -1;
    }
    long ticks = own[1] + own[2] + own[3] + own[4];
    for (long child : children()) {
      long[] s = stat(child);
      if (s != null) {
        ticks += s[1] + s[2];
      }
    }
    return (long) (ticks / ticksPerSecond * 1e9);
  }

  /** The PostgreSQL processes' summed proportional set size now, in bytes; -1 if unknown. */
  long postgresPssBytes() {
    if (!knowsPostgres()) {
      return -1;
    }
    long kb = statusKilobytes(PROC.resolve(postmaster + "/smaps_rollup"), "Pss:");
    if (kb < 0) {
      return -1;
    }
    for (long child : children()) {
      kb += Math.max(0, statusKilobytes(PROC.resolve(child + "/smaps_rollup"), "Pss:"));
    }
    return kb * 1024;
  }

  private List<Long> children() {
    // the kernel's list of the postmaster's children where it keeps one, else a scan of every process
    Path listed = PROC.resolve(postmaster + "/task/" + postmaster + "/children");
    if (Files.isReadable(listed)) {
      try {
        List<Long> children = new ArrayList<>();
        for (String pid : Files.readString(listed, StandardCharsets.US_ASCII).trim().split("\\s+")) {
          if (!pid.isEmpty()) {
            children.add(Long.parseLong(pid));
          }
        }
        return children;
      } catch (IOException | RuntimeException e) {
        // fall back to the scan
      }
    }
    List<Long> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars()
        .allMatch(Character::isDigit))) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        long[] s = stat(pid);
        if (s != null && s[0] == postmaster) {
          children.add(pid);
        }
      }
    } catch (IOException e) {
      return children;
    }
    return children;
  }

  private static long parentOf(long pid) {
    long[] s = stat(pid);
    return s == null ? -1 : s[0];
  }

  /** ppid, utime, stime, cutime, cstime of a process; null if it is gone. */
  private static long[] stat(long pid) {
    String text;
    try {
      text = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    // the command name (field 2) may hold spaces: fields are counted from after its closing parenthesis
    String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
        Long.parseLong(f[14])};
  }

  private static long statusKilobytes(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Double.parseDouble(out) : 100;
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
