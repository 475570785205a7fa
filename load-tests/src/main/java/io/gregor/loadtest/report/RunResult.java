package io.gregor.loadtest.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured; written as result.json and drawn as report.html.
 *
 * @param scenario           the scenario's name
 * @param parameters         the options that shaped the run
 * @param gitCommit          {@code git rev-parse HEAD} of the working directory, or null
 * @param startedAt          when the run started (ISO-8601, UTC)
 * @param hardware           cores, memory, CPU model, OS and JVM of the machine
 * @param infrastructure     which broker and registry, embedded or given
 * @param latencyMethod      how start-to-completion latency was measured, in words
 * @param counts             how many instances started and how they ended
 * @param throughputPerSecond completed instances per second over the measured window
 * @param measuredSeconds    length of the measured window
 * @param elapsedSeconds     from the first start to the last completion seen
 * @param latencyMs          start-to-completion latency over the measured window
 * @param memory             peak memory of the driver's JVM (engine included when in-process)
 * @param series             one sample per second
 * @param steps              per-step latency (longhist only), else null
 * @param recovery           what the orchestrator's kill and restart cost (recover only), else null
 * @param queriesMs          each HTTP API request's latency by what it asked (queries only), else null
 * @param clientStarts       each way of writing starts, by name (starts only), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(String scenario, Map<String, Object> parameters, String gitCommit, String startedAt,
                        Map<String, Object> hardware, Map<String, Object> infrastructure, String latencyMethod, Counts counts,
                        double throughputPerSecond, double measuredSeconds, double elapsedSeconds, Latency latencyMs,
                        Memory memory, List<IntervalSample> series, StepSeries steps, Recovery recovery,
                        Map<String, Latency> queriesMs, Map<String, ClientStarts> clientStarts) {

    /**
     * @param queries each HTTP API request's latency by what it asked
     * @return this result with the query latencies
     */
    public RunResult withQueries(Map<String, Latency> queries) {
        return new RunResult(scenario, parameters, gitCommit, startedAt, hardware, infrastructure, latencyMethod, counts,
                throughputPerSecond, measuredSeconds, elapsedSeconds, latencyMs, memory, series, steps, recovery, queries,
                clientStarts);
    }

    /**
     * @param starts each way of writing starts, by name
     * @return this result with them
     */
    public RunResult withClientStarts(Map<String, ClientStarts> starts) {
        return new RunResult(scenario, parameters, gitCommit, startedAt, hardware, infrastructure, latencyMethod, counts,
                throughputPerSecond, measuredSeconds, elapsedSeconds, latencyMs, memory, series, steps, recovery, queriesMs,
                starts);
    }

    /**
     * One way of writing workflow starts from one client thread (starts scenario), audited afterwards.
     *
     * @param starts     starts written
     * @param seconds    from the first call to the last acknowledgement
     * @param perSecond  starts / seconds
     * @param latencyMs  each start's time from its call to its acknowledgement
     * @param records    start records of these instances found in the inbox afterwards, or -1 if not audited
     * @param lost       starts not found there, or -1 if not audited
     * @param duplicated records beyond one per instance, or -1 if not audited
     */
    public record ClientStarts(long starts, double seconds, double perSecond, Latency latencyMs, long records, long lost,
                               long duplicated) {
    }

    /**
     * @param started           instances the driver started (write acknowledged)
     * @param completed         instances that ended COMPLETED
     * @param failed            instances that ended otherwise (FAILED, TERMINATED, ...) or whose start failed
     * @param unfinished        started instances with no completion when the driver stopped waiting
     * @param waitTimeouts      closed loop: waits that gave up after --instance-timeout
     * @param measuredCompleted completions inside the measured window
     */
    public record Counts(long started, long completed, long failed, long unfinished, long waitTimeouts, long measuredCompleted) {
    }

    /**
     * Latency percentiles in milliseconds (HdrHistogram, 3 significant digits).
     *
     * @param count how many completions they summarize
     * @param mean  mean
     * @param p50   median
     * @param p90   90th percentile
     * @param p99   99th percentile
     * @param p999  99.9th percentile
     * @param max   maximum
     */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {
    }

    /**
     * @param peakHeapBytes sum of the peak usage of every heap memory pool
     * @param peakRssBytes  the process's peak resident set (Linux VmHWM), or -1 where unknown
     */
    public record Memory(long peakHeapBytes, long peakRssBytes) {
    }

    /**
     * One second of the run; latency fields are null when nothing completed in it.
     *
     * @param t             seconds since the first start, at the end of the interval
     * @param phase         warmup, measure or drain
     * @param started       instances started in the interval
     * @param completed     instances completed in the interval
     * @param inFlight      started but not yet completed at the end of the interval
     * @param p50           median latency of the interval's completions (ms)
     * @param p90           90th percentile (ms)
     * @param p99           99th percentile (ms)
     * @param max           maximum (ms)
     * @param heapUsedBytes heap in use at the end of the interval
     */
    public record IntervalSample(double t, String phase, long started, long completed, long inFlight, Double p50, Double p90,
                                 Double p99, Double max, long heapUsedBytes) {
    }

    /**
     * Per-step latency of a long sequential workflow, the mean over its instances.
     *
     * @param steps          the number of steps
     * @param instances      the number of instances timed
     * @param latencyMs      per step index, null where the step was not seen
     * @param earlyMedianMs  median over steps 50..149 (around step 100)
     * @param lateMedianMs   median over the last 100 steps
     * @param lateOverEarly  late / early; issue 3 asks for at most 1.2 (flat within 20%)
     * @param firstHalfMedianMs  median over steps 50 to the middle
     * @param secondHalfMedianMs median over the second half of the steps
     * @param secondHalfOverFirst second half / first half: the same question asked of thousands of
     *                            steps instead of 100, whose median moves by 2x between runs once
     *                            a step takes a millisecond or two (load-tests/results, 2026-12-07)
     */
    public record StepSeries(int steps, int instances, List<Double> latencyMs, Double earlyMedianMs, Double lateMedianMs,
                             Double lateOverEarly, Double firstHalfMedianMs, Double secondHalfMedianMs,
                             Double secondHalfOverFirst) {
    }

    /**
     * The recover scenario: the orchestrator SIGKILLed once every start was acknowledged, and
     * replaced on the same state directory and topics.
     *
     * @param started                     instances the driver started
     * @param completed                   instances the driver saw complete (COMPLETED)
     * @param inFlightAtKill              started and not yet seen ending when the kill was sent
     * @param killToRunningSeconds        from the SIGKILL to the replacement printing RUNNING (its JVM start included)
     * @param killToLastCompletionSeconds from the SIGKILL to the last ending the driver saw (the end of the drain if none)
     * @param totalSeconds                from the first start to the last ending (or to the end of the drain)
     * @param completionRecords           committed records of the run's instances on the completions topic, all of them
     * @param lost                        started instances with no completion record
     * @param duplicated                  completion records beyond one per instance
     * @param drained                     false if the drain timed out with instances still in flight
     */
    public record Recovery(long started, long completed, long inFlightAtKill, double killToRunningSeconds,
                           double killToLastCompletionSeconds, double totalSeconds, long completionRecords, long lost,
                           long duplicated, boolean drained) {
        /** @return true if nothing was lost or duplicated and every instance ended in time */
        public boolean clean() {
            return lost == 0 && duplicated == 0 && drained;
        }
    }
}
