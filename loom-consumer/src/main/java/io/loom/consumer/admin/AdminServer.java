package io.loom.consumer.admin;

import com.sun.net.httpserver.HttpServer;
import io.loom.consumer.admin.internal.AdminHandler;
import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import io.loom.mapping.LoomException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on the JDK's {@link HttpServer}: {@code GET /healthz}, {@code GET /readyz}, {@code
 * GET /status}, {@code GET /topics}, {@code GET /validate-config}, {@code POST /reload-config} and
 * {@code GET /metrics} (Prometheus text), with JSON bodies in snake_case.
 *
 * <pre>{@code
 * try (AdminServer server = AdminServer.builder(backend)
 *     .port(8001)
 *     .bindAddresses(List.of("localhost"))
 *     .bearerToken(token)
 *     .metrics(prometheusRegistry)
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>A bind address that is a name listens on every address the name resolves to, so the default
 * {@code localhost} serves {@code curl http://localhost:8001/status} whether the client resolves
 * {@code localhost} to 127.0.0.1 or ::1. Unknown paths answer 404, wrong methods 405 with an {@code
 * Allow} header, failures of the backend 500 with the message only (no stack trace); with a bearer
 * token configured, {@code POST /reload-config} without it answers 401.
 *
 * <p>Requests are served by two daemon threads. Thread-safe; {@link #close()} is idempotent.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final List<HttpServer> servers;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AdminServer(List<HttpServer> servers, ExecutorService executor) {
    this.servers = servers;
    this.executor = executor;
  }

  public static Builder builder(AdminBackend backend) {
    return new Builder(backend);
  }

  /**
   * Starts the server as the settings say ({@link Setting#ADMIN_PORT}, {@link Setting#ADMIN_BIND_ADDRESS},
   * {@link Setting#ADMIN_TOKEN}).
   *
   * @param metrics the registry {@code /metrics} scrapes, or {@code null} for no {@code /metrics}
   */
  public static AdminServer start(LoomSettings settings, AdminBackend backend, PrometheusMeterRegistry metrics) {
    return builder(backend)
        .port(settings.adminPort())
        .bindAddresses(settings.adminBindAddresses())
        .bearerToken(settings.adminToken().orElse(null))
        .metrics(metrics)
        .start();
  }

  /** The addresses listened on, with the actual port. */
  public List<InetSocketAddress> addresses() {
    return servers.stream().map(HttpServer::getAddress).toList();
  }

  /** The port listened on (the chosen one if 0 was configured). */
  public int port() {
    return servers.get(0).getAddress().getPort();
  }

  /** {@code http://<first address>:<port>}, for logs and clients. */
  public URI uri() {
    return uri(servers.get(0).getAddress());
  }

  private static URI uri(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      int zone = host.indexOf('%');
      host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort());
  }

  /** Stops listening; requests in progress are cut off. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (HttpServer server : servers) {
        server.stop(0);
      }
      executor.shutdownNow();
      LOG.info("admin API stopped");
    }
  }

  @Override
  public String toString() {
    return "AdminServer" + addresses();
  }

  /** Configures and starts an {@link AdminServer}. */
  public static final class Builder {
    private final AdminBackend backend;
    private int port = Setting.ADMIN_PORT.defaultValue();
    private List<String> bindAddresses = Setting.ADMIN_BIND_ADDRESS.defaultValue();
    private String token;
    private PrometheusMeterRegistry metrics;

    private Builder(AdminBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The port, 0 for any free one; default 8001. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port was " + port + " but it must be from 0 to 65535");
      }
      this.port = port;
      return this;
    }

    /** Host names or IP literals to listen on; default {@code localhost}. */
    public Builder bindAddresses(List<String> bindAddresses) {
      if (bindAddresses == null || bindAddresses.isEmpty()) {
        throw new IllegalArgumentException("bindAddresses must name at least one address");
      }
      this.bindAddresses = List.copyOf(bindAddresses);
      return this;
    }

    /** The token {@code POST /reload-config} requires as {@code Authorization: Bearer <token>}; {@code null} for none. */
    public Builder bearerToken(String token) {
      this.token = token == null || token.isBlank() ? null : token;
      return this;
    }

    /** The registry {@code GET /metrics} scrapes; without one there is no {@code /metrics}. */
    public Builder metrics(PrometheusMeterRegistry metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Binds and starts.
     *
     * @throws LoomException if an address does not resolve or no address of a name can be bound
     */
    public AdminServer start() {
      AdminHandler handler = new AdminHandler(backend, token, metrics);
      AtomicInteger threads = new AtomicInteger();
      ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "loom-admin-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      List<HttpServer> servers = new ArrayList<>();
      try {
        int actualPort = port;
        Set<InetAddress> bound = new LinkedHashSet<>();
        for (String spec : bindAddresses) {
          List<String> failures = new ArrayList<>();
          int before = servers.size();
          for (InetAddress address : resolve(spec)) {
            if (!bound.add(address)) {
              continue;
            }
            try {
              HttpServer server = HttpServer.create(new InetSocketAddress(address, actualPort), 0);
              actualPort = server.getAddress().getPort();
              servers.add(server);
            } catch (IOException e) {
              failures.add(address.getHostAddress() + ": " + e.getMessage());
            }
          }
          if (servers.size() == before && !failures.isEmpty()) {
            throw new LoomException("the admin API cannot listen on " + spec + " port " + actualPort + " ("
                + String.join("; ", failures) + "); choose another port with " + Setting.ADMIN_PORT.env()
                + " or another address with " + Setting.ADMIN_BIND_ADDRESS.env());
          }
          if (!failures.isEmpty()) {
            LOG.warn("admin API: {} resolves to addresses that cannot be bound, skipped: {}", spec,
                String.join("; ", failures));
          }
        }
        for (HttpServer server : servers) {
          server.createContext("/", handler);
          server.setExecutor(executor);
          server.start();
        }
      } catch (RuntimeException e) {
        servers.forEach(s -> s.stop(0));
        executor.shutdownNow();
        throw e;
      }
      AdminServer adminServer = new AdminServer(List.copyOf(servers), executor);
      LOG.info("admin API listening on {} ({}){}",
          adminServer.addresses().stream().map(AdminServer::uri).map(URI::toString).toList(),
          String.join(", ", handler.endpoints()),
          token == null ? "" : "; POST /reload-config requires the bearer token");
      return adminServer;
    }

    private static List<InetAddress> resolve(String spec) {
      try {
        return List.of(InetAddress.getAllByName(spec));
      } catch (UnknownHostException e) {
        throw new LoomException("the admin API bind address '" + spec + "' does not resolve to an address: "
            + e.getMessage() + "; set " + Setting.ADMIN_BIND_ADDRESS.env());
      }
    }
  }
}
