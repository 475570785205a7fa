package io.gregor.client.internal;

import io.gregor.schemas.avro.Payload;

/**
 * Checks what a client is asked to write before anything reaches Kafka, so bad input fails at
 * the caller with a specific message instead of as a dead letter or a FAILED status later.
 */
public final class Validation {

    /** Longer ids would bloat every key, store entry and log line of the instance. */
    public static final int MAX_INSTANCE_ID_LENGTH = 200;

    private Validation() {
    }

    /**
     * Checks an instance id: non-blank, at most {@value #MAX_INSTANCE_ID_LENGTH} characters, no
     * control characters (they break logs and the CLI) and no '/' (activity-task keys are
     * {@code <instance id>/<task id>}, so a '/' would make them ambiguous).
     *
     * @param instanceId the id to check
     * @return the id, unchanged
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    public static String instanceId(String instanceId) {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException(
                    "Expected a non-blank instance id, but found " + describe(instanceId));
        }
        if (instanceId.length() > MAX_INSTANCE_ID_LENGTH) {
            throw new IllegalArgumentException("Expected an instance id of at most "
                    + MAX_INSTANCE_ID_LENGTH + " characters, but found " + instanceId.length()
                    + " characters in '" + instanceId.substring(0, 40) + "...'");
        }
        for (int i = 0; i < instanceId.length(); i++) {
            char c = instanceId.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(String.format(
                        "Expected an instance id without control characters, but found U+%04X at index %d of %s",
                        (int) c, i, describe(instanceId.replaceAll("\\p{Cntrl}", "?"))));
            }
            if (c == '/') {
                throw new IllegalArgumentException(
                        "Expected an instance id without '/' (activity-task keys use it as a separator),"
                                + " but found one at index " + i + " of '" + instanceId + "'");
            }
        }
        return instanceId;
    }

    /**
     * Checks a name (of a workflow or an event).
     *
     * @param what what the name is of, for the message, e.g. "workflow name"
     * @param name the name to check
     * @return the name, unchanged
     * @throws IllegalArgumentException if the name is null or blank
     */
    public static String name(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Expected a non-blank " + what + ", but found " + describe(name));
        }
        return name;
    }

    /**
     * Checks the size of a converted payload.
     *
     * @param payload  the converted payload, or null for none
     * @param maxBytes the largest accepted size of its data
     * @param what     the payload with its article, for the message, e.g. "an input"
     * @param context  whose payload it is, for the message, e.g. "for workflow 'X' (instance Y)"
     * @return the payload, unchanged
     * @throws IllegalArgumentException if the data is larger than {@code maxBytes}
     */
    public static Payload payloadSize(Payload payload, int maxBytes, String what, String context) {
        if (payload == null) {
            return null;
        }
        int size = payload.getData().remaining();
        if (size > maxBytes) {
            throw new IllegalArgumentException("Expected " + what + " of at most " + maxBytes + " bytes "
                    + context + ", but found " + size + " bytes");
        }
        return payload;
    }

    private static String describe(String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
