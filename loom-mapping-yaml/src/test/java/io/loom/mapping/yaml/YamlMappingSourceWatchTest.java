package io.loom.mapping.yaml;

import static io.loom.mapping.yaml.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.testkit.ContractFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File watching: what counts as a change, debouncing, atomic replacement, half-written files, threads. */
class YamlMappingSourceWatchTest {
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration QUIET = Duration.ofMillis(150);
  /** Long enough that a change, had one been seen, would have been announced. */
  private static final Duration NOTHING_HAPPENS = Duration.ofMillis(700);

  @TempDir Path directory;
  private YamlMappingSource source;
  private final AtomicInteger notifications = new AtomicInteger();

  private YamlMappingSource watch(Path path) {
    source = YamlMappingSource.builder(path).pollInterval(POLL).quietPeriod(QUIET).build();
    source.subscribe(notifications::incrementAndGet);
    return source;
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private Path file() {
    return directory.resolve("loom.yml");
  }

  private static String yaml(ConfigSnapshot snapshot) {
    return YamlConfigWriter.toYaml(snapshot);
  }

  private void awaitNotifications(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> notifications.get() == count);
  }

  private void assertNoMoreNotifications(int count) {
    await().during(NOTHING_HAPPENS).atMost(NOTHING_HAPPENS.plusSeconds(5)).until(() -> notifications.get() == count);
  }

  @Test
  void rewriteInPlace_notifiesOnce_andLoadReturnsTheNewContent() {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    write(file(), yaml(ContractFixtures.changed()));

    awaitNotifications(1);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
    assertNoMoreNotifications(1);
  }

  @Test
  void burstOfWrites_isAnnouncedOnceAfterTheQuietPeriod() {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    for (int i = 0; i < 20; i++) {
      write(file(), yaml(i % 2 == 0 ? ContractFixtures.changed() : ContractFixtures.invalid()));
    }
    write(file(), yaml(ContractFixtures.changed()));

    awaitNotifications(1);
    assertNoMoreNotifications(1);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void atomicRenameIntoPlace_isSeen() throws Exception {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    Path temporary = write(directory.resolve("loom.yml.tmp"), yaml(ContractFixtures.changed()));
    Files.move(temporary, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    awaitNotifications(1);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void symlinkSwap_asMountedConfigurationVolumesDo_isSeen() throws Exception {
    write(directory.resolve("..v1/loom.yml"), yaml(ContractFixtures.full()));
    write(directory.resolve("..v2/loom.yml"), yaml(ContractFixtures.changed()));
    Files.createSymbolicLink(directory.resolve("..data"), Path.of("..v1"));
    Files.createSymbolicLink(file(), Path.of("..data/loom.yml"));
    watch(file());
    assertThat(source.load()).isEqualTo(ContractFixtures.full());

    Files.createSymbolicLink(directory.resolve("..data_tmp"), Path.of("..v2"));
    Files.move(directory.resolve("..data_tmp"), directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);

    awaitNotifications(1);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void halfWrittenFile_isAnnouncedButRefused_thenTheCompletedFileIsTaken() {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());
    String complete = yaml(ContractFixtures.changed());
    String half = complete.substring(0, complete.indexOf("{source_field_path: data.latitude") + 25);

    write(file(), half);
    awaitNotifications(1);
    assertThatThrownBy(source::load).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("not valid YAML");

    write(file(), complete);
    awaitNotifications(2);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void truncatedToNothing_isRefusedNotTakenAsEmpty() {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    write(file(), "");

    awaitNotifications(1);
    assertThatThrownBy(source::load).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("the file is empty");
  }

  @Test
  void deletedThenRecreated_isAnnouncedBothTimes() throws Exception {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    Files.delete(file());
    awaitNotifications(1);
    assertThatThrownBy(source::load).isInstanceOf(LoomException.class).hasMessageContaining("does not exist");

    write(file(), yaml(ContractFixtures.changed()));
    awaitNotifications(2);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void touchWithoutChangingContent_isNotAChange() throws Exception {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    Files.setLastModifiedTime(file(), FileTime.from(Instant.now().plusSeconds(60)));

    assertNoMoreNotifications(0);
  }

  @Test
  void sameSizeRewrite_isSeenFromTheContent() throws Exception {
    write(file(), yaml(ContractFixtures.full()).replace("retention_days: 30", "retention_days: 31"));
    FileTime time = Files.getLastModifiedTime(file());
    watch(file());

    write(file(), yaml(ContractFixtures.full()));
    Files.setLastModifiedTime(file(), time);

    awaitNotifications(1);
    assertThat(source.load()).isEqualTo(ContractFixtures.full());
  }

  @Test
  void includedSchemaFile_changing_isAChange() {
    write(directory.resolve("schemas/a.json"), "{\"type\": \"object\"}");
    write(file(), "format: loom\nschemas: [{topic_name: a.a.a, version: v1, is_current: true,"
        + " schema_file: schemas/a.json}]\n");
    watch(file());
    assertThat(source.load().schemas().get(0).schemaJson()).isEqualTo("{\"type\":\"object\"}");

    write(directory.resolve("schemas/a.json"), "{\"type\": \"object\", \"title\": \"v1, edited\"}");

    awaitNotifications(1);
    assertThat(source.load().schemas().get(0).schemaJson()).isEqualTo("{\"title\":\"v1, edited\",\"type\":\"object\"}");
  }

  @Test
  void directory_newFile_isAChange_hiddenAndOtherFilesAreNot() {
    write(directory.resolve("a.yml"), "format: loom\ntopics: [{topic_name: a.a.a}]\n");
    watch(directory);

    write(directory.resolve(".a.yml.swp"), "editor swap");
    write(directory.resolve(".b.yml"), "format: loom\n");
    write(directory.resolve("notes.txt"), "notes");
    assertNoMoreNotifications(0);

    write(directory.resolve("b.yml"), "format: loom\ntopics: [{topic_name: b.b.b}]\n");
    awaitNotifications(1);
    assertThat(source.load().topics()).hasSize(2);
  }

  @Test
  void directory_fileRemoved_isAChange() throws Exception {
    write(directory.resolve("a.yml"), "format: loom\ntopics: [{topic_name: a.a.a}]\n");
    write(directory.resolve("b.yml"), "format: loom\ntopics: [{topic_name: b.b.b}]\n");
    watch(directory);

    Files.delete(directory.resolve("b.yml"));

    awaitNotifications(1);
    assertThat(source.load().topics()).hasSize(1);
  }

  @Test
  void writtenByYamlConfigWriter_isSeenWhole() {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());

    YamlConfigWriter.write(ContractFixtures.changed(), file());

    awaitNotifications(1);
    assertThat(source.load()).isEqualTo(ContractFixtures.changed());
  }

  @Test
  void lastSubscriptionClosed_stopsTheWatcherThread_andANewSubscriptionStartsAgain() {
    write(file(), yaml(ContractFixtures.full()));
    source = YamlMappingSource.builder(file()).pollInterval(POLL).quietPeriod(QUIET).build();
    MappingSource.Subscription first = source.subscribe(notifications::incrementAndGet);
    MappingSource.Subscription second = source.subscribe(() -> {});
    await().atMost(Duration.ofSeconds(5)).until(() -> watcherThreads() == 1);

    first.close();
    assertThat(watcherThreads()).isEqualTo(1);
    second.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcherThreads() == 0);

    source.subscribe(notifications::incrementAndGet);
    write(file(), yaml(ContractFixtures.changed()));
    awaitNotifications(1);
  }

  @Test
  void close_stopsTheWatcherThread_andTheSourceRefusesFurtherUse() {
    write(file(), yaml(ContractFixtures.full()));
    watch(file());
    await().atMost(Duration.ofSeconds(5)).until(() -> watcherThreads() == 1);

    source.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> watcherThreads() == 0);
    assertThatThrownBy(source::load).isInstanceOf(LoomException.class).hasMessage("yaml:" + file() + " is closed");
    assertThatThrownBy(() -> source.subscribe(() -> {})).hasMessage("yaml:" + file() + " is closed");
  }

  @Test
  void classpathSource_neverChanges_andStartsNoThread() {
    try (YamlMappingSource sample = YamlMappingSource.classpath(SampleConfiguration.RESOURCE)) {
      sample.subscribe(notifications::incrementAndGet).close();
      MappingSource.Subscription open = sample.subscribe(notifications::incrementAndGet);

      assertThat(threadsNamed("loom-yaml-watch[yaml:classpath:")).isZero();
      open.close();
    }
  }

  private long watcherThreads() {
    return threadsNamed("loom-yaml-watch[" + source.describe() + "]");
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .count();
  }
}
