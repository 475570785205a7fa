package io.gregor.client;

import java.time.Instant;
import java.util.Map;

/**
 * One event of an instance's history, as the orchestrator's HTTP API exports it.
 *
 * @param eventId   the event's sequence number in the history, from 0
 * @param type      the event type, e.g. {@code TaskScheduled}, {@code EventRaised}
 * @param timestamp when it was recorded (the time workflow code saw)
 * @param name      the activity, event or workflow name where the type has one, else null
 * @param details   every field of the event: payloads as their JSON values, timestamps as
 *                  ISO-8601 text, nested records as maps (see docs/http-api.md)
 */
public record WorkflowHistoryEvent(int eventId, String type, Instant timestamp, String name, Map<String, Object> details) {
}
