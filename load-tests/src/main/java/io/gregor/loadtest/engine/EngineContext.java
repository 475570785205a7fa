package io.gregor.loadtest.engine;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.scenario.StepClock;

/**
 * What an {@link Engine} gets for one run.
 *
 * @param options           the run's options; {@code options.scenario()} is what to deploy
 * @param bootstrapServers  the Kafka broker every engine of a comparison shares
 * @param schemaRegistryUrl the schema registry (Gregor's serdes need it; a peer may ignore it)
 * @param clock             told when each step starts, if the scenario times steps (longhist)
 * @param observer          told when each instance ends
 */
public record EngineContext(DriverOptions options, String bootstrapServers, String schemaRegistryUrl, StepClock clock,
                            CompletionObserver observer) {
}
