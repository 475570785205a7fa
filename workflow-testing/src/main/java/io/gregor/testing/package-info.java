/**
 * The test kit for workflow authors (docs/testing-workflows.md): {@link io.gregor.testing.WorkflowTestEnvironment}
 * runs workflows and their activities without a broker, on a clock that jumps to the next timer;
 * {@link io.gregor.testing.WorkflowReplayer} replays recorded histories against the current code
 * and fails with the orchestrator's non-determinism message when they diverge. Neither depends
 * on a test framework.
 */
package io.gregor.testing;
