package io.loom.sink.internal;

import io.loom.sink.TableTarget;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Design note: decides, per target, whether a keyed write first tries a COPY straight into the table.
 * A failed attempt (a key conflict) costs up to one COPY of the rows, so after a conflict the next
 * batches of that target go straight to staging: 1 batch after the first conflict, then 2, 4, ... up
 * to {@link #MAX_PAUSE} while the attempts keep conflicting; one successful attempt resets it. A table
 * whose batches always conflict thus pays a failed COPY about once every {@code MAX_PAUSE} batches,
 * and one whose conflicts stop (replayed data caught up, new keys only) is back on the direct path
 * within that many batches. Thread-safe; concurrent writers of a target share its state.
 */
final class DirectPathGate {
  static final int MAX_PAUSE = 64;

  private final ConcurrentHashMap<TableTarget, State> states = new ConcurrentHashMap<>();

  private static final class State {
    int pause;
    int skipsLeft;
  }

  /** Whether the next write of {@code target} should try the direct COPY; counts down a pause. */
  boolean tryDirect(TableTarget target) {
    State state = states.get(target);
    if (state == null) {
      return true;
    }
    synchronized (state) {
      if (state.skipsLeft > 0) {
        state.skipsLeft--;
        return false;
      }
      return true;
    }
  }

  /** The direct COPY of {@code target} met a key conflict: pause it, twice as long as the last time. */
  void conflicted(TableTarget target) {
    State state = states.computeIfAbsent(target, t -> new State());
    synchronized (state) {
      state.pause = state.pause == 0 ? 1 : Math.min(MAX_PAUSE, state.pause * 2);
      state.skipsLeft = state.pause;
    }
  }

  /** The direct COPY of {@code target} went through: the next conflict starts the back-off afresh. */
  void succeeded(TableTarget target) {
    State state = states.get(target);
    if (state != null) {
      synchronized (state) {
        state.pause = 0;
        state.skipsLeft = 0;
      }
    }
  }

  /** How many of the next writes of {@code target} skip the direct COPY; for status and tests. */
  int pausedWrites(TableTarget target) {
    State state = states.get(target);
    if (state == null) {
      return 0;
    }
    synchronized (state) {
      return state.skipsLeft;
    }
  }

  void clear() {
    states.clear();
  }
}
