package io.loom.consumer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicMapping;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminViewsTest {
  private static final TopicMapping OTHER = new TopicMapping("device.other.raw", "device_other_raw", List.of(),
      ConflictStrategy.IGNORE, FakeBackend.GPS.fields());

  @Test
  void reloadResultApplied_listsAddedAndRemovedTopics() {
    ConfigSnapshot before = ConfigSnapshot.ofMappings(List.of(FakeBackend.GPS));
    ConfigSnapshot after = ConfigSnapshot.ofMappings(List.of(OTHER));

    ReloadResult result = ReloadResult.applied("yaml:x.yml", before, after);

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    assertThat(result.addedTopics()).containsExactly("device.other.raw");
    assertThat(result.removedTopics()).containsExactly("device.sensor.gps.raw");
    assertThat(result.previousFingerprint()).isEqualTo(before.fingerprint());
    assertThat(result.fingerprint()).isEqualTo(after.fingerprint());
    assertThat(result.outcome().httpStatus()).isEqualTo(200);
  }

  @Test
  void reloadResultApplied_onFirstLoad_hasNoPreviousFingerprint() {
    ReloadResult result = ReloadResult.applied("yaml:x.yml", null, FakeBackend.SNAPSHOT);

    assertThat(result.previousFingerprint()).isNull();
    assertThat(result.addedTopics()).containsExactly("device.sensor.gps.raw");
  }

  @Test
  void reloadResultRefused_keepsTheFingerprintInForce() {
    ReloadResult result = ReloadResult.refused("yaml:x.yml", FakeBackend.SNAPSHOT,
        List.of(new ConfigProblem("x.yml:4", "mappings[a.b.c].table_name", "bad")));

    assertThat(result.outcome().httpStatus()).isEqualTo(422);
    assertThat(result.fingerprint()).isEqualTo(FakeBackend.SNAPSHOT.fingerprint());
    assertThat(result.problems()).containsExactly(new ConfigIssue("x.yml:4", "mappings[a.b.c].table_name", "bad"));
    assertThat(result.message()).isEqualTo("configuration refused (1 problem); configuration "
        + FakeBackend.SNAPSHOT.fingerprint() + " stays in force");
    assertThat(ReloadResult.refused("yaml:x.yml", null, List.of()).message())
        .isEqualTo("configuration refused (0 problems); no configuration is in force");
  }

  @Test
  void reloadResultFailed_is503AndMasksPasswords() {
    ReloadResult result = ReloadResult.failed("postgresql://db/loom", null,
        new LoomException("cannot reach postgresql://u:secret@db/loom"));

    assertThat(result.outcome().httpStatus()).isEqualTo(503);
    assertThat(result.problems().get(0).message())
        .isEqualTo("the configuration cannot be read: cannot reach postgresql://u:****@db/loom");
  }

  @Test
  void validationReportCheck_reportsValidInvalidAndUnreadableSources() {
    ValidationReport valid = ValidationReport.check("yaml:x.yml", () -> FakeBackend.SNAPSHOT);
    ValidationReport invalid = ValidationReport.check("yaml:x.yml", () -> {
      throw new InvalidConfigurationException("yaml:x.yml",
          List.of(new ConfigProblem("x.yml:2", "mappings[a.b.c].fields", "no fields")));
    });
    ValidationReport unreadable = ValidationReport.check("postgresql://db/loom", () -> {
      throw new LoomException("connection to postgresql://u:pw@db/loom refused");
    });

    assertThat(valid.valid()).isTrue();
    assertThat(valid.fingerprint()).isEqualTo(FakeBackend.SNAPSHOT.fingerprint());
    assertThat(invalid.valid()).isFalse();
    assertThat(invalid.errors()).containsExactly(new ConfigIssue("x.yml:2", "mappings[a.b.c].fields", "no fields"));
    assertThat(unreadable.valid()).isFalse();
    assertThat(unreadable.errors()).containsExactly(new ConfigIssue(null, "source",
        "the configuration cannot be read: connection to postgresql://u:****@db/loom refused"));
  }

  @Test
  void validationReport_validMustAgreeWithErrors() {
    assertThatThrownBy(() -> new ValidationReport(true, "s", null, List.of(new ConfigIssue(null, "p", "m")), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("valid is true but there are 1 errors");
    assertThat(ValidationReport.of("s", "f", List.of(), List.of())
        .withWarnings(List.of(new ConfigProblem(null, "p", "w"))).warnings())
        .containsExactly(new ConfigIssue(null, "p", "w"));
  }

  @Test
  void errorView_masksPasswordsAndNamesExceptionsWithoutMessage() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(ErrorView.of(at, new LoomException("jdbc:postgresql://db/x?password=pw")).message())
        .isEqualTo("jdbc:postgresql://db/x?password=****");
    assertThat(ErrorView.of(at, new IllegalStateException()).message()).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void healthView_isUpOnlyWhenEveryCheckPasses() {
    assertThat(HealthView.of(HealthView.Check.ok("a", null), HealthView.Check.ok("b", null)).up()).isTrue();
    assertThat(HealthView.of(HealthView.Check.ok("a", null), HealthView.Check.failed("b", "down")).up()).isFalse();
    assertThat(HealthView.of(List.of()).up()).isTrue();
  }

  @Test
  void views_copyTheirCollections() {
    java.util.ArrayList<String> topics = new java.util.ArrayList<>(List.of("a.b.c"));
    StatusView status = new StatusView(RunState.RUNNING, null, "g", topics, null, 0, 0, 0, null, null, null);
    topics.add("d.e.f");

    assertThat(status.topics()).containsExactly("a.b.c");
    assertThat(status.partitions()).isEmpty();
    assertThat(status.settings()).isEmpty();
    assertThatThrownBy(() -> status.topics().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
