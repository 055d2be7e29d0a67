package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
  private static final TestKafka KAFKA = TestKafka.shared();

  @Test
  void ensureDeadLetterTopics_copiesPartitionsAndRoomForTheSourcesLargestMessage() throws Exception {
    String big = KAFKA.createTopic(KAFKA.uniqueTopic("adminbig"), 2,
        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "3000000"));
    String plain = KAFKA.createTopic(KAFKA.uniqueTopic("adminplain"), 1);
    try (TopicAdmin admin = new TopicAdmin(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
        Duration.ofSeconds(30), "topic-admin-test")) {
      List<String> created = admin.ensureDeadLetterTopics(Map.of(big + ".dlq", big, plain + ".dlq", plain));

      assertThat(created).containsExactlyInAnyOrder(big + ".dlq", plain + ".dlq");
    }
    try (Admin admin = Admin.create(KAFKA.adminProperties())) {
      TopicDescription description = admin.describeTopics(List.of(big + ".dlq")).allTopicNames()
          .get(30, TimeUnit.SECONDS).get(big + ".dlq");
      assertThat(description.partitions()).hasSize(2);
      assertThat(maxMessageBytes(admin, big + ".dlq")).isEqualTo(3000000 + TopicAdmin.DEAD_LETTER_HEADROOM_BYTES);
      assertThat(maxMessageBytes(admin, plain + ".dlq"))
          .isEqualTo(maxMessageBytes(admin, plain) + TopicAdmin.DEAD_LETTER_HEADROOM_BYTES);
    }
  }

  private static long maxMessageBytes(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    return Long.parseLong(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
  }
}
