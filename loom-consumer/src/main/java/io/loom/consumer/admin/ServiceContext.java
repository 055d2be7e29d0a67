package io.loom.consumer.admin;

import io.loom.consumer.settings.LoomSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What a {@link LoomServiceFactory} gets to build the service from.
 *
 * @param settings the resolved settings
 * @param meterRegistry where the service registers its meters; {@code GET /metrics} shows them
 */
public record ServiceContext(LoomSettings settings, MeterRegistry meterRegistry) {
  public ServiceContext {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
  }
}
