package io.gregor.worker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task records this worker is running or has just written a result for, so that a record
 * delivered to it again runs at most once here. That happens when a group rebalance moves a
 * partition between the worker's own consumers (a share group then releases the records the
 * old consumer had acquired; a consumer group re-reads from the last commit): the new delivery
 * joins the run in progress, or is acknowledged at once if its result was already written.
 */
final class RunRegistry {

  /** Redeliveries come within seconds; remembering this many written records is plenty. */
  private static final int REMEMBERED = 10_000;

  /** What to do with a delivered record. */
  enum Claim {
    /** Not seen: run it. */
    START,
    /** Already running here: its completion will also go to the new inbox. */
    JOINED,
    /** Its result (or dead letter) was already written: acknowledge it. */
    ALREADY_WRITTEN
  }

  private final Map<RecordId, List<Inbox>> running = new HashMap<>();
  private final Map<RecordId, Boolean> written = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<RecordId, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** Joins or acknowledges without claiming a run; START means the caller needs a permit. */
  synchronized Claim peek(RecordId id, Inbox inbox) {
    return written.containsKey(id) ? Claim.ALREADY_WRITTEN : join(id, inbox);
  }

  /** Like {@link #peek}, but registers a new run when the record is not known. */
  synchronized Claim claim(RecordId id, Inbox inbox) {
    Claim claim = peek(id, inbox);
    if (claim == Claim.START) {
      List<Inbox> inboxes = new ArrayList<>();
      inboxes.add(inbox);
      running.put(id, inboxes);
    }
    return claim;
  }

  /** Ends a run; returns the inboxes to notify. */
  synchronized List<Inbox> finish(RecordId id, Outcome outcome) {
    List<Inbox> inboxes = running.remove(id);
    if (outcome == Outcome.WRITTEN) {
      written.put(id, Boolean.TRUE);
    }
    return inboxes == null ? List.of() : inboxes;
  }

  private Claim join(RecordId id, Inbox inbox) {
    List<Inbox> inboxes = running.get(id);
    if (inboxes == null) {
      return Claim.START;
    }
    if (!inboxes.contains(inbox)) {
      inboxes.add(inbox);
    }
    return Claim.JOINED;
  }
}
