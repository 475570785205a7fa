/**
 * The kit's machinery, not an API: the orchestrator's topology in a TopologyTestDriver, the
 * in-process activity runner, and the history export read back into the engine's events.
 */
package io.gregor.testing.internal;
