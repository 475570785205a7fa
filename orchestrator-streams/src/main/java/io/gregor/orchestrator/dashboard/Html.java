package io.gregor.orchestrator.dashboard;

/**
 * A small HTML writer that escapes every value it is given. Tag and attribute names are always
 * constants of this package; values (instance ids, payloads, failure messages: all untrusted) go
 * through {@link #escape} whether they become text or attribute values, so no value can open a
 * tag, close an attribute or start a script.
 */
final class Html {

    private final StringBuilder out = new StringBuilder(4096);

    /** @return the text with {@code & < > " '} replaced by entities, safe in text and in quoted attributes */
    static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** Opens a tag; {@code attributes} are name-value pairs, a null value leaves the attribute out, "" writes it bare. */
    Html open(String tag, String... attributes) {
        out.append('<').append(tag);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            String value = attributes[i + 1];
            if (value == null) {
                continue;
            }
            out.append(' ').append(attributes[i]);
            if (!value.isEmpty()) {
                out.append("=\"").append(escape(value)).append('"');
            }
        }
        out.append('>');
        return this;
    }

    Html close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** An element with escaped text content. */
    Html element(String tag, Object text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    Html text(Object value) {
        out.append(escape(value));
        return this;
    }

    /** Appends what another writer produced (already escaped). */
    Html append(Html other) {
        out.append(other.out);
        return this;
    }

    /** Only for markup that is a constant of this package, never for a value. */
    Html constant(String markup) {
        out.append(markup);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
