package io.loom.mapping.jdbc;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingSource;
import io.loom.mapping.testkit.MappingSourceContract;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The JDBC source passes the same contract, with the same fixtures, as every other source. */
class JdbcMappingSourceContractTest extends MappingSourceContract {
  private static int databases;
  private final Map<MappingSource, Db> stores = new HashMap<>();

  @Override
  protected MappingSource sourceWith(ConfigSnapshot fixture) {
    Db db = Db.migrated("contract_" + (++databases));
    RawTables.replaceWith(db.dataSource, fixture);
    JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).debounce(Duration.ofMillis(50)).build();
    stores.put(source, db);
    return source;
  }

  @Override
  protected void replaceContent(MappingSource source, ConfigSnapshot content) {
    RawTables.replaceWith(stores.get(source).dataSource, content);
  }

  @Override
  protected boolean supportsChanges() {
    return true;
  }

  @Override
  protected boolean supportsChangeNotification() {
    return true;
  }
}
