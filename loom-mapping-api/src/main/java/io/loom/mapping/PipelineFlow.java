package io.loom.mapping;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@code pipeline_flows} row with its stages, ordered by {@code stage_order}.
 *
 * @param priority critical, high, medium or low
 */
public record PipelineFlow(
    String flowName,
    String description,
    String priority,
    Integer expectedEventsPerSecond,
    Integer averageEventSizeBytes,
    int peakMultiplier,
    boolean active,
    List<PipelineStage> stages) {

  public static final int DEFAULT_PEAK_MULTIPLIER = 3;
  public static final String DEFAULT_PRIORITY = "medium";

  public PipelineFlow {
    Objects.requireNonNull(flowName, "flowName");
    priority = priority == null ? DEFAULT_PRIORITY : priority;
    stages =
        (stages == null ? List.<PipelineStage>of() : stages)
            .stream()
            .sorted(Comparator.comparingInt(PipelineStage::stageOrder).thenComparing(PipelineStage::stageName))
            .toList();
  }
}
