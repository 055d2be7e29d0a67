package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SqlIdentifiersModelTest {

  @ParameterizedTest
  @ValueSource(strings = {"device_id", "timestamp", "select", "user", "_x", "a1", "t23456789012345678901234567890123"
      + "456789012345678901234567890123"})
  void isValid_plainLowerCaseNames_areAccepted(String name) {
    assertThat(SqlIdentifiers.isValid(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Device", "DEVICE_ID", "1abc", "device id", "device-id", "device;drop table x",
      "a\"b", "a'b", "x\"; DROP TABLE users; --", "a.b", "tab\tle", "device\n", "dévice", "ｄevice",
      "t234567890123456789012345678901234567890123456789012345678901234"})
  void isValid_injectionAttemptsAndOtherNames_areRefused(String name) {
    assertThat(SqlIdentifiers.isValid(name)).isFalse();
  }

  @Test
  void isValid_null_isRefused() {
    assertThat(SqlIdentifiers.isValid(null)).isFalse();
    assertThat(SqlIdentifiers.isValidTable(null)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"gps, true", "telemetry.gps, true", "a.b.c, false", ".gps, false", "gps., false", "Tel.gps, false",
      "'tel.gps; drop', false", "'tel .gps', false"})
  void isValidTable_allowsOneSchemaQualifier(String name, boolean valid) {
    assertThat(SqlIdentifiers.isValidTable(name)).isEqualTo(valid);
  }

  @Test
  void quote_doubleQuotesEachPart() {
    assertThat(SqlIdentifiers.quote("timestamp")).isEqualTo("\"timestamp\"");
    assertThat(SqlIdentifiers.quote("telemetry.gps_raw")).isEqualTo("\"telemetry\".\"gps_raw\"");
  }

  @Test
  void quote_refusesWhatItCannotQuoteSafely() {
    assertThatThrownBy(() -> SqlIdentifiers.quote("gps\"; drop table x; --"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("identifier 'gps\"; drop table x; --' is not allowed: it must match ^[a-z_][a-z0-9_]{0,62}$"
            + " (optionally schema-qualified)");
    assertThatThrownBy(() -> SqlIdentifiers.quote("Gps")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqlIdentifiers.quote(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
