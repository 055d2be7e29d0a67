package io.loom.consumer.internal;

import io.loom.mapping.RecordMapper;
import io.loom.mapping.TopicMapping;
import io.loom.sink.TableTarget;
import java.util.Objects;

/**
 * Everything the poll loop needs for the messages of one topic, looked up once per partition and
 * poll: the compiled mapper, the sink target and the dead-letter topic in effect.
 *
 * @param mapping the topic mapping
 * @param mapper its compiled mapper
 * @param target where its rows go
 * @param deadLetterTopic where its rejected messages go
 */
public record Route(TopicMapping mapping, RecordMapper mapper, TableTarget target, String deadLetterTopic) {
  public Route {
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
  }

  public String topic() {
    return mapping.topic();
  }
}
