package io.gregor.loadtest;

import io.gregor.loadtest.engine.Engine;
import io.gregor.loadtest.engine.Recoverable;
import io.gregor.loadtest.engine.Recoverable.CompletionRecords;
import io.gregor.loadtest.report.RunResult.Recovery;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recover scenario's crash: SIGKILLs the orchestrator with the run's instances in flight,
 * starts its replacement at once, and, once the run drained, audits the completions topic for
 * lost and duplicated instances.
 */
final class CrashDrill {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    /** Lets a duplicate written just after the last first completion reach the log before it is counted. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final Recoverable target;
    private final long inFlightAtKill;
    private final long killNanos;
    private final long runningNanos;

    private CrashDrill(Recoverable target, long inFlightAtKill, long killNanos, long runningNanos) {
        this.target = target;
        this.inFlightAtKill = inFlightAtKill;
        this.killNanos = killNanos;
        this.runningNanos = runningNanos;
    }

    /**
     * Kills the orchestrator and returns once its replacement is RUNNING.
     *
     * @param engine  the run's engine; must be {@link Recoverable}
     * @param tracker the run's instances
     * @return the drill, for {@link #audit} after the drain
     * @throws IllegalArgumentException if the engine cannot kill its orchestrator
     * @throws Exception                if the kill or the restart failed
     */
    static CrashDrill crash(Engine engine, CompletionTracker tracker) throws Exception {
        if (!(engine instanceof Recoverable target)) {
            throw new IllegalArgumentException("Expected an engine whose orchestrator can be killed for recover, but found "
                    + engine.name());
        }
        long inFlight = tracker.inFlight();
        LOG.info("SIGKILLing the orchestrator with {} instances in flight", inFlight);
        long kill = System.nanoTime();
        target.killOrchestrator();
        target.restartOrchestrator();
        long running = System.nanoTime();
        LOG.info("The replacement orchestrator is RUNNING {} s after the kill", seconds(running - kill));
        return new CrashDrill(target, inFlight, kill, running);
    }

    /**
     * Counts the run's completion records and puts the figures together.
     *
     * @param idPrefix       what the run's instance ids start with
     * @param recorder       the run's counts
     * @param lastCompletion {@link System#nanoTime()} of the last ending seen, or 0
     * @param t0             {@link System#nanoTime()} at the first start
     * @param end            {@link System#nanoTime()} when the drain ended
     * @param drained        false if the drain timed out
     * @return what the crash cost
     * @throws Exception if the completions topic cannot be read to its end
     */
    Recovery audit(String idPrefix, LatencyRecorder recorder, long lastCompletion, long t0, long end, boolean drained)
            throws Exception {
        Thread.sleep(SETTLE);
        CompletionRecords records = target.countCompletionRecords(idPrefix);
        long started = recorder.startedCount();
        long last = lastCompletion != 0 ? lastCompletion : end;
        Recovery recovery = new Recovery(started, recorder.completedCount(), inFlightAtKill, seconds(runningNanos - killNanos),
                seconds(last - killNanos), seconds(last - t0), records.records(), Math.max(0, started - records.instances()),
                records.duplicates(), drained);
        LOG.info("recover: {} started, {} completed, {} in flight at the kill; RUNNING {} s and last completion {} s after "
                        + "the kill; {} s in all; {} completion records: {} lost, {} duplicated{}",
                recovery.started(), recovery.completed(), recovery.inFlightAtKill(), recovery.killToRunningSeconds(),
                recovery.killToLastCompletionSeconds(), recovery.totalSeconds(), recovery.completionRecords(), recovery.lost(),
                recovery.duplicated(), drained ? "" : "; the drain timed out");
        return recovery;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
