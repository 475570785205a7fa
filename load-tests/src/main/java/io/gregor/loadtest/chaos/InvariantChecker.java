package io.gregor.loadtest.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The invariants a run under faults must keep, checked on what the topics hold after it
 * ({@link TopicAudit} reads them): nothing here asks the engine.
 *
 * <ul>
 *   <li>{@value #NOT_TERMINAL}: every started instance, and every instance with a history (the
 *       children), has a completion record;</li>
 *   <li>{@value #DUPLICATE_COMPLETION}: no instance has more than one;</li>
 *   <li>{@value #NOT_COMPLETED}: each ended COMPLETED (the workload never fails);</li>
 *   <li>{@value #SEQUENCE_TWICE}: no history sequence number of an instance is written by two
 *       committed records;</li>
 *   <li>{@value #SEQUENCE_GAP}: an instance's sequence numbers are 0 to n-1, none missing;</li>
 *   <li>{@value #TERMINAL_EVENTS}: its history ends the instance exactly once;</li>
 *   <li>{@value #RESULT_TWICE}: no task (activity or child) has its result recorded twice, so a
 *       late result of an attempt that lost to a retry was ignored;</li>
 *   <li>{@value #OUTPUT_MISMATCH}: a started instance's output is the expected one.</li>
 * </ul>
 */
public final class InvariantChecker {
    /** Violation kind: a started (or child) instance without a completion record. */
    public static final String NOT_TERMINAL = "not-terminal";
    /** Violation kind: more than one completion record for an instance. */
    public static final String DUPLICATE_COMPLETION = "duplicate-completion";
    /** Violation kind: an instance ended other than COMPLETED. */
    public static final String NOT_COMPLETED = "not-completed";
    /** Violation kind: one history sequence number written twice. */
    public static final String SEQUENCE_TWICE = "sequence-twice";
    /** Violation kind: a history sequence number missing. */
    public static final String SEQUENCE_GAP = "sequence-gap";
    /** Violation kind: a history with no or several terminal events. */
    public static final String TERMINAL_EVENTS = "terminal-events";
    /** Violation kind: a task's result recorded twice. */
    public static final String RESULT_TWICE = "result-twice";
    /** Violation kind: an output other than the expected one. */
    public static final String OUTPUT_MISMATCH = "output-mismatch";

    private static final Set<String> TERMINAL = Set.of("WorkflowCompleted", "WorkflowFailed", "WorkflowTerminated");
    private static final Set<String> RESULTS = Set.of("TaskCompleted", "ChildWorkflowCompleted", "ChildWorkflowFailed");

    private InvariantChecker() {
    }

    /**
     * One history event, reduced to what the checks need.
     *
     * @param kind      the event's type, e.g. {@code TaskCompleted}
     * @param taskId    its task id for task and child events, else -1
     * @param timestamp when the orchestrator recorded it, epoch milliseconds (0 when unknown)
     */
    public record Event(String kind, int taskId, long timestamp) {
        /** @param kind the event's type @param taskId its task id, or -1 */
        public Event(String kind, int taskId) {
            this(kind, taskId, 0);
        }
    }

    /**
     * One committed record of the history changelog.
     *
     * @param instanceId   the instance
     * @param lastSequence the sequence number of its last event (from the key)
     * @param events       its events in order; null for a tombstone
     */
    public record HistoryWrite(String instanceId, int lastSequence, List<Event> events) {
        int firstSequence() {
            return lastSequence - events.size() + 1;
        }
    }

    /**
     * One committed completion record.
     *
     * @param instanceId the instance
     * @param status     its terminal status, e.g. {@code COMPLETED}
     * @param output     its output as a number, or null
     * @param failure    its failure's type and message, or null
     */
    public record Completion(String instanceId, String status, Long output, String failure) {
        /** @param instanceId the instance @param status its terminal status @param output its output, or null */
        public Completion(String instanceId, String status, Long output) {
            this(instanceId, status, output, null);
        }
    }

    /**
     * A broken invariant.
     *
     * @param kind       which one (the constants of this class)
     * @param instanceId the instance
     * @param detail     what was found
     */
    public record Violation(String kind, String instanceId, String detail) {
    }

    /**
     * What the topics held and what of it was wrong.
     *
     * @param instances      instances with a history or a completion
     * @param historyRecords committed history records (one per step)
     * @param events         history events
     * @param violations     the broken invariants; empty when all hold
     */
    public record Result(int instances, long historyRecords, long events, List<Violation> violations) {
        /** @return the violations counted per kind */
        public Map<String, Integer> countsByKind() {
            Map<String, Integer> counts = new TreeMap<>();
            violations.forEach(v -> counts.merge(v.kind(), 1, Integer::sum));
            return counts;
        }
    }

    /**
     * @param expectedOutputs the started instances and their expected outputs
     * @param history         every committed history record, in offset order per partition
     * @param completions     every committed completion record
     * @return the result
     */
    public static Result check(Map<String, Long> expectedOutputs, List<HistoryWrite> history, List<Completion> completions) {
        List<Violation> violations = new ArrayList<>();
        Map<String, List<Completion>> byInstance = new HashMap<>();
        completions.forEach(c -> byInstance.computeIfAbsent(c.instanceId(), id -> new ArrayList<>()).add(c));
        Map<String, List<HistoryWrite>> writes = new HashMap<>();
        long records = 0;
        long events = 0;
        for (HistoryWrite write : history) {
            if (write.events() != null) {
                writes.computeIfAbsent(write.instanceId(), id -> new ArrayList<>()).add(write);
                records++;
                events += write.events().size();
            }
        }
        Set<String> instances = new TreeSet<>(expectedOutputs.keySet());
        instances.addAll(writes.keySet());
        instances.addAll(byInstance.keySet());
        for (String id : instances) {
            checkCompletions(id, byInstance.getOrDefault(id, List.of()), expectedOutputs, violations);
            checkHistory(id, writes.getOrDefault(id, List.of()), violations);
        }
        return new Result(instances.size(), records, events, violations);
    }

    private static void checkCompletions(String id, List<Completion> ends, Map<String, Long> expected, List<Violation> out) {
        if (ends.isEmpty()) {
            out.add(new Violation(NOT_TERMINAL, id, "no completion record"));
            return;
        }
        if (ends.size() > 1) {
            out.add(new Violation(DUPLICATE_COMPLETION, id, ends.size() + " completion records: " + ends));
        }
        Completion end = ends.get(0);
        if (!"COMPLETED".equals(end.status())) {
            out.add(new Violation(NOT_COMPLETED, id, "ended " + end.status() + (end.failure() == null ? "" : ": " + end.failure())));
        } else if (expected.containsKey(id) && !expected.get(id).equals(end.output())) {
            out.add(new Violation(OUTPUT_MISMATCH, id, "expected output " + expected.get(id) + ", but found " + end.output()));
        }
    }

    private static void checkHistory(String id, List<HistoryWrite> writes, List<Violation> out) {
        if (writes.isEmpty()) {
            out.add(new Violation(SEQUENCE_GAP, id, "no history at all"));
            return;
        }
        TreeMap<Integer, Integer> timesWritten = new TreeMap<>();
        int terminal = 0;
        Map<Integer, Integer> results = new TreeMap<>();
        for (HistoryWrite write : writes) {
            for (int i = 0; i < write.events().size(); i++) {
                timesWritten.merge(write.firstSequence() + i, 1, Integer::sum);
                Event event = write.events().get(i);
                terminal += TERMINAL.contains(event.kind()) ? 1 : 0;
                if (RESULTS.contains(event.kind())) {
                    results.merge(event.taskId(), 1, Integer::sum);
                }
            }
        }
        List<Integer> twice = timesWritten.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        if (!twice.isEmpty()) {
            out.add(new Violation(SEQUENCE_TWICE, id, "sequence numbers written more than once: " + twice));
        }
        int length = timesWritten.size();
        List<Integer> missing = new ArrayList<>();
        int highest = timesWritten.lastKey();
        for (int s = 0; s <= highest && missing.size() < 10; s++) {
            if (!timesWritten.containsKey(s)) {
                missing.add(s);
            }
        }
        if (!missing.isEmpty()) {
            out.add(new Violation(SEQUENCE_GAP, id, "missing sequence numbers " + missing + " (the first 10 at most) of 0.." + highest
                    + " (" + length + " written)"));
        }
        if (terminal != 1) {
            out.add(new Violation(TERMINAL_EVENTS, id, "expected one terminal event, but found " + terminal));
        }
        List<Integer> doubled = results.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        if (!doubled.isEmpty()) {
            out.add(new Violation(RESULT_TWICE, id, "results recorded more than once for task ids " + doubled));
        }
    }
}
