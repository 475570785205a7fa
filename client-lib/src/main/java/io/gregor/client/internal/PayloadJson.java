package io.gregor.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.schemas.avro.Payload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * How payloads appear in the HTTP API's JSON, for the server that writes it and the client that
 * reads it: a {@code json}-encoded payload is its JSON value itself; any other encoding is the
 * object {@code {"@encoding": "avro", "@data": "<base64>"}}; no payload is JSON {@code null}.
 */
public final class PayloadJson {

    /** The field naming a non-JSON payload's encoding. */
    public static final String ENCODING = "@encoding";
    /** The field holding a non-JSON payload's bytes, base64. */
    public static final String DATA = "@data";
    /** The encoding tag of JSON payloads. */
    public static final String JSON = "json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PayloadJson() {
    }

    /** @return the mapper both sides use: plain Jackson defaults */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * @param payload a payload, or null
     * @return its JSON form, see the class comment
     * @throws IllegalStateException if a json-encoded payload is not valid JSON
     */
    public static JsonNode toJson(Payload payload) {
        if (payload == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        byte[] bytes = bytes(payload.getData());
        if (JSON.equals(payload.getEncoding())) {
            try {
                return MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("Expected a json-encoded payload to hold JSON, but found: " + e.getMessage(), e);
            }
        }
        ObjectNode opaque = JsonNodeFactory.instance.objectNode();
        opaque.put(ENCODING, payload.getEncoding());
        opaque.put(DATA, Base64.getEncoder().encodeToString(bytes));
        return opaque;
    }

    /**
     * @param node a JSON form written by {@link #toJson}, or null/missing
     * @return the payload, or null for JSON null or a missing node
     * @throws IllegalArgumentException if an {@value #ENCODING} object is malformed
     */
    public static Payload fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject() && node.has(ENCODING) && node.has(DATA) && node.size() == 2) {
            try {
                return new Payload(node.get(ENCODING).asText(), ByteBuffer.wrap(Base64.getDecoder().decode(node.get(DATA).asText())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Expected base64 in " + DATA + ", but found: " + e.getMessage(), e);
            }
        }
        try {
            return new Payload(JSON, ByteBuffer.wrap(MAPPER.writeValueAsBytes(node)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Expected to write a JSON value, but: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
