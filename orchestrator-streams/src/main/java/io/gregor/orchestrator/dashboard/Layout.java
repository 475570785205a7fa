package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.client.internal.PayloadJson;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/** The page shell shared by every view, and the formatting of times, durations and JSON values. */
final class Layout {

    static final String STYLESHEET = "/ui/assets/dashboard.css";
    static final String SCRIPT = "/ui/assets/htmx.min.js";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Layout() {
    }

    /** A message shown at the top of a page: the result of an action, or why a request failed. */
    record Notice(boolean error, String message) {
    }

    /**
     * @param title  the page's title (escaped)
     * @param notice a notice to show first, or null
     * @param body   writes the content of {@code <main>}
     * @return the whole document
     */
    static String page(String title, Notice notice, Consumer<Html> body) {
        Html html = new Html();
        html.constant("<!DOCTYPE html>").open("html", "lang", "en").open("head")
                .open("meta", "charset", "utf-8")
                .open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1")
                // htmx's own indicator styles would be an inline <style>, which the page's CSP refuses.
                .open("meta", "name", "htmx-config", "content", "{\"includeIndicatorStyles\":false}")
                .element("title", title + " - Gregor")
                .open("link", "rel", "stylesheet", "href", STYLESHEET)
                .open("script", "src", SCRIPT, "defer", "").close("script")
                .close("head").open("body")
                .open("a", "class", "skip", "href", "#main").text("Skip to content").close("a")
                .open("header").open("nav", "aria-label", "Main")
                .open("a", "class", "brand", "href", "/ui/workflows").text("Gregor").close("a")
                .open("a", "href", "/ui/workflows").text("Workflows").close("a")
                .close("nav").close("header")
                .open("main", "id", "main");
        notice(html, notice);
        body.accept(html);
        return html.close("main").close("body").close("html").toString();
    }

    static void notice(Html html, Notice notice) {
        if (notice != null) {
            html.element("p", notice.message(), "class", notice.error() ? "notice error" : "notice ok",
                    "role", notice.error() ? "alert" : "status");
        }
    }

    /** A form control under its label, the two kept together when the form wraps. */
    static void field(Html html, String id, String label, Consumer<Html> control) {
        html.open("div", "class", "field").element("label", label, "for", id);
        control.accept(html);
        html.close("div");
    }

    /** @return the dashboard's path of an instance's page */
    static String instancePath(String instanceId) {
        return "/ui/workflows/" + OrchestratorHttp.segment(instanceId);
    }

    /** Writes a {@code <time>} element with the instant in UTC, or a dash when absent. */
    static void time(Html html, String iso) {
        Instant instant = instant(iso);
        if (instant == null) {
            html.text("-");
        } else {
            html.element("time", SHOWN.format(instant), "datetime", instant.toString(), "title", instant.toString());
        }
    }

    static Instant instant(String iso) {
        if (iso == null || iso.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** @return a short duration such as {@code 850 ms}, {@code 2.4 s}, {@code 3 min 5 s} or {@code 4 h 10 min} */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format("%.1f s", millis / 1000.0);
        }
        if (millis < 3_600_000) {
            return duration.toMinutes() + " min " + duration.toSecondsPart() + " s";
        }
        if (millis < 86_400_000) {
            return duration.toHours() + " h " + duration.toMinutesPart() + " min";
        }
        return duration.toDays() + " d " + duration.toHoursPart() + " h";
    }

    /** @return the value as indented JSON */
    static String json(JsonNode value) {
        try {
            return PayloadJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** @return a payload shown in one line, cut to {@code max} characters */
    static String brief(JsonNode value, int max) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }
}
