package io.loom.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlTest {
    private static DataSource db;

    @BeforeAll
    static void freshDatabase() {
        TestPostgres postgres = TestPostgres.shared();
        db = postgres.dataSource(postgres.createDatabase("sql_test"));
    }

    @Test
    void sqlCountRows_runTheStatementsAndReadTheResults() {
        Sql.sql(db, "CREATE TABLE t (id int, name text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");

        assertThat(Sql.count(db, "SELECT count(*) FROM t")).isEqualTo(2);
        assertThat(Sql.rows(db, "SELECT id, name FROM t ORDER BY id")).containsExactly(List.of(1, "a"), List.of(2, "b"));
    }

    @Test
    void sql_failingStatement_namesItAndKeepsTheCause() {
        assertThatThrownBy(() -> Sql.sql(db, "SELECT 1", "SELECT * FROM no_such_table", "SELECT 2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot execute SELECT * FROM no_such_table: ERROR: relation \"no_such_table\""
                        + " does not exist")
                .cause().isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> Sql.rows(db, "SELECT nothing FROM no_such_table"))
                .hasMessageStartingWith("cannot execute SELECT nothing FROM no_such_table: ERROR: relation");
    }

    @Test
    void transaction_commitsAllOrNothing() {
        Sql.sql(db, "CREATE TABLE tx (id int PRIMARY KEY)");

        Sql.transaction(db, "INSERT INTO tx VALUES (1)", "INSERT INTO tx VALUES (2)");
        assertThatThrownBy(() -> Sql.transaction(db, "INSERT INTO tx VALUES (3)", "INSERT INTO tx VALUES (1)"))
                .hasMessageStartingWith("cannot execute INSERT INTO tx VALUES (1): ERROR: duplicate key value");

        assertThat(Sql.rows(db, "SELECT id FROM tx ORDER BY id")).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void count_ofAQueryWithoutRows_saysSo() {
        assertThatThrownBy(() -> Sql.count(db, "SELECT 1 WHERE false"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot execute SELECT 1 WHERE false: it returned no row");
    }
}
