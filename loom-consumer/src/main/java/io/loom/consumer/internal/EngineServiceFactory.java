package io.loom.consumer.internal;

import io.loom.consumer.admin.LoomService;
import io.loom.consumer.admin.LoomServiceFactory;
import io.loom.consumer.admin.ServiceContext;

/** Registered in {@code META-INF/services} so that {@code loom run} finds the engine; builds an {@link EngineService}. */
public final class EngineServiceFactory implements LoomServiceFactory {
  @Override
  public LoomService create(ServiceContext context) {
    return EngineService.create(context);
  }
}
