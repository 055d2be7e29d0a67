package io.loom.consumer.cli.internal;

import io.loom.consumer.admin.LoomServiceFactory;
import io.loom.consumer.admin.ServiceRunner;
import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import io.loom.mapping.LoomException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loom run}: the ingestion service. Design note: the engine is found through {@link
 * LoomServiceFactory} on the class path, so this command knows only the seam; a JVM shutdown (SIGTERM,
 * Ctrl-C) stops the service gracefully within the shutdown timeout.
 */
@Command(
    name = "run",
    description = {
        "Runs the ingestion service: consumes the mapped topics, writes the rows, serves the admin HTTP API"
            + " (GET /healthz, /readyz, /status, /topics, /validate-config, /metrics; POST /reload-config)"
            + " until stopped (SIGTERM or Ctrl-C)."},
    sortOptions = false,
    abbreviateSynopsis = true)
public final class RunCommand extends BaseCommand {
  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", order = 0,
      description = "A Kafka client property for the consumer and the dead-letter producer (security.protocol,"
          + " sasl.mechanism, ...); repeatable. Also loom.kafka.client.KEY in the properties file or"
          + " LOOM_KAFKA_CLIENT_KEY (upper case, dots as underscores) in the environment.")
  private Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Override
  public Setting.Group[] settingGroups() {
    return Setting.Group.values();
  }

  @Override
  protected void customize(LoomSettings.Builder builder) {
    kafkaProperties.forEach(builder::kafkaClientProperty);
  }

  @Override
  protected int execute() throws InterruptedException {
    LoomSettings settings = settings();
    LoomServiceFactory factory = cli().engine().orElseThrow(() -> new LoomException(
        "this build has no consumer engine: no " + LoomServiceFactory.class.getName()
            + " is registered in META-INF/services"));
    ServiceRunner runner = new ServiceRunner(settings, factory);
    Thread hook = new Thread(() -> runner.stop(settings.shutdownTimeout()), "loom-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runner.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already shutting down: the hook is running and stops the service.
      }
    }
    return 0;
  }
}
