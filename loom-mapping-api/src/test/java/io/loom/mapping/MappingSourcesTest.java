package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.internal.Redaction;
import org.junit.jupiter.api.Test;

/**
 * {@link MappingSources} without any provider on the class path (this module has none; the YAML
 * module's tests cover opening through a real provider).
 */
class MappingSourcesTest {

  @Test
  void providers_noneOnTheClassPath() {
    assertThat(MappingSources.providers()).isEmpty();
  }

  @Test
  void open_unknownKind_saysSoAndListsTheKnownKinds() {
    assertThatThrownBy(() -> MappingSources.open("consul:config/loom"))
        .isInstanceOf(LoomException.class)
        .hasMessage("no mapping source accepts location 'consul:config/loom' (kind 'consul'); known kinds: none (no"
            + " provider on the class path)");
  }

  @Test
  void open_pathWithoutKind_saysSo() {
    assertThatThrownBy(() -> MappingSources.open("config/loom.json"))
        .hasMessage("no mapping source accepts location 'config/loom.json'; known kinds: none (no provider on the"
            + " class path)");
  }

  @Test
  void open_passwordInTheLocation_isMaskedInTheError() {
    assertThatThrownBy(() -> MappingSources.open("postgresql://loom:s3cr3t@db:5432/loom"))
        .hasMessage("no mapping source accepts location 'postgresql://loom:****@db:5432/loom' (kind 'postgresql');"
            + " known kinds: none (no provider on the class path)")
        .message().doesNotContain("s3cr3t");
    assertThatThrownBy(() -> MappingSources.open("jdbc:postgresql://db/loom?user=loom&password=s3cr3t&ssl=true"))
        .message().contains("password=****&ssl=true").doesNotContain("s3cr3t");
  }

  @Test
  void mask_passwordsContainingAtSignsOrColons_areMaskedWhole() {
    assertThat(Redaction.mask("postgresql://app:p@ss:w@rd@db:5432/loom"))
        .isEqualTo("postgresql://app:****@db:5432/loom");
    assertThat(Redaction.mask("postgresql://app:s3cret@db/x?opt=a@b"))
        .isEqualTo("postgresql://app:****@db/x?opt=a@b");
  }

  @Test
  void mask_textWithoutSecrets_isUnchanged() {
    for (String text : new String[] {"yaml:config/topic_mappings.yml", "postgresql://db:5432/loom",
        "postgresql://app@db/loom", "jdbc:postgresql://db/loom?user=app"}) {
      assertThat(Redaction.mask(text)).isEqualTo(text);
    }
    assertThat(Redaction.mask(null)).isNull();
  }
}
