package io.loom.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller, node id 1) running inside this JVM,
 * for tests, benchmarks and the quick start.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #shared()} gives one broker per JVM, started on first use and stopped by a shutdown hook;
 *       {@link #startNew()} / {@link #builder()} give a private broker that the caller must {@link #close()}.</li>
 *   <li>The broker listens on {@code 127.0.0.1} on two ports that were free at start-up (clients and controller)
 *       and keeps them, and its log directory, across {@link #stop()} / {@link #start()} / {@link #restart()}:
 *       {@link #bootstrapServers()} stays valid and records written before a restart can be read after it.</li>
 *   <li>Topics are not created automatically (unless the builder enables it); use {@link #createTopic}.
 *       Internal topics use replication factor 1 and a single partition.</li>
 *   <li>Files live in {@code <base>/kafka-<random>} (see {@link TestPostgres} for the base directory);
 *       {@link #close()} deletes them.</li>
 *   <li>While a broker of this class has been started, Kafka's exit and halt procedures are replaced so that a
 *       fatal broker error is logged and thrown instead of terminating the JVM.</li>
 * </ul>
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. Lifecycle methods ({@code start},
 * {@code stop}, {@code restart}, {@code close}) are serialised; {@link #createTopic}, {@link #produce} and
 * {@link #consume} may run concurrently with each other, and fail at once while the broker is stopped (clients
 * of your own keep retrying and reconnect after {@link #start()}).
 */
public final class TestKafka extends EmbeddedService {

    private static final String HOST = "127.0.0.1";
    private static final String KIND = "kafka";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong TOPIC_COUNTER = new AtomicLong();
    private static final AtomicBoolean EXIT_GUARD_INSTALLED = new AtomicBoolean();
    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);

    private static TestKafka shared;

    private final Path configFile;
    private final int port;
    private final int controllerPort;
    private final Properties brokerProperties;

    private KafkaRaftServer server; // guarded by this; null while stopped
    private KafkaProducer<byte[], byte[]> producer; // guarded by this

    private TestKafka(Builder builder, boolean isShared) {
        super(ServiceDirectories.create(builder.baseDirectory, KIND, stale -> { }), isShared, builder.shutdownHook);
        this.configFile = directory.path().resolve("server.properties");
        int[] ports = FreePorts.find(2);
        this.port = ports[0];
        this.controllerPort = ports[1];
        this.brokerProperties = brokerProperties(builder);
    }

    /**
     * The broker shared by everything in this JVM, started on first call. If a test left it stopped, it is
     * started again (same ports, same data). {@link #close()} on it does nothing: a shutdown hook stops it.
     *
     * @throws IllegalStateException if the broker cannot be started
     */
    public static synchronized TestKafka shared() {
        shared = sharedInstance(shared, () -> new TestKafka(new Builder(), true));
        return shared;
    }

    /** Starts a new private broker in the default base directory. The caller must {@link #close()} it. */
    public static TestKafka startNew() {
        return builder().start();
    }

    /** A builder for a private broker, for a different base directory or broker settings. */
    public static Builder builder() {
        return new Builder();
    }

    private Properties brokerProperties(Builder builder) {
        Path logDirectory = directory.path().resolve("logs");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        settings.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("log.dirs", logDirectory.toString());
        settings.put("auto.create.topics.enable", Boolean.toString(builder.autoCreateTopics));
        settings.put("num.partitions", "1");
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("share.coordinator.state.topic.num.partitions", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("server.max.startup.time.ms", Long.toString(STARTUP_TIMEOUT.toMillis()));
        // A small machine runs tests: fewer threads, and a small log cleaner buffer (the default takes 128 MB of heap).
        settings.put("num.network.threads", "2");
        settings.put("num.io.threads", "2");
        settings.put("background.threads", "2");
        settings.put("num.recovery.threads.per.data.dir", "1");
        settings.put("log.cleaner.threads", "1");
        settings.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        settings.putAll(builder.brokerProperties);
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }

    /** {@code 127.0.0.1:<port>}: the value for the clients' {@code bootstrap.servers}; the same for the whole life of this object. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /**
     * A fresh topic name, unique in this JVM, of the shape Loom accepts
     * ({@code ^[a-z0-9]+\.[a-z0-9]+\.[a-z0-9]+(\.[a-z0-9]+)?$}): {@code t<n>.<prefix>.raw}, where {@code prefix} is
     * lower-cased and stripped of everything but {@code [a-z0-9]} ({@code topic} if nothing is left).
     * The topic is not created.
     */
    public String uniqueTopic(String prefix) {
        String cleaned = Objects.requireNonNull(prefix, "prefix").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (cleaned.isEmpty()) {
            cleaned = "topic";
        }
        return "t" + TOPIC_COUNTER.incrementAndGet() + "." + cleaned + ".raw";
    }

    /** {@link #createTopic(String, int, Map)} without topic settings. */
    public String createTopic(String name, int partitions) {
        return createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader, so producers and
     * consumers can use it immediately.
     *
     * @param configs topic settings such as {@code cleanup.policy}; may be empty
     * @return {@code name}
     * @throws IllegalStateException if the topic cannot be created (it exists, the name is invalid, the broker is
     *     down) or does not get leaders within 30 s
     */
    public String createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        requireRunning();
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
            while (!allPartitionsHaveLeaders(admin, name, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic " + name + " did not get a leader for all " + partitions
                            + " partitions on " + bootstrapServers() + " within " + OPERATION_TIMEOUT.toSeconds() + " s");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            return name;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + name + " with " + partitions + " partitions on "
                    + bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name + " on " + bootstrapServers() + " within "
                    + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }

    private static boolean allPartitionsHaveLeaders(Admin admin, String topic, int partitions)
            throws InterruptedException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            List<TopicPartitionInfo> infos = description.partitions();
            return infos.size() == partitions && infos.stream().allMatch(info -> hasLeader(info.leader()));
        } catch (ExecutionException | TimeoutException e) {
            return false; // not yet in the broker's metadata
        }
    }

    private static boolean hasLeader(Node leader) {
        return leader != null && !leader.isEmpty() && leader.id() >= 0;
    }

    /**
     * Sends one record with UTF-8 key and value and waits for the broker's acknowledgement ({@code acks=all}).
     *
     * @param key may be null
     * @return where the record was written
     * @throws IllegalStateException if the broker is stopped or the record is not acknowledged within 30 s
     */
    public RecordMetadata produce(String topic, String key, String value) {
        return produce(new ProducerRecord<>(topic,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends one record (with a chosen partition, headers or timestamp) and waits for the broker's acknowledgement.
     *
     * @throws IllegalStateException if the record is not acknowledged within 30 s
     */
    public RecordMetadata produce(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer().send(record).get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not produce to " + record.topic() + " on " + bootstrapServers() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Record to " + record.topic() + " was not acknowledged by "
                    + bootstrapServers() + " within " + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while producing to " + record.topic(), e);
        }
    }

    /**
     * Reads a topic from the beginning of all its partitions, without a consumer group, until at least
     * {@code minRecords} records have been read.
     *
     * @return the records read, in the order received (per partition in offset order); at least {@code minRecords}
     * @throws IllegalStateException if fewer than {@code minRecords} records arrive within {@code timeout} (the
     *     message says how many did), or the broker is stopped
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int minRecords, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        requireRunning();
        Properties properties = consumerProperties("unused");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                try {
                    partitions = consumer.partitionsFor(topic, Duration.ofMillis(200)).stream()
                            .map(info -> new TopicPartition(info.topic(), info.partition()))
                            .collect(Collectors.toList());
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // not known to the broker yet; ask again until the deadline
                }
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist on " + bootstrapServers()
                        + " (waited " + timeout.toMillis() + " ms), got 0 records");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < minRecords && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("Could not read topic " + topic + " on " + bootstrapServers() + ": "
                    + e.getMessage(), e);
        }
        if (records.size() < minRecords) {
            throw new IllegalStateException("Expected at least " + minRecords + " records in topic " + topic + " on "
                    + bootstrapServers() + " within " + timeout.toMillis() + " ms, got " + records.size());
        }
        return records;
    }

    /**
     * Settings for a {@code KafkaProducer<byte[], byte[]>} talking to this broker ({@code acks=all}, idempotent).
     * A new mutable copy on every call.
     */
    public Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return properties;
    }

    /**
     * Settings for a {@code KafkaConsumer<byte[], byte[]>} in group {@code groupId}: earliest offset reset, no
     * automatic commits. A new mutable copy on every call.
     */
    public Properties consumerProperties(String groupId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return properties;
    }

    /** Settings for an {@code Admin} client talking to this broker. A new mutable copy on every call. */
    public Properties adminProperties() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    @Override
    public String toString() {
        return "TestKafka[" + bootstrapServers() + (isShared() ? ", shared" : "") + "]";
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        requireRunning();
        if (producer == null) {
            Properties properties = producerProperties();
            properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(OPERATION_TIMEOUT.toMillis()));
            properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(OPERATION_TIMEOUT.toMillis()));
            properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            producer = new KafkaProducer<>(properties);
        }
        return producer;
    }

    private synchronized void requireRunning() {
        requireOpen();
        if (server == null) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " is stopped");
        }
    }

    /** Formats the log directory for a new cluster, the way {@code kafka-storage.sh format} does. */
    private void format() {
        try (OutputStream out = Files.newOutputStream(configFile)) {
            brokerProperties.store(out, "Test broker " + bootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + configFile, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(new String[] {
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile.toString()
            }, printStream);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not format the Kafka log directory in " + directory.path() + ": "
                    + e.getMessage(), e);
        }
        if (status != 0) {
            throw new IllegalStateException("Could not format the Kafka log directory in " + directory.path()
                    + " (status " + status + "): " + output.toString(StandardCharsets.UTF_8).trim());
        }
    }

    @Override
    String describe() {
        return "Kafka broker on " + bootstrapServers();
    }

    @Override
    String files() {
        return "logs in " + directory.path();
    }

    @Override
    boolean serverRunning() {
        return server != null;
    }

    @Override
    void prepare() {
        installExitGuard();
        format();
    }

    @Override
    void startServer() {
        server = newServer();
    }

    private KafkaRaftServer newServer() {
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties, false), Time.SYSTEM);
        try {
            starting.startup(); // returns once the broker is unfenced and accepts requests
            awaitReady();
            return starting;
        } catch (RuntimeException e) {
            shutDown(starting);
            throw new IllegalStateException("Kafka broker did not become ready on " + bootstrapServers() + " within "
                    + STARTUP_TIMEOUT.toSeconds() + " s: " + e.getMessage(), e);
        }
    }

    /** Confirms from the client side that the broker answers metadata requests and is registered. */
    private void awaitReady() {
        Properties properties = adminProperties();
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(STARTUP_TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(properties)) {
            Collection<Node> nodes = admin.describeCluster().nodes()
                    .get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("the cluster reports no brokers");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer to a metadata request", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    void stopServer() {
        KafkaRaftServer running = server;
        server = null;
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
        shutDown(running);
    }

    private static void shutDown(KafkaRaftServer running) {
        running.shutdown();
        running.awaitShutdown();
    }

    /** A fatal error inside an in-process broker must not terminate the test JVM. */
    private static void installExitGuard() {
        if (EXIT_GUARD_INSTALLED.compareAndSet(false, true)) {
            Exit.Procedure refuse = (status, message) -> {
                String text = "Kafka tried to terminate the JVM with status " + status + ": " + message;
                LOG.error(text + " (refused: the broker runs inside a test JVM)");
                throw new IllegalStateException(text);
            };
            Exit.setExitProcedure(refuse);
            Exit.setHaltProcedure(refuse);
        }
    }

    /**
     * Configures a private {@link TestKafka}: {@link #shutdownHook(boolean)}, {@link #baseDirectory(Path)}
     * (where the broker's directory goes) and broker settings. Not thread-safe; use it from one thread.
     */
    public static final class Builder extends ServiceBuilder<Builder> {
        private boolean autoCreateTopics;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Whether producing to or fetching metadata of an unknown topic creates it (default false). */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /**
         * Any broker setting, applied last (it overrides the defaults of this class). Listener, port and
         * directory settings must not be changed.
         */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Formats a fresh log directory and starts the broker.
         *
         * @throws IllegalStateException if it does not become ready within 60 s
         */
        public TestKafka start() {
            TestKafka started = new TestKafka(this, false);
            started.launch();
            return started;
        }
    }
}
