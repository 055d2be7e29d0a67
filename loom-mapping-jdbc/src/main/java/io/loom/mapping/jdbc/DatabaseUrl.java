package io.loom.mapping.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.LoomException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A PostgreSQL location with its credentials held apart from the URL, so that the URL can be logged.
 *
 * <p>Accepts the three forms deployments use:
 *
 * <ul>
 *   <li>{@code postgresql://user:pass@host:5432/db?sslmode=require} (libpq form; {@code postgres://} too):
 *       user, password and database are percent-decoded, so {@code p%40ss} is the password {@code p@ss};
 *       several hosts ({@code host1:5432,host2:5433}) and IPv6 literals ({@code [::1]:5432}) are kept;
 *   <li>{@code jdbc:postgresql://host:5432/db?user=app&password=secret&ssl=true} (pgjdbc form);
 *   <li>either of them with {@code user}/{@code password} given apart ({@link #withCredentials}).
 * </ul>
 *
 * <p>Query parameters other than {@code user} and {@code password} are passed to the driver as connection
 * properties; the libpq names {@code application_name} and {@code connect_timeout} become pgjdbc's
 * {@code ApplicationName} and {@code connectTimeout}. {@link #toString()}, {@link #jdbcUrl()} and
 * {@link #describe()} never contain the password.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * DatabaseUrl url = DatabaseUrl.parse(System.getenv("LOOM_DATABASE_URL"));
 * try (HikariDataSource pool = url.newPool("loom-config", 2)) { ... }
 * }</pre>
 */
public final class DatabaseUrl {
  private static final String JDBC_PREFIX = "jdbc:postgresql:";

  private final String hosts;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> properties;

  private DatabaseUrl(String hosts, String database, String user, String password, Map<String, String> properties) {
    this.hosts = hosts;
    this.database = database;
    this.user = user;
    this.password = password;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /**
   * Parses a {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL.
   *
   * @throws LoomException naming the (masked) URL and what is wrong with it
   */
  public static DatabaseUrl parse(String url) {
    Objects.requireNonNull(url, "url");
    String text = url.trim();
    String rest;
    if (text.startsWith(JDBC_PREFIX + "//")) {
      rest = text.substring(JDBC_PREFIX.length() + 2);
    } else if (text.startsWith("postgresql://")) {
      rest = text.substring("postgresql://".length());
    } else if (text.startsWith("postgres://")) {
      rest = text.substring("postgres://".length());
    } else {
      throw invalid(url, "expected postgresql://user:password@host:port/database or "
          + "jdbc:postgresql://host:port/database");
    }
    int query = rest.indexOf('?');
    String queryText = query < 0 ? "" : rest.substring(query + 1);
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    int slash = beforeQuery.indexOf('/');
    String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
    String path = slash < 0 ? "" : beforeQuery.substring(slash + 1);

    String user = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = decode(url, colon < 0 ? userInfo : userInfo.substring(0, colon), "user name");
      password = colon < 0 ? null : decode(url, userInfo.substring(colon + 1), "password");
      if (user.isEmpty()) {
        user = null;
      }
    }
    if (authority.isEmpty()) {
      throw invalid(url, "the host is missing; expected host[:port] after '//'");
    }
    for (String host : authority.split(",")) {
      checkHost(url, host);
    }
    String database = decode(url, path, "database name");
    if (database.isEmpty()) {
      throw invalid(url, "the database name is missing; expected /database after the host");
    }

    Map<String, String> properties = new LinkedHashMap<>();
    if (!queryText.isEmpty()) {
      for (String pair : queryText.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(url, eq < 0 ? pair : pair.substring(0, eq), "parameter name");
        String value = eq < 0 ? "" : decode(url, pair.substring(eq + 1), "value of parameter '" + key + "'");
        switch (key) {
          case "user" -> user = value;
          case "password" -> password = value;
          case "application_name" -> properties.put("ApplicationName", value);
          case "connect_timeout" -> properties.put("connectTimeout", value);
          default -> properties.put(key, value);
        }
      }
    }
    return new DatabaseUrl(authority, database, user, password, properties);
  }

  /** This location with the given credentials; a {@code null} argument keeps the current value. */
  public DatabaseUrl withCredentials(String user, String password) {
    return new DatabaseUrl(hosts, database, user == null ? this.user : user, password == null ? this.password : password,
        properties);
  }

  /** The host list as written: {@code host:5432} or {@code h1:5432,h2:5433}. */
  public String hosts() {
    return hosts;
  }

  public String database() {
    return database;
  }

  /** The user name, or {@code null} if none was given. */
  public String user() {
    return user;
  }

  /** The password, or {@code null}. Never log it. */
  public String password() {
    return password;
  }

  /** Driver properties from the query string (without user and password). */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * The pgjdbc URL without credentials: {@code jdbc:postgresql://host:5432/db?sslmode=require}. Safe to log.
   */
  public String jdbcUrl() {
    StringBuilder sb = new StringBuilder(JDBC_PREFIX).append("//").append(hosts).append('/').append(encode(database));
    char sep = '?';
    for (Map.Entry<String, String> e : properties.entrySet()) {
      sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = '&';
    }
    return sb.toString();
  }

  /** The connection properties for {@link java.sql.DriverManager}: the URL's properties plus user and password. */
  public Properties connectionProperties() {
    Properties props = new Properties();
    props.putAll(properties);
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    return props;
  }

  /** For logs and {@code /status}: {@code postgresql://app@host:5432/db}, without the password. */
  public String describe() {
    return "postgresql://" + (user == null ? "" : encode(user) + "@") + hosts + "/" + encode(database);
  }

  /**
   * A new HikariCP pool for this location. The pool does not fail when the database is unreachable at
   * creation; connection attempts fail (after {@code connectionTimeout}, 10 s) until it is reachable.
   * The caller closes the pool.
   *
   * @param poolName the pool's name in logs and metrics
   * @param maximumPoolSize at least 1
   */
  public HikariDataSource newPool(String poolName, int maximumPoolSize) {
    return newPool(poolName, maximumPoolSize, 10_000);
  }

  /**
   * A new HikariCP pool, as {@link #newPool(String, int)}, waiting at most {@code connectionTimeoutMillis}
   * (at least 250) for a connection.
   */
  public HikariDataSource newPool(String poolName, int maximumPoolSize, long connectionTimeoutMillis) {
    if (connectionTimeoutMillis < 250) {
      throw new IllegalArgumentException("connectionTimeoutMillis was " + connectionTimeoutMillis
          + " but it must be at least 250");
    }
    if (maximumPoolSize < 1) {
      throw new IllegalArgumentException("maximumPoolSize was " + maximumPoolSize + " but it must be at least 1");
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(jdbcUrl());
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    Properties props = new Properties();
    props.putAll(properties);
    config.setDataSourceProperties(props);
    config.setMaximumPoolSize(maximumPoolSize);
    config.setMinimumIdle(Math.min(1, maximumPoolSize));
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatabaseUrl other
        && hosts.equals(other.hosts)
        && database.equals(other.database)
        && Objects.equals(user, other.user)
        && Objects.equals(password, other.password)
        && properties.equals(other.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hosts, database, user, password, properties);
  }

  /** {@link #describe()}: never the password. */
  @Override
  public String toString() {
    return describe();
  }

  private static void checkHost(String url, String host) {
    if (host.isEmpty()) {
      throw invalid(url, "an empty host in the host list; expected host[:port][,host[:port]...]");
    }
    String port = null;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw invalid(url, "IPv6 host '" + host + "' has no closing ']'");
      }
      if (close + 1 < host.length()) {
        if (host.charAt(close + 1) != ':') {
          throw invalid(url, "expected ':port' after IPv6 host " + host.substring(0, close + 1));
        }
        port = host.substring(close + 2);
      }
    } else {
      int colon = host.indexOf(':');
      if (colon == 0) {
        throw invalid(url, "a port without a host; expected host[:port]");
      }
      if (colon > 0) {
        port = host.substring(colon + 1);
      }
    }
    if (port != null) {
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw invalid(url, "port '" + port + "' is not a number between 1 and 65535");
      }
    }
  }

  private static String decode(String url, String text, String what) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          throw invalid(url, "the " + what + " has an incomplete percent escape; expected %XX");
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid(url, "the " + what + " has an invalid percent escape; expected %XX with hex digits");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
          bytes = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  private static LoomException invalid(String url, String problem) {
    return new LoomException("database URL '" + mask(url) + "' is not valid: " + problem);
  }

  /**
   * Masks the password of a database URL, wherever it is: in the user info (even when it holds an
   * unencoded '@') and in a {@code password=} parameter. For text that may not parse as a URL.
   */
  public static String mask(String url) {
    if (url == null) {
      return null;
    }
    String masked = url;
    int start = masked.indexOf("//");
    if (start >= 0) {
      int query = masked.indexOf('?', start);
      int end = query < 0 ? masked.length() : query;
      int at = masked.lastIndexOf('@', end - 1);
      int colon = masked.indexOf(':', start + 2);
      if (at > start && colon > start && colon < at) {
        masked = masked.substring(0, colon + 1) + "****" + masked.substring(at);
      }
    }
    return io.loom.mapping.internal.Redaction.mask(masked);
  }
}
