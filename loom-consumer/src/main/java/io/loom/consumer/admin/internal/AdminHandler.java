package io.loom.consumer.admin.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.loom.consumer.admin.AdminBackend;
import io.loom.consumer.admin.HealthView;
import io.loom.consumer.admin.ReloadResult;
import io.loom.mapping.internal.Redaction;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes admin requests to the {@link AdminBackend}. Design note: one handler for every path, so that
 * unknown paths (404, JSON) and wrong methods (405 with {@code Allow}) are answered in one place; any
 * exception becomes a 500 whose body carries only the (masked) message, while the stack trace goes to
 * the log.
 */
public final class AdminHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);

  static final String JSON = "application/json; charset=utf-8";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** An answer. */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Response json(int status, Object value) {
      return new Response(status, JSON, Json.write(value), Map.of());
    }

    static Response error(int status, String error, String message, Map<String, String> headers) {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("error", error);
      body.put("message", message);
      return new Response(status, JSON, Json.write(body), headers);
    }
  }

  private record Route(String method, Function<HttpExchange, Response> action) {}

  private final AdminBackend backend;
  private final byte[] token;
  private final PrometheusMeterRegistry metrics;
  private final Map<String, Route> routes = new LinkedHashMap<>();

  /**
   * @param token the bearer token POST /reload-config requires, or {@code null} for none
   * @param metrics the registry GET /metrics scrapes, or {@code null} (then /metrics is 404)
   */
  public AdminHandler(AdminBackend backend, String token, PrometheusMeterRegistry metrics) {
    this.backend = backend;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.metrics = metrics;
    routes.put("/healthz", new Route("GET", ex -> health(backend.liveness())));
    routes.put("/readyz", new Route("GET", ex -> health(backend.readiness())));
    routes.put("/status", new Route("GET", ex -> Response.json(200, backend.status())));
    routes.put("/topics", new Route("GET", ex -> Response.json(200, backend.topics())));
    routes.put("/validate-config", new Route("GET", ex -> Response.json(200, backend.validateConfig())));
    routes.put("/reload-config", new Route("POST", this::reload));
    if (metrics != null) {
      routes.put("/metrics", new Route("GET", this::metrics));
    }
  }

  /** The endpoints, as {@code METHOD /path}, for logs. */
  public List<String> endpoints() {
    return routes.entrySet().stream().map(e -> e.getValue().method() + " " + e.getKey()).toList();
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      drain(exchange.getRequestBody());
      Response response = respond(exchange);
      send(exchange, response);
    } catch (IOException e) {
      LOG.debug("admin request {} {} ended early: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
          e.getMessage());
    } finally {
      exchange.close();
    }
  }

  private Response respond(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Route route = routes.get(path);
    if (route == null) {
      return Response.error(404, "not_found", "no endpoint " + path + "; endpoints are "
          + String.join(", ", endpoints()), Map.of());
    }
    if (!route.method().equals(method)) {
      return Response.error(405, "method_not_allowed", method + " is not allowed on " + path + "; use "
          + route.method(), Map.of("Allow", route.method()));
    }
    try {
      return route.action().apply(exchange);
    } catch (RuntimeException e) {
      LOG.warn("admin request {} {} failed", method, path, SanitizedThrowable.of(e));
      String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
      return Response.error(500, "internal_error", Redaction.mask(message), Map.of());
    }
  }

  private static Response health(HealthView view) {
    return Response.json(view.up() ? 200 : 503, view);
  }

  private Response reload(HttpExchange exchange) {
    if (token != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      LOG.warn("refused POST /reload-config from {}: missing or wrong bearer token",
          exchange.getRemoteAddress().getAddress().getHostAddress());
      return Response.error(401, "unauthorized", "POST /reload-config needs the header 'Authorization: Bearer"
          + " <token>' with the admin token", Map.of("WWW-Authenticate", "Bearer realm=\"loom\""));
    }
    ReloadResult result = backend.reloadConfig();
    LOG.info("POST /reload-config: {}", result.message());
    return Response.json(result.outcome().httpStatus(), result);
  }

  private boolean authorized(String header) {
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, given);
  }

  private Response metrics(HttpExchange exchange) {
    String accept = exchange.getRequestHeaders().getOrDefault("Accept", List.of()).stream()
        .collect(Collectors.joining(","));
    String contentType = accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    byte[] body = metrics.scrape(contentType).getBytes(StandardCharsets.UTF_8);
    return new Response(200, contentType, body, Map.of());
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
    if (response.body().length > 0) {
      exchange.getResponseBody().write(response.body());
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (total > 1 << 20) {
        throw new IOException("request body larger than 1 MiB");
      }
    }
  }
}
