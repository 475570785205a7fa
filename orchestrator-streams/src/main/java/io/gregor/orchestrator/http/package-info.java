/**
 * The orchestrator's HTTP API (docs/http-api.md): a thin adapter over the stores' read-only
 * views ({@code internal.store}) and the client's record writes ({@code WorkflowWrites}), served
 * by every orchestrator instance. Requests for an instance owned by another orchestrator are
 * forwarded to it; lists and counts fan out to every orchestrator and are merged here.
 */
package io.gregor.orchestrator.http;
