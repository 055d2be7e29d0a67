package io.loom.systemtests.faults;

import io.loom.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standalone service, {@code java -jar loom.jar run}, as a child process configured through the
 * environment, whose output is appended to one log file across all its lives.
 *
 * <p>Design note: each start picks a fresh free admin port, so a port still held by a killed instance
 * never stops the next one. Inherited {@code LOOM_*} variables are removed so that only the settings given
 * here apply. A JVM shutdown hook kills a still running instance, so that stopping the harness (Ctrl-C) leaves
 * no service behind. Not thread-safe: one controlling thread.
 */
final class LoomProcess implements AutoCloseable {
  private final Path jar;
  private final Path logFile;
  private final Map<String, String> environment;
  private final Thread killOnExit = new Thread(this::killIfAlive, "fault-injection-service-killer");
  private volatile Process process;
  private volatile boolean exiting;
  private int starts;

  LoomProcess(Path jar, Path logFile, Map<String, String> environment) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("the runnable jar " + jar + " does not exist; build it with"
          + " 'mvn -DskipTests package -pl loom-consumer -am'");
    }
    this.jar = jar;
    this.logFile = logFile;
    this.environment = new LinkedHashMap<>(environment);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts a new instance. */
  synchronized void start() {
    if (exiting) {
      throw new IllegalStateException("the JVM is shutting down: Loom is not started again");
    }
    if (isAlive()) {
      throw new IllegalStateException("Loom is already running (pid " + process.pid() + ")");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar.toString());
    command.add("run");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("LOOM_") || k.equals("USE_DATABASE_CONFIG")
        || k.equals("KAFKA_GROUP_ID"));
    builder.environment().putAll(environment);
    builder.environment().put("LOOM_ADMIN_PORT", Integer.toString(FreePorts.find()));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    try {
      Files.writeString(logFile, "---- start " + (starts + 1) + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
    starts++;
  }

  /** SIGKILL: the instance gets no chance to finish anything. Waits until it is gone. */
  void kill() {
    requireAlive();
    process.destroyForcibly();
    await(60);
  }

  /** SIGTERM, the way a deployment stops it; returns its exit status. */
  int stop(long timeoutSeconds) {
    requireAlive();
    process.destroy();
    return await(timeoutSeconds);
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The exit status of the instance that ended, or -1 while it runs or before the first start. */
  int exitStatus() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  int starts() {
    return starts;
  }

  Path logFile() {
    return logFile;
  }

  @Override
  public void close() {
    if (isAlive()) {
      process.destroyForcibly();
      await(60);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook
    }
  }

  private synchronized void killIfAlive() {
    exiting = true;
    Process running = process;
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
    }
  }

  private int await(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        throw new IllegalStateException("Loom (pid " + process.pid() + ") did not end within " + seconds + " s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for Loom (pid " + process.pid() + ") to end", e);
    }
  }

  private void requireAlive() {
    if (!isAlive()) {
      throw new IllegalStateException("Loom is not running" + (process == null ? "" : " (it exited with status "
          + process.exitValue() + "; see " + logFile + ")"));
    }
  }
}
