package io.loom.consumer.admin;

import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** An {@link AdminBackend} whose answers the test sets. */
class FakeBackend implements AdminBackend {
  static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");

  static final TopicMapping GPS = new TopicMapping(
      "device.sensor.gps.raw",
      "device_sensor_gps_raw",
      List.of("device_id", "timestamp"),
      ConflictStrategy.UPDATE,
      List.of(
          FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
          FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withTransformation(Transformation.TIMESTAMP_PARSE),
          FieldMapping.of("data.latitude", "latitude", DataType.FLOAT).withDefaultValue("0")));

  static final ConfigSnapshot SNAPSHOT = ConfigSnapshot.ofMappings(List.of(GPS));

  volatile LoomSettings settings = LoomSettings.defaults();
  volatile HealthView readiness = HealthView.of(HealthView.Check.ok("configuration", "loaded"));
  volatile HealthView liveness = HealthView.UP;
  volatile Supplier<ReloadResult> reload = () -> ReloadResult.unchanged("yaml:topic_mappings.yml", SNAPSHOT);
  volatile RuntimeException statusFailure;
  final AtomicInteger reloads = new AtomicInteger();

  @Override
  public StatusView status() {
    if (statusFailure != null) {
      throw statusFailure;
    }
    return new StatusView(
        RunState.RUNNING,
        STARTED,
        settings.groupId(),
        List.of("device.sensor.gps.raw"),
        List.of(new PartitionView("device.sensor.gps.raw", 0, 120L, 118L, 125L, 7L),
            new PartitionView("device.sensor.gps.raw", 1, null, null, null, null)),
        1000,
        12.5,
        3,
        new ErrorView(STARTED.plusSeconds(60), "connection to postgresql://loom:hunter2@db/loom refused"),
        new StatusView.ConfigStatus("yaml:topic_mappings.yml", SNAPSHOT.fingerprint(), STARTED, 1,
            new StatusView.RefusedReload(STARTED.plusSeconds(30), "abcd",
                List.of(new ConfigIssue("topic_mappings.yml:7", "mappings[x].table_name", "table name 'X' is not allowed")))),
        settings.describe());
  }

  @Override
  public List<TopicView> topics() {
    return List.of(TopicView.of(GPS, "device.sensor.gps.raw.dlq", true));
  }

  @Override
  public ValidationReport validateConfig() {
    return ValidationReport.of("yaml:topic_mappings.yml", null,
        List.of(new ConfigProblem("topic_mappings.yml:12", "mappings[device.sensor.gps.raw].fields[1].data_type",
            "data type 'flaot' is unknown; expected one of array, boolean, float, float_array, integer, json, string, timestamp")),
        List.of(new ConfigProblem(null, "mappings[device.sensor.gps.raw]", "the table has no upsert key")));
  }

  @Override
  public ReloadResult reloadConfig() {
    reloads.incrementAndGet();
    return reload.get();
  }

  @Override
  public HealthView liveness() {
    return liveness;
  }

  @Override
  public HealthView readiness() {
    return readiness;
  }

  static ReloadResult failing() {
    return ReloadResult.failed("jdbc:postgresql://db/loom", SNAPSHOT,
        new LoomException("connection to postgresql://loom:hunter2@db/loom refused"));
  }
}
