package io.loom.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TestKafkaTest {

    private static final Pattern LOOM_TOPIC = Pattern.compile("^[a-z0-9]+\\.[a-z0-9]+\\.[a-z0-9]+(\\.[a-z0-9]+)?$");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shared_createsTopicAndRoundTripsRecordsThroughAConsumerGroup() {
        TestKafka kafka = TestKafka.shared();
        assertThat(TestKafka.shared()).isSameAs(kafka);
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
        String topic = kafka.createTopic(kafka.uniqueTopic("roundtrip"), 4);

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, i % 4, bytes("k" + i), bytes("{\"n\":" + i + "}")));
            }
            producer.flush();
        }

        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties("roundtrip-group"))) {
            consumer.subscribe(List.of(topic));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= 40;
            });
            consumer.commitSync();
        }
        assertThat(received).hasSize(40);
        assertThat(received.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(received.stream().map(r -> string(r.value())))
                .contains("{\"n\":0}", "{\"n\":39}");
    }

    @Test
    void createTopic_waitsUntilEveryPartitionHasALeaderAndAppliesSettings() throws Exception {
        TestKafka kafka = TestKafka.shared();
        String topic = kafka.createTopic(kafka.uniqueTopic("settings"), 3, Map.of("cleanup.policy", "compact"));

        try (Admin admin = Admin.create(kafka.adminProperties())) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(description.partitions()).hasSize(3)
                    .allSatisfy(partition -> assertThat(partition.leader().id()).isEqualTo(1));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
        RecordMetadata written = kafka.produce(topic, "key", "value");
        assertThat(written.topic()).isEqualTo(topic);
    }

    @Test
    void createTopic_ofAnExistingTopic_failsNamingIt() {
        TestKafka kafka = TestKafka.shared();
        String topic = kafka.createTopic(kafka.uniqueTopic("twice"), 1);

        assertThatThrownBy(() -> kafka.createTopic(topic, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining(kafka.bootstrapServers());
    }

    @Test
    void consume_ofAnUnknownTopic_failsWhenAutoCreationIsOff() {
        TestKafka kafka = TestKafka.shared();
        String topic = kafka.uniqueTopic("missing");

        assertThatThrownBy(() -> kafka.consume(topic, 1, Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining("does not exist");
    }

    @Test
    void consume_withTooFewRecords_failsSayingHowManyArrived() {
        TestKafka kafka = TestKafka.shared();
        String topic = kafka.createTopic(kafka.uniqueTopic("few"), 2);
        kafka.produce(topic, "a", "1");

        assertThatThrownBy(() -> kafka.consume(topic, 2, Duration.ofMillis(700)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Expected at least 2 records in topic " + topic)
                .hasMessageContaining("got 1");
    }

    @Test
    void uniqueTopic_followsLoomTopicNamingAndNeverRepeats() {
        TestKafka kafka = TestKafka.shared();
        Set<String> names = new HashSet<>();
        for (String prefix : List.of("orders", "Device_Sensor-GPS", "###", "x")) {
            String name = kafka.uniqueTopic(prefix);
            assertThat(name).matches(LOOM_TOPIC);
            names.add(name);
        }
        assertThat(names).hasSize(4);
        assertThat(kafka.uniqueTopic("Device_Sensor-GPS")).matches("t\\d+\\.devicesensorgps\\.raw");
    }

    @Test
    void restart_keepsPortsAndRecordsAndAcceptsNewRecords() {
        try (TestKafka kafka = TestKafka.startNew()) {
            String bootstrap = kafka.bootstrapServers();
            String topic = kafka.createTopic(kafka.uniqueTopic("restart"), 4);
            for (int i = 0; i < 8; i++) {
                kafka.produce(new ProducerRecord<>(topic, i % 4, bytes("k" + i), bytes("before-" + i)));
            }

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                producer.send(new ProducerRecord<>(topic, 0, null, bytes("from-long-lived-producer-1"))).get();

                kafka.restart();

                assertThat(kafka.isRunning()).isTrue();
                assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
                // A producer created before the restart reconnects by itself.
                await().atMost(WAIT).untilAsserted(() -> assertThat(producer
                        .send(new ProducerRecord<>(topic, 1, null, bytes("from-long-lived-producer-2")))
                        .get().offset()).isGreaterThanOrEqualTo(0));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            kafka.produce(new ProducerRecord<>(topic, 2, bytes("k"), bytes("after")));

            List<String> values = kafka.consume(topic, 11, WAIT).stream()
                    .map(r -> string(r.value())).collect(Collectors.toList());
            assertThat(values).hasSize(11)
                    .contains("before-0", "before-7", "from-long-lived-producer-1", "from-long-lived-producer-2", "after");
        }
    }

    @Test
    void stop_makesProducingFailUntilStartedAgain() {
        try (TestKafka kafka = TestKafka.builder().brokerProperty("log.retention.hours", "1").start()) {
            String topic = kafka.createTopic(kafka.uniqueTopic("stopstart"), 1);
            kafka.produce(topic, "k", "one");

            kafka.stop();
            kafka.stop(); // idempotent

            assertThat(kafka.isRunning()).isFalse();
            assertThatThrownBy(() -> new Socket("127.0.0.1", kafka.port()).close()).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> kafka.produce(topic, "k", "lost"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(kafka.bootstrapServers() + " is stopped");

            kafka.start();

            kafka.produce(topic, "k", "two");
            assertThat(kafka.consume(topic, 2, WAIT)).extracting(r -> string(r.value())).containsExactly("one", "two");
        }
    }

    @Test
    void autoCreateTopics_whenEnabled_createsTopicsOnFirstUse() {
        try (TestKafka kafka = TestKafka.builder().autoCreateTopics(true).start()) {
            String topic = kafka.uniqueTopic("auto");

            await().atMost(WAIT).untilAsserted(() -> kafka.produce(topic, null, "created on use"));

            assertThat(kafka.consume(topic, 1, WAIT)).extracting(r -> string(r.value()))
                    .containsExactly("created on use");
        }
    }

    @Test
    void close_isIdempotentAndFreesThePort() {
        TestKafka kafka = TestKafka.startNew();
        int port = kafka.port();

        kafka.close();
        kafka.close();

        assertThat(kafka.isRunning()).isFalse();
        assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        await().atMost(WAIT).untilAsserted(() -> {
            try (var socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            }
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
