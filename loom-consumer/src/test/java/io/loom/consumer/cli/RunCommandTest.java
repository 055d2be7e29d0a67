package io.loom.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.consumer.admin.HealthView;
import io.loom.consumer.admin.LoomService;
import io.loom.consumer.admin.ReloadResult;
import io.loom.consumer.admin.RunState;
import io.loom.consumer.admin.ServiceContext;
import io.loom.consumer.admin.StatusView;
import io.loom.consumer.admin.TopicView;
import io.loom.consumer.admin.ValidationReport;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.LoomException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code loom run} with an engine the test provides. */
class RunCommandTest {

  /** An engine that answers one admin request from inside start() and then stops, or fails. */
  static final class OneShotService implements LoomService {
    final ServiceContext context;
    final RuntimeException failure;
    final AtomicReference<String> seenByHttp = new AtomicReference<>();
    boolean closed;

    OneShotService(ServiceContext context, RuntimeException failure) {
      this.context = context;
      this.failure = failure;
    }

    @Override
    public void start() {
      int port = context.settings().adminPort();
      try {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/status")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        seenByHttp.set(r.statusCode() + " " + r.body());
      } catch (Exception e) {
        seenByHttp.set(e.toString());
      }
    }

    @Override
    public void awaitTermination() {
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public StatusView status() {
      return new StatusView(RunState.RUNNING, null, context.settings().groupId(), List.of(), List.of(), 0, 0, 0, null,
          null, context.settings().describe());
    }

    @Override
    public List<TopicView> topics() {
      return List.of();
    }

    @Override
    public ValidationReport validateConfig() {
      return ValidationReport.of("test", null, List.of(), List.of());
    }

    @Override
    public ReloadResult reloadConfig() {
      return ReloadResult.unchanged("test", ConfigSnapshot.empty());
    }

    @Override
    public HealthView readiness() {
      return HealthView.UP;
    }
  }

  @Test
  void run_buildsTheEngineFromTheSettingsServesTheAdminApiAndExits0WhenItStops() {
    AtomicReference<OneShotService> created = new AtomicReference<>();

    CliRun run = CliRun.withEngine(context -> {
      created.set(new OneShotService(context, null));
      return created.get();
    }, Map.of("KAFKA_GROUP_ID", "from-env"), "run", "--admin-port=" + freePort(), "--group-id=from-flag",
        "--kafka-property", "security.protocol=SSL");

    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    OneShotService service = created.get();
    assertThat(service.context.settings().groupId()).isEqualTo("from-flag");
    assertThat(service.context.settings().kafkaClientProperties()).containsEntry("security.protocol", "SSL");
    assertThat(service.seenByHttp.get()).startsWith("200 ").contains("\"group_id\" : \"from-flag\"");
    assertThat(service.closed).isTrue();
  }

  @Test
  void run_whenTheEngineFails_exits1WithItsMessage() {
    CliRun run = CliRun.withEngine(
        context -> new OneShotService(context, new LoomException("table device_sensor_gps_raw does not exist")),
        Map.of(), "run", "--admin-enabled=false");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("loom run: table device_sensor_gps_raw does not exist\n");
  }

  @Test
  void run_withInvalidSettings_exits2BeforeBuildingTheEngine() {
    AtomicReference<ServiceContext> built = new AtomicReference<>();

    CliRun run = CliRun.withEngine(context -> {
      built.set(context);
      return new OneShotService(context, null);
    }, Map.of("LOOM_KAFKA_POLL_TIMEOUT", "never"), "run");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("loom run: invalid setting: LOOM_KAFKA_POLL_TIMEOUT was 'never' but it must be");
    assertThat(built.get()).isNull();
  }

  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
