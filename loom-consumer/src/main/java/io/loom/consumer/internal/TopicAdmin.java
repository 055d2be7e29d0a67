package io.loom.consumer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few cluster operations the engine needs: which topics exist, and creating missing dead-letter
 * topics with as many partitions as their source topic (or one) and room for its largest message plus
 * Loom's headers. Design note: failures are logged and
 * reported, never thrown into a reload: a dead-letter topic that cannot be created shows up later as
 * a publish failure, which stops its partition without losing anything. Thread-safe.
 */
public final class TopicAdmin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  /** Room for the {@code loom.*} headers a dead letter carries beyond its original message. */
  static final long DEAD_LETTER_HEADROOM_BYTES = 64 * 1024;

  private final Map<String, Object> properties;
  private final Duration timeout;
  private final Object lock = new Object();
  private Admin admin;
  private boolean closed;

  public TopicAdmin(Map<String, Object> clientProperties, Duration timeout, String clientId) {
    this.timeout = timeout;
    Map<String, Object> props = new HashMap<>();
    clientProperties.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    int millis = (int) Math.max(1000, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000));
    this.properties = Map.copyOf(props);
  }

  /**
   * The names of the topics that exist.
   *
   * @throws org.apache.kafka.common.KafkaException or a wrapped cause if the cluster does not answer in time
   */
  public Set<String> topicNames() throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    return admin().listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Creates the dead-letter topics that do not exist.
   *
   * @param deadLetterTopics dead-letter topic -> a source topic whose partition count it copies
   * @return the topics created
   */
  public List<String> ensureDeadLetterTopics(Map<String, String> deadLetterTopics) {
    if (deadLetterTopics.isEmpty()) {
      return List.of();
    }
    try {
      Set<String> existing = topicNames();
      Map<String, String> missing = new TreeMap<>();
      deadLetterTopics.forEach((dlq, source) -> {
        if (!existing.contains(dlq)) {
          missing.put(dlq, source);
        }
      });
      if (missing.isEmpty()) {
        return List.of();
      }
      List<String> sources = missing.values().stream().filter(existing::contains).distinct().toList();
      Map<String, Integer> partitions = new HashMap<>();
      if (!sources.isEmpty()) {
        Map<String, KafkaFuture<TopicDescription>> described = admin().describeTopics(sources).topicNameValues();
        for (String source : sources) {
          partitions.put(source, described.get(source).get(timeout.toMillis(), TimeUnit.MILLISECONDS).partitions().size());
        }
      }
      Map<String, Long> maxBytes = maxMessageBytes(sources);
      List<NewTopic> topics = new ArrayList<>();
      missing.forEach((dlq, source) -> {
        NewTopic topic = new NewTopic(dlq, Optional.of(partitions.getOrDefault(source, 1)), Optional.empty());
        Long max = maxBytes.get(source);
        if (max != null) {
          topic.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
              Long.toString(Math.min(Integer.MAX_VALUE, max + DEAD_LETTER_HEADROOM_BYTES))));
        }
        topics.add(topic);
      });
      Map<String, KafkaFuture<Void>> results = admin().createTopics(topics).values();
      List<String> created = new ArrayList<>();
      for (NewTopic topic : topics) {
        try {
          results.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          created.add(topic.name());
          LOG.info("created dead-letter topic {} with {} partition(s)", topic.name(), topic.numPartitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            LOG.warn("cannot create dead-letter topic {}: {}; messages rejected on its source topic will stop"
                + " their partition until it can be written", topic.name(), message(e.getCause()));
          }
        }
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException e) {
      LOG.warn("cannot check or create the dead-letter topics {}: {}", deadLetterTopics.keySet(), message(e.getCause()));
      return List.of();
    } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
      LOG.warn("cannot check or create the dead-letter topics {}: {}", deadLetterTopics.keySet(), message(e));
      return List.of();
    }
  }

  /**
   * The {@code max.message.bytes} of each source topic, so that its dead-letter topic takes whatever the
   * source took plus the {@code loom.*} headers. Topics whose settings cannot be read (no DescribeConfigs
   * permission, a slow cluster) are left out: their dead-letter topic gets the broker's default.
   */
  private Map<String, Long> maxMessageBytes(List<String> topics) {
    Map<String, Long> result = new HashMap<>();
    if (topics.isEmpty()) {
      return result;
    }
    try {
      Map<ConfigResource, KafkaFuture<Config>> configs = admin().describeConfigs(topics.stream()
          .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).values();
      for (String topic : topics) {
        ConfigEntry entry = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry != null && entry.value() != null) {
          result.put(topic, Long.parseLong(entry.value()));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      LOG.warn("cannot read max.message.bytes of {}: {}; their dead-letter topics get the broker's default", topics,
          message(e instanceof ExecutionException ? e.getCause() : e));
    }
    return result;
  }

  private Admin admin() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the topic admin client is closed");
      }
      if (admin == null) {
        admin = Admin.create(properties);
      }
      return admin;
    }
  }

  private static String message(Throwable t) {
    return t == null ? "unknown cause" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public void close() {
    Admin toClose;
    synchronized (lock) {
      closed = true;
      toClose = admin;
      admin = null;
    }
    if (toClose != null) {
      toClose.close(Duration.ofSeconds(5));
    }
  }
}
