package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * How long terminal instances are kept, per terminal status (Dapr's stateRetentionPolicy); a
 * status without a time to live is kept until purged by hand.
 */
public final class Retention {
    /** Keeps every instance until it is purged by hand. */
    public static final Retention NONE = new Retention(Map.of());

    private final Map<RuntimeStatus, Duration> timeToLive;

    /**
     * @param timeToLive per terminal status, how long after it ended an instance is purged
     * @throws IllegalArgumentException for a status that is not terminal or a negative duration
     */
    public Retention(Map<RuntimeStatus, Duration> timeToLive) {
        this.timeToLive = new EnumMap<>(RuntimeStatus.class);
        timeToLive.forEach((status, ttl) -> {
            if (!InstanceApplier.isTerminal(status)) {
                throw new IllegalArgumentException("Expected a terminal status (COMPLETED, FAILED, TERMINATED) to retain, but found " + status);
            }
            if (ttl == null || ttl.isNegative()) {
                throw new IllegalArgumentException("Expected a time to live of zero or more for " + status + ", but found " + ttl);
            }
            this.timeToLive.put(status, ttl);
        });
    }

    /** @return when the terminal instance is to be purged, measured from the time it ended, if ever */
    Optional<Instant> purgeAt(InstanceMetadata ended) {
        Duration ttl = timeToLive.get(ended.getStatus());
        return ttl == null ? Optional.empty() : Optional.of(ended.getUpdatedAt().plus(ttl));
    }
}
