package io.loom.consumer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.LoomException;
import io.micrometer.core.instrument.Counter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceRunnerTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final LoomSettings settings = LoomSettings.builder()
      .environment(Map.of("LOOM_ADMIN_PORT", "0", "LOOM_ADMIN_BIND_ADDRESS", "127.0.0.1"))
      .build();

  /** A service that runs until closed or failed. */
  static final class FakeService extends FakeBackend implements LoomService {
    final CountDownLatch stopped = new CountDownLatch(1);
    final AtomicBoolean started = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    ServiceContext context;

    @Override
    public void start() {
      started.set(true);
      Counter.builder("loom.rows.written").register(context.meterRegistry()).increment(5);
    }

    @Override
    public void awaitTermination() throws InterruptedException {
      stopped.await();
      if (failure.get() != null) {
        throw failure.get();
      }
    }

    void fail(RuntimeException e) {
      failure.set(e);
      stopped.countDown();
    }

    @Override
    public void close() {
      closed.set(true);
      stopped.countDown();
    }
  }

  @Test
  void run_servesTheAdminApiUntilStopped() throws Exception {
    FakeService service = new FakeService();
    ServiceRunner runner = new ServiceRunner(settings, context -> {
      service.context = context;
      return service;
    });

    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> runQuietly(runner));
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.adminServer().isPresent() && service.started.get());
    URI base = runner.adminServer().orElseThrow().uri();

    HttpResponse<String> status = CLIENT.send(HttpRequest.newBuilder(base.resolve("/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = CLIENT.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("\"state\" : \"running\"");
    assertThat(metrics.body()).contains("loom_rows_written_total 5.0").contains("jvm_memory_used_bytes");
    assertThat(service.context.settings()).isSameAs(settings);

    assertThat(runner.stop(Duration.ofSeconds(10))).isTrue();

    running.get();
    assertThat(service.closed).isTrue();
    assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(base.resolve("/healthz")).GET().build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
  }

  @Test
  void run_whenTheServiceFails_throwsAndClosesEverything() throws Exception {
    FakeService service = new FakeService();
    ServiceRunner runner = new ServiceRunner(settings, context -> {
      service.context = context;
      return service;
    });
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
      try {
        runner.run();
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.adminServer().isPresent() && service.started.get());

    service.fail(new LoomException("device.sensor.gps.raw[0]@17: table device_sensor_gps_raw does not exist"));

    running.get();
    assertThat(thrown.get()).isInstanceOf(LoomException.class)
        .hasMessage("device.sensor.gps.raw[0]@17: table device_sensor_gps_raw does not exist");
    assertThat(service.closed).isTrue();
    assertThat(runner.stop(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void run_withAdminDisabled_startsNoServer() throws Exception {
    LoomSettings noAdmin = LoomSettings.builder().environment(Map.of("LOOM_ADMIN_ENABLED", "false")).build();
    FakeService service = new FakeService();
    ServiceRunner runner = new ServiceRunner(noAdmin, context -> {
      service.context = context;
      return service;
    });
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> runQuietly(runner));
    await().atMost(Duration.ofSeconds(10)).untilTrue(service.started);

    assertThat(runner.adminServer()).isEmpty();
    assertThat(runner.stop(Duration.ofSeconds(10))).isTrue();
    running.get();
  }

  @Test
  void stop_beforeTheServiceStarted_closesItWithoutStarting() throws Exception {
    FakeService service = new FakeService();
    ServiceRunner runner = new ServiceRunner(settings, context -> {
      service.context = context;
      return service;
    });

    assertThat(runner.stop(Duration.ZERO)).isFalse();
    runner.run();

    assertThat(service.started).isFalse();
    assertThat(service.closed).isTrue();
    assertThat(runner.adminServer()).isEmpty();
  }

  @Test
  void run_whenTheFactoryFails_throwsItsError() {
    ServiceRunner runner = new ServiceRunner(settings, context -> {
      throw new LoomException("cannot connect to postgresql://db/loom");
    });

    assertThatThrownBy(runner::run).isInstanceOf(LoomException.class).hasMessage("cannot connect to postgresql://db/loom");
    assertThat(runner.stop(Duration.ZERO)).isTrue();
  }

  private static void runQuietly(ServiceRunner runner) {
    try {
      runner.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
