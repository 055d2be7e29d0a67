package io.loom.systemtests.corpus;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.LoomConsumer;
import io.loom.mapping.MappingSource;
import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.kafka.common.header.Header;

/**
 * What the corpus suites share: the JVM's one PostgreSQL and Kafka broker, small pools, SQL helpers and a
 * consumer tuned for tests (short polls, lingers and backoffs).
 */
final class CorpusFixtures {
  static final Duration PATIENCE = Duration.ofMinutes(2);

  private CorpusFixtures() {}

  static TestPostgres postgres() {
    return TestPostgres.shared();
  }

  static TestKafka kafka() {
    return TestKafka.shared();
  }

  static HikariDataSource pool(String database) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres().jdbcUrl(database));
    config.setUsername(postgres().user());
    config.setPassword(postgres().password());
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    config.setPoolName("corpus-" + database);
    return new HikariDataSource(config);
  }

  static LoomConsumer.Builder consumer(MappingSource source, DataSource dataSource, String group) {
    return LoomConsumer.builder()
        .mappingSource(source)
        .dataSource(dataSource)
        .bootstrapServers(kafka().bootstrapServers())
        .groupId(group)
        .linger(Duration.ofMillis(50))
        .pollTimeout(Duration.ofMillis(100))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .kafkaProperty("session.timeout.ms", 10_000)
        .kafkaProperty("heartbeat.interval.ms", 1000);
  }

  /** The UTF-8 text of a header, or {@code null} if the record has none of that name. */
  static String header(Iterable<Header> headers, String key) {
    String value = null;
    for (Header h : headers) {
      if (h.key().equals(key)) {
        value = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
      }
    }
    return value;
  }
}
