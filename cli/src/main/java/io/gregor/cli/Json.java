package io.gregor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reading user input as JSON and writing the server's JSON back out. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * @param option the option that gave the text, for the message
     * @param text   the user's text
     * @return it parsed; a usage error if it is not one JSON value
     */
    static JsonNode parse(String option, String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw CliException.usage("Expected " + option + " to be a JSON value (e.g. '\"text\"', 42 or '{\"a\":1}'), "
                    + "but found '" + text + "': " + e.getOriginalMessage());
        }
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** One line, for table cells; a JSON string shows without its quotes. */
    static String compact(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Expected to write a JSON tree, but could not: " + e.getMessage(), e);
        }
    }
}
