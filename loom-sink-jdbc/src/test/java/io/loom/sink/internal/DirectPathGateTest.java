package io.loom.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.sink.TableTarget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectPathGateTest {
  private static TableTarget target(String table) {
    return new TableTarget(table, List.of(new Column(0, "id", DataType.INTEGER, null)), List.of("id"),
        ConflictStrategy.UPDATE, null);
  }

  /** The writes (1-based) that try the direct path when every attempt conflicts. */
  private static List<Integer> attemptsWhenAlwaysConflicting(DirectPathGate gate, TableTarget target, int writes) {
    List<Integer> attempts = new ArrayList<>();
    for (int w = 1; w <= writes; w++) {
      if (gate.tryDirect(target)) {
        attempts.add(w);
        gate.conflicted(target);
      }
    }
    return attempts;
  }

  @Test
  void alwaysConflicting_pausesDoubleUpToTheMaximum() {
    DirectPathGate gate = new DirectPathGate();

    List<Integer> attempts = attemptsWhenAlwaysConflicting(gate, target("t"), 400);

    // pauses of 1, 2, 4, 8, 16, 32, then 64 batches
    assertThat(attempts).containsExactly(1, 3, 6, 11, 20, 37, 70, 135, 200, 265, 330, 395);
    assertThat(gate.pausedWrites(target("t"))).isEqualTo(DirectPathGate.MAX_PAUSE - 5);
  }

  @Test
  void success_endsThePause_andTheNextConflictStartsAtOne() {
    DirectPathGate gate = new DirectPathGate();
    TableTarget t = target("t");
    attemptsWhenAlwaysConflicting(gate, t, 6);
    assertThat(gate.pausedWrites(t)).isEqualTo(4);

    while (!gate.tryDirect(t)) {
      // the paused writes go to staging
    }
    gate.succeeded(t);
    assertThat(gate.tryDirect(t)).isTrue();
    gate.conflicted(t);

    assertThat(gate.pausedWrites(t)).isEqualTo(1);
  }

  @Test
  void targets_areIndependent_andClearForgetsEverything() {
    DirectPathGate gate = new DirectPathGate();
    gate.conflicted(target("a"));

    assertThat(gate.tryDirect(target("b"))).isTrue();
    assertThat(gate.pausedWrites(target("a"))).isEqualTo(1);
    gate.clear();
    assertThat(gate.tryDirect(target("a"))).isTrue();
  }
}
