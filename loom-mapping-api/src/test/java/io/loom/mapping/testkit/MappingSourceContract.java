package io.loom.mapping.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.internal.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MappingSource} owes its callers, as one abstract JUnit 5 test that each
 * implementation extends in a few lines:
 *
 * <pre>{@code
 * class YamlMappingSourceContractTest extends MappingSourceContract {
 *   @TempDir Path dir;
 *
 *   protected MappingSource sourceWith(ConfigSnapshot fixture) {
 *     YamlConfigWriter.write(fixture, dir.resolve("loom.yml"));
 *     return YamlMappingSource.of(dir.resolve("loom.yml"));
 *   }
 *
 *   protected void replaceContent(MappingSource source, ConfigSnapshot content) {
 *     YamlConfigWriter.write(content, dir.resolve("loom.yml"));
 *   }
 *
 *   protected boolean supportsChanges() { return true; }
 *
 *   protected boolean supportsChangeNotification() { return true; }
 * }
 * }</pre>
 *
 * <p>The fixtures are {@link ContractFixtures}: a configuration using every feature of the model, a
 * changed one and an invalid one. A source must store a fixture as given (without validating it) and
 * give back a snapshot equal to it, fingerprint included; refuse the invalid one with exactly its
 * problems, each with a location; tell its subscribers about changes if it can; and keep working
 * after a refused configuration. Sources created through {@link #sourceWith} are closed after each
 * test.
 */
public abstract class MappingSourceContract {
  private final List<MappingSource> opened = new ArrayList<>();

  /**
   * A new source holding {@code fixture}: written to a file, inserted into the tables. Called once or
   * twice per test with different fixtures; each call starts from a clean store.
   */
  protected abstract MappingSource sourceWith(ConfigSnapshot fixture) throws Exception;

  /**
   * Replaces the configuration {@code source} holds with {@code content}, as an operator would
   * (rewrite the file, update the tables). Sources that cannot change keep this default, and the tests
   * about changes are skipped for them.
   */
  protected void replaceContent(MappingSource source, ConfigSnapshot content) throws Exception {
    throw new UnsupportedOperationException("this source does not support changes");
  }

  /** Whether {@link #replaceContent} is implemented. */
  protected boolean supportsChanges() {
    return false;
  }

  /** Whether the source calls its subscribers after a change. */
  protected boolean supportsChangeNotification() {
    return false;
  }

  /** Secrets the source was given (passwords); they must never appear in {@link MappingSource#describe()}. */
  protected Collection<String> secrets() {
    return List.of();
  }

  /** How long a change may take to be announced. */
  protected Duration notificationTimeout() {
    return Duration.ofSeconds(15);
  }

  private MappingSource open(ConfigSnapshot fixture) throws Exception {
    MappingSource source = sourceWith(fixture);
    opened.add(source);
    return source;
  }

  @AfterEach
  void closeSources() {
    for (MappingSource source : opened) {
      source.close();
    }
    opened.clear();
  }

  @Test
  void fixtures_areWhatTheyClaim() {
    assertThat(ConfigValidator.validate(ContractFixtures.full())).isEmpty();
    assertThat(ConfigValidator.validate(ContractFixtures.changed())).isEmpty();
    assertThat(ConfigValidator.validate(ContractFixtures.invalid()))
        .extracting(p -> p.path() + ": " + p.message())
        .containsExactlyElementsOf(ContractFixtures.invalidProblems());
  }

  @Test
  void load_returnsTheFixture() throws Exception {
    ConfigSnapshot fixture = ContractFixtures.full();
    MappingSource source = open(fixture);

    ConfigSnapshot loaded = source.load();

    assertThat(loaded.topics()).containsExactlyElementsOf(fixture.topics());
    assertThat(loaded.schemas()).containsExactlyElementsOf(fixture.schemas());
    assertThat(loaded.mappings()).containsExactlyElementsOf(fixture.mappings());
    assertThat(loaded.flows()).containsExactlyElementsOf(fixture.flows());
    assertThat(loaded).isEqualTo(fixture);
    assertThat(loaded.fingerprint()).isEqualTo(fixture.fingerprint());
  }

  @Test
  void load_ofAnEmptyConfiguration_returnsAnEmptySnapshot() throws Exception {
    MappingSource source = open(ConfigSnapshot.empty());

    assertThat(source.load()).isEqualTo(ConfigSnapshot.empty());
  }

  @Test
  void load_twice_givesEqualSnapshots() throws Exception {
    MappingSource source = open(ContractFixtures.full());

    ConfigSnapshot first = source.load();
    ConfigSnapshot second = source.load();

    assertThat(second).isEqualTo(first);
    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
  }

  @Test
  void reload_returnsTheFixture() throws Exception {
    MappingSource source = open(ContractFixtures.full());
    source.load();

    assertThat(source.reload()).isEqualTo(ContractFixtures.full());
  }

  @Test
  void load_fromManyThreads_givesEqualSnapshots() throws Exception {
    MappingSource source = open(ContractFixtures.full());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ConfigSnapshot>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(source::load));
      }
      for (Future<ConfigSnapshot> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(ContractFixtures.full());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void describe_namesTheSourceWithoutSecrets() throws Exception {
    MappingSource source = open(ContractFixtures.full());

    String description = source.describe();

    assertThat(description).isNotBlank();
    assertThat(Redaction.mask(description)).isEqualTo(description);
    for (String secret : secrets()) {
      assertThat(description).doesNotContain(secret);
      assertThat(source.toString()).doesNotContain(secret);
    }
  }

  @Test
  void close_isIdempotent() throws Exception {
    MappingSource source = open(ContractFixtures.full());
    source.load();

    source.close();
    source.close();
  }

  @Test
  void subscription_close_isIdempotent() throws Exception {
    MappingSource source = open(ContractFixtures.full());

    MappingSource.Subscription subscription = source.subscribe(() -> {});
    subscription.close();
    subscription.close();
  }

  @Test
  void invalidConfiguration_loadThrowsListingEveryProblem() throws Exception {
    MappingSource source = open(ContractFixtures.invalid());

    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, source::load);

    assertThat(e).as("load() of an invalid configuration must throw InvalidConfigurationException").isNotNull();
    assertThat(e.problems())
        .extracting(p -> p.path() + ": " + p.message())
        .containsExactlyInAnyOrderElementsOf(ContractFixtures.invalidProblems());
    for (String problem : ContractFixtures.invalidProblems()) {
      assertThat(e.getMessage()).contains(problem);
    }
  }

  @Test
  void invalidConfiguration_everyProblemSaysWhereItIs() throws Exception {
    MappingSource source = open(ContractFixtures.invalid());

    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, source::load);

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(ConfigProblem::location).doesNotContainNull();
    assertThat(e.getMessage()).contains(source.describe());
  }

  @Test
  void change_reloadReturnsTheNewContent() throws Exception {
    assumeTrue(supportsChanges(), "the source does not support changes");
    MappingSource source = open(ContractFixtures.full());
    source.load();

    replaceContent(source, ContractFixtures.changed());

    assertThat(source.reload()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void change_subscribersAreNotifiedAndLoadReturnsTheNewContent() throws Exception {
    assumeTrue(supportsChanges() && supportsChangeNotification(), "the source does not notify changes");
    MappingSource source = open(ContractFixtures.full());
    source.load();
    CountDownLatch notified = new CountDownLatch(1);
    source.subscribe(notified::countDown);

    replaceContent(source, ContractFixtures.changed());

    awaitNotification(notified);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void closedSubscription_isNotNotifiedWhileOthersAre() throws Exception {
    assumeTrue(supportsChanges() && supportsChangeNotification(), "the source does not notify changes");
    MappingSource source = open(ContractFixtures.full());
    CountDownLatch open = new CountDownLatch(1);
    AtomicInteger closedCalls = new AtomicInteger();
    source.subscribe(open::countDown);
    source.subscribe(closedCalls::incrementAndGet).close();

    replaceContent(source, ContractFixtures.changed());

    awaitNotification(open);
    assertThat(closedCalls).hasValue(0);
  }

  @Test
  void failingSubscriber_doesNotStopTheOthersNorLaterNotifications() throws Exception {
    assumeTrue(supportsChanges() && supportsChangeNotification(), "the source does not notify changes");
    MappingSource source = open(ContractFixtures.full());
    AtomicReference<CountDownLatch> failing = new AtomicReference<>(new CountDownLatch(1));
    AtomicReference<CountDownLatch> healthy = new AtomicReference<>(new CountDownLatch(1));
    source.subscribe(() -> {
      failing.get().countDown();
      throw new IllegalStateException("a listener failed on purpose");
    });
    source.subscribe(() -> healthy.get().countDown());

    replaceContent(source, ContractFixtures.changed());
    awaitNotification(failing.get());
    awaitNotification(healthy.get());
    failing.set(new CountDownLatch(1));
    healthy.set(new CountDownLatch(1));
    replaceContent(source, ContractFixtures.full());

    awaitNotification(failing.get());
    awaitNotification(healthy.get());
    assertThat(source.load()).isEqualTo(ContractFixtures.full());
  }

  @Test
  void changeToInvalid_isRefused_andTheSourceRecovers() throws Exception {
    assumeTrue(supportsChanges(), "the source does not support changes");
    MappingSource source = open(ContractFixtures.full());
    source.load();

    replaceContent(source, ContractFixtures.invalid());
    assertThatThrownBy(source::reload).isInstanceOf(InvalidConfigurationException.class);

    replaceContent(source, ContractFixtures.changed());
    assertThat(source.reload()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void changeToInvalid_isStillNotified() throws Exception {
    assumeTrue(supportsChanges() && supportsChangeNotification(), "the source does not notify changes");
    MappingSource source = open(ContractFixtures.full());
    CountDownLatch notified = new CountDownLatch(1);
    source.subscribe(notified::countDown);

    replaceContent(source, ContractFixtures.invalid());

    awaitNotification(notified);
    assertThatThrownBy(source::load).isInstanceOf(InvalidConfigurationException.class);
  }

  private void awaitNotification(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(notificationTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .as("a subscriber is told about the change within %s", notificationTimeout()).isTrue();
  }
}
