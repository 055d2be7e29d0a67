package io.loom.mapping.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.LoomException;
import io.loom.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void parse_postgresqlUrl_decodesUserPasswordAndDatabase() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://loom%2Bapp:p%40ss%3Aw%2Frd%25@db.example:6543/loom%20cfg");

    assertThat(url.user()).isEqualTo("loom+app");
    assertThat(url.password()).isEqualTo("p@ss:w/rd%");
    assertThat(url.hosts()).isEqualTo("db.example:6543");
    assertThat(url.database()).isEqualTo("loom cfg");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/loom%20cfg");
  }

  @Test
  void parse_passwordWithAnUnencodedAt_takesTheLastAtAsTheHostSeparator() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:p@ss@db:5432/loom");

    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("p@ss");
    assertThat(url.hosts()).isEqualTo("db:5432");
  }

  @Test
  void parse_queryParameters_becomeDriverPropertiesAndCredentials() {
    DatabaseUrl url = DatabaseUrl.parse(
        "postgresql://db/loom?sslmode=require&application_name=loom%20consumer&connect_timeout=5&user=app&password=s%26cret");

    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s&cret");
    assertThat(url.properties()).containsExactly(Map.entry("sslmode", "require"),
        Map.entry("ApplicationName", "loom consumer"), Map.entry("connectTimeout", "5"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db/loom?sslmode=require&ApplicationName=loom%20consumer"
        + "&connectTimeout=5");
    assertThat(url.connectionProperties()).containsEntry("user", "app").containsEntry("password", "s&cret");
  }

  @Test
  void parse_jdbcUrl_takesCredentialsOutOfTheUrl() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/loom?user=app&password=secret&ssl=true");

    assertThat(url.hosts()).isEqualTo("h1:5432,h2:5433");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("secret");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/loom?ssl=true");
    assertThat(url.describe()).isEqualTo("postgresql://app@h1:5432,h2:5433/loom");
  }

  @Test
  void parse_ipv6Host_isKept() {
    assertThat(DatabaseUrl.parse("postgresql://app@[::1]:5432/loom").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5432/loom");
  }

  @Test
  void withCredentials_replacesOnlyWhatIsGiven() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:old@db/loom").withCredentials(null, "new");

    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("new");
  }

  @Test
  void toStringAndDescribe_neverShowThePassword() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:TopSecret1@db:5432/loom?password=TopSecret2");

    assertThat(url.toString()).isEqualTo("postgresql://app@db:5432/loom").doesNotContain("TopSecret");
    assertThat(url.describe()).doesNotContain("TopSecret");
    assertThat(url.jdbcUrl()).doesNotContain("TopSecret");
  }

  @Test
  void parse_badUrls_nameTheProblemWithThePasswordMasked() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://app:TopSecret@db/loom"))
        .isInstanceOf(LoomException.class)
        .hasMessage("database URL 'mysql://app:****@db/loom' is not valid: expected"
            + " postgresql://user:password@host:port/database or jdbc:postgresql://host:port/database");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:Top@Secret@db:99999/loom"))
        .isInstanceOf(LoomException.class)
        .hasMessage("database URL 'postgresql://app:****@db:99999/loom' is not valid: port '99999' is not a number"
            + " between 1 and 65535");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:TopSecret@db"))
        .isInstanceOf(LoomException.class)
        .hasMessage("database URL 'postgresql://app:****@db' is not valid: the database name is missing; expected"
            + " /database after the host");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:Top%ZZSecret@db/loom"))
        .isInstanceOf(LoomException.class)
        .hasMessage("database URL 'postgresql://app:****@db/loom' is not valid: the password has an invalid percent"
            + " escape; expected %XX with hex digits");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql:///loom?password=TopSecret"))
        .isInstanceOf(LoomException.class)
        .hasMessage("database URL 'jdbc:postgresql:///loom?password=****' is not valid: the host is missing; expected"
            + " host[:port] after '//'");
  }

  @Test
  void newPool_connectsWithTheDecodedCredentials() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String db = postgres.createDatabase("url_pool");
    DatabaseUrl url = DatabaseUrl.parse(postgres.postgresqlUrl(db) + "?application_name=loom%20url%20test");

    try (HikariDataSource pool = url.newPool("loom-url-test", 1);
        Connection c = pool.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_database(), current_user, current_setting('application_name')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("url_pool");
      assertThat(rs.getString(2)).isEqualTo("postgres");
      assertThat(rs.getString(3)).isEqualTo("loom url test");
    }
  }
}
