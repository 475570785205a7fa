package io.gregor.orchestrator.internal;

import io.gregor.schemas.registry.SchemaRegistryException;
import io.gregor.schemas.serde.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a record that cannot be read from a schema registry that cannot answer, so that only the
 * first is dead-lettered.
 *
 * <p>Why a registry failure is thrown out of the processor rather than dead-lettered or waited
 * out here: the registry client has already retried with backoff for up to
 * {@code gregor.schema.registry.retry.max.time.ms} (30 s by default), which rides out a blip
 * while the stream thread keeps its caches and its open transaction. Once that is spent, the
 * exception fails the stream thread (the default processing exception handler fails on any
 * exception). Under exactly_once_v2 that aborts the thread's open transaction, so neither this
 * record's effects nor those of the records before it since the last commit become visible, and
 * their offsets stay uncommitted; {@code GregorOrchestrator} answers REPLACE_THREAD, and the new
 * thread reprocesses from the last commit once the registry answers again: nothing is lost or
 * applied twice. Blocking longer instead would outlive {@code transaction.timeout.ms} and
 * {@code max.poll.interval.ms} (the broker would abort and fence the thread anyway) and keep
 * {@code KafkaStreams.close()} waiting. A failure that is not transient (refused credentials, an
 * untrusted certificate, a schema of Gregor's own found incompatible) is not the record's fault
 * either: dead-lettering every input until an operator fixes the configuration would stop no
 * less and lose more, so it is thrown too, and logged as needing an operator.
 */
final class RegistryFailures {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryFailures.class);

    private RegistryFailures() {
    }

    /**
     * @param failure what decoding or processing a record threw
     * @param record  names the record in the message, e.g. "gregor.inbox-3@42"
     * @throws IllegalStateException wrapping the failure if the registry, not the record, is to blame
     */
    static void rethrowIfRegistryFailure(RuntimeException failure, String record) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof WireFormatException) {
                return;
            }
            if (t instanceof SchemaRegistryException registry) {
                String message = "Expected the schema registry to serve record " + record + ", but it "
                        + (registry.isTransient() ? "could not now" : "refused (this needs an operator)") + ": "
                        + registry.getMessage() + ". The record is not committed; it is processed again after the"
                        + " stream thread is replaced";
                if (registry.isTransient()) {
                    LOG.warn(message);
                } else {
                    LOG.error(message);
                }
                throw new IllegalStateException(message, failure);
            }
        }
    }
}
