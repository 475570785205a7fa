package io.gregor.orchestrator.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the open transaction of an orchestrator process that has left the group, so that the
 * process taking over its tasks need not wait for the transaction timeout.
 *
 * <p>Why: under exactly-once, the new owner of a dead process's task cannot read the task's
 * changelogs to their end, nor its input's committed offset, until the dead process's open
 * transaction ends. The broker aborts it only once {@code transaction.timeout.ms} (10 s in Kafka
 * Streams) has passed and its next sweep for expired transactions runs
 * ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s by default); nothing
 * else ends it, since the survivor's producers have transactional ids of their own. That wait was
 * most of an orchestrator kill's stall (load-tests/results). Fencing the dead process's
 * transactional ids ends it at once, as its own restart would.
 *
 * <p>Who is dead: Kafka Streams names a process's transactional ids
 * {@code <application.id>-<processId>-<thread>} and its consumers
 * {@code <application.id>-<processId>-StreamThread-<n>-consumer}, so an ongoing transaction of
 * this application whose process has no consumer in the group belongs to a process the group
 * coordinator removed (its session expired, or it left). That is the zombie the group already
 * gave up on, and fencing it is what a restart of that process would do. If any member's client
 * id does not follow the pattern ({@code client.id} set by hand), it cannot tell, and fences
 * nothing. Under Kafka Streams' own group protocol ({@code group.protocol=streams}, KIP-1071) the
 * group describes each member's process id itself.
 *
 * <p>When: every {@link #INTERVAL} it describes the group (one request), and it looks for open
 * transactions as soon as a process it saw there before is gone, and on every check while this
 * process's Streams state is REBALANCING. The group coordinator drops a dead member when its
 * session expires, which is when the rebalance starts; Kafka Streams reports REBALANCING only once
 * this process has rejoined and received its assignment, 0.5-1 s later on a busy machine, and the
 * tasks taken over cannot finish restoring their changelogs before the dead transaction ends
 * (load-tests/results, 2026-12-07).
 */
public final class ZombieFencer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZombieFencer.class);
    static final Duration INTERVAL = Duration.ofMillis(200);
    private static final long CALL_TIMEOUT_MS = 5_000;
    private static final String THREAD_CONSUMER = "-StreamThread-";

    private final Admin admin;
    private final String applicationId;
    private final String prefix;
    private final boolean streamsGroup;
    private final ScheduledExecutorService executor;
    private ScheduledFuture<?> checks;
    private volatile boolean rebalancing;
    /** The group's processes at the last check: one missing now has left (or died). Written by the checks' thread only. */
    private volatile Set<String> lastSeen = Set.of();
    private boolean warnedUnnamed;

    /**
     * @param admin         an admin client of the cluster, closed by {@link #close()}
     * @param applicationId the orchestrators' Kafka Streams application id (also their group id)
     * @param streamsGroup  whether the group runs Kafka Streams' own protocol ({@code group.protocol=streams})
     */
    public ZombieFencer(Admin admin, String applicationId, boolean streamsGroup) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.prefix = applicationId + "-";
        this.streamsGroup = streamsGroup;
        // Connected and with metadata before the first rebalance it serves: a failover should not wait for that.
        admin.describeCluster();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gregor-zombie-fencer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the checks; they run until {@link #close()}. */
    public synchronized void start() {
        if (checks == null && !executor.isShutdown()) {
            checks = executor.scheduleWithFixedDelay(this::check, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** @param rebalancing whether this process's Streams state is REBALANCING: every check then looks for dead transactions */
    public void rebalancing(boolean rebalancing) {
        this.rebalancing = rebalancing;
    }

    private void check() {
        try {
            Optional<Set<String>> live = liveProcesses();
            if (live.isEmpty()) {
                return;
            }
            if (rebalancing || !live.get().containsAll(lastSeen)) {
                // It describes the group again after listing the transactions, so that a process that joined in
                // between is never taken for a dead one.
                fenceOnce();
            }
            // Only now: if the fencing failed, the next check still sees the departed process missing and tries again.
            lastSeen = live.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException || e.getCause() instanceof UnsupportedVersionException) {
                // Without Describe on the transactional ids and the group, or Write on the ids, or on brokers older than
                // the requests (listing transactions by a transactional-id pattern, KIP-1152), it can never help.
                LOG.warn("Cannot look for or fence dead orchestrators' transactions ({}); a dead orchestrator's tasks move "
                        + "once its transaction times out", e.getCause().toString());
                synchronized (this) {
                    checks.cancel(false);
                }
            } else {
                LOG.debug("Looking for dead orchestrators' transactions failed; trying again", e);
            }
        } catch (TimeoutException e) {
            LOG.debug("Looking for dead orchestrators' transactions timed out; trying again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Looking for dead orchestrators' transactions failed; trying again", e);
        }
    }

    /** @return the group's processes at the last check */
    Set<String> lastSeen() {
        return lastSeen;
    }

    /**
     * Fences the ongoing transactions of this application whose process has no member in the group.
     *
     * @return the transactional ids fenced
     */
    Set<String> fenceOnce() throws ExecutionException, InterruptedException, TimeoutException {
        Collection<TransactionListing> ongoing = admin.listTransactions(new ListTransactionsOptions()
                        .filterStates(List.of(TransactionState.ONGOING)).filterOnTransactionalIdPattern(Pattern.quote(prefix) + ".*"))
                .all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (ongoing.isEmpty()) {
            return Set.of();
        }
        Set<String> live = liveProcesses().orElse(Set.of());
        if (live.isEmpty()) {
            return Set.of(); // nobody to tell from: not even this process is in the group yet
        }
        Set<String> dead = new TreeSet<>();
        for (TransactionListing transaction : ongoing) {
            processOfTransaction(transaction.transactionalId()).filter(p -> !live.contains(p)).ifPresent(p -> dead.add(transaction.transactionalId()));
        }
        if (!dead.isEmpty()) {
            admin.fenceProducers(dead).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.info("Fenced {}: their orchestrator process left group {} with a transaction open, which now aborts instead of holding "
                    + "back its tasks' new owner until it times out", dead, applicationId);
        }
        return dead;
    }

    /** @return the process ids of the group's members, or empty if a member cannot be identified */
    private Optional<Set<String>> liveProcesses() throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> live = new TreeSet<>();
        if (streamsGroup) {
            admin.describeStreamsGroups(List.of(applicationId)).describedGroups().get(applicationId).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .members().forEach(member -> live.add(member.processId()));
            return Optional.of(live);
        }
        Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId)
                .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).members();
        for (MemberDescription member : members) {
            Optional<String> process = processOfConsumer(member.clientId());
            if (process.isEmpty()) {
                if (!warnedUnnamed) {
                    warnedUnnamed = true;
                    LOG.info("Group member '{}' is not named <application.id>-<processId>-StreamThread-<n>-consumer (client.id set?), so dead"
                            + " orchestrators cannot be told from live ones: their tasks move once their transaction times out", member.clientId());
                }
                return Optional.empty();
            }
            live.add(process.get());
        }
        return Optional.of(live);
    }

    /** {@code <prefix><processId>-<thread>} */
    Optional<String> processOfTransaction(String transactionalId) {
        if (!transactionalId.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = transactionalId.substring(prefix.length());
        int dash = rest.lastIndexOf('-');
        return dash < 0 ? Optional.empty() : processId(rest.substring(0, dash));
    }

    /** {@code <prefix><processId>-StreamThread-<n>-consumer} */
    Optional<String> processOfConsumer(String clientId) {
        if (clientId == null || !clientId.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = clientId.substring(prefix.length());
        int thread = rest.indexOf(THREAD_CONSUMER);
        return thread < 0 ? Optional.empty() : processId(rest.substring(0, thread));
    }

    private static Optional<String> processId(String candidate) {
        if (candidate.length() != 36) {
            return Optional.empty(); // UUID.fromString also takes short forms such as 1-2-3-4-5
        }
        try {
            return Optional.of(UUID.fromString(candidate).toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
