package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The timeline of one history (the export of {@code GET /v1/workflows/{id}/history}): a bar per
 * activity attempt and per child workflow attempt from scheduled to completed or failed (a retry
 * is the next attempt, so its own bar), a bar per durable timer from created to fired or
 * cancelled, and a marker per external event and per lifecycle event. Drawn as inline SVG, so it
 * needs neither script nor inline styles; every bar has a {@code <title>} for a tooltip and for
 * screen readers.
 */
final class Timeline {

    /** Beyond this, the bars would be too thin to read; the history table and the export still have everything. */
    static final int MAX_BARS = 200;
    private static final int LABEL_WIDTH = 240;
    private static final int CHART_WIDTH = 740;
    private static final int ROW = 22;
    private static final int AXIS = 24;
    private static final Set<String> ENDINGS = Set.of("WorkflowCompleted", "WorkflowFailed", "WorkflowTerminated", "WorkflowContinuedAsNew");

    /** One span; {@code end} null while it is still open. {@code outcome} is the CSS class. */
    record Bar(String kind, String label, Instant start, Instant end, String outcome) {
    }

    /** One point in time. */
    record Marker(String label, Instant at, String kind) {
    }

    private final List<Bar> bars;
    private final List<Marker> markers;
    private final Instant origin;
    private final Instant last;

    private Timeline(List<Bar> bars, List<Marker> markers, Instant origin, Instant last) {
        this.bars = bars;
        this.markers = markers;
        this.origin = origin;
        this.last = last;
    }

    List<Bar> bars() {
        return bars;
    }

    List<Marker> markers() {
        return markers;
    }

    /** @param events the {@code events} array of the history export */
    static Timeline of(JsonNode events) {
        List<Bar> bars = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        Map<String, Integer> open = new HashMap<>();
        Instant origin = null;
        Instant last = null;
        String lastType = null;
        for (JsonNode event : events) {
            Instant at = Layout.instant(event.path("timestamp").asText());
            if (at == null) {
                continue;
            }
            origin = origin == null ? at : origin;
            last = at;
            lastType = event.path("type").asText();
            JsonNode details = event.path("details");
            String type = event.path("type").asText();
            switch (type) {
                case "TaskScheduled", "ChildWorkflowScheduled" -> {
                    boolean child = type.startsWith("Child");
                    int attempt = details.path("attempt").asInt(1);
                    String label = (child ? "child " : "") + event.path("name").asText() + (attempt > 1 ? " (retry " + (attempt - 1) + ")" : "");
                    open.put((child ? "child:" : "task:") + details.path("taskId").asInt(), bars.size());
                    bars.add(new Bar(child ? "child" : "activity", label, at, null, "pending"));
                }
                case "TaskCompleted", "TaskFailed", "ChildWorkflowCompleted", "ChildWorkflowFailed" ->
                        end(bars, open.remove((type.startsWith("Child") ? "child:" : "task:") + details.path("taskId").asInt()), at,
                                type.endsWith("Completed") ? "completed" : "failed");
                case "TimerCreated" -> {
                    open.put("timer:" + details.path("timerId").asInt(), bars.size());
                    bars.add(new Bar("timer", "timer " + details.path("timerId").asInt(), at, null, "pending"));
                }
                case "TimerFired", "TimerCancelled" -> end(bars, open.remove("timer:" + details.path("timerId").asInt()), at,
                        type.equals("TimerFired") ? "fired" : "cancelled");
                case "TaskCancelRequested" -> {
                    // Activities and children share task ids: the bar is one or the other.
                    String id = ":" + details.path("taskId").asInt();
                    Integer index = open.remove("task" + id);
                    end(bars, index != null ? index : open.remove("child" + id), at, "cancelled");
                }
                case "EventRaised" -> markers.add(new Marker("event " + event.path("name").asText(), at, "event"));
                default -> markers.add(new Marker(type.replace("Workflow", "workflow "), at, "lifecycle"));
            }
        }
        if (ENDINGS.contains(lastType)) {
            // The generation ended with these still open (a terminate writes no TimerCancelled): they will never finish.
            for (int index : open.values()) {
                end(bars, index, last, "cancelled");
            }
        }
        return new Timeline(bars, markers, origin, last);
    }

    private static void end(List<Bar> bars, Integer index, Instant at, String outcome) {
        if (index != null) {
            Bar bar = bars.get(index);
            bars.set(index, new Bar(bar.kind(), bar.label(), bar.start(), at, outcome));
        }
    }

    /** Writes the figure: the SVG, and a note when bars were left out. */
    void write(Html html) {
        if (origin == null) {
            html.element("p", "The history is empty.");
            return;
        }
        List<Bar> shown = bars.size() > MAX_BARS ? bars.subList(0, MAX_BARS) : bars;
        long span = Math.max(1, Duration.between(origin, last).toMillis());
        int height = AXIS + ROW * (shown.size() + 1) + 8;
        html.open("figure", "id", "timeline", "class", "timeline")
                .open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + (LABEL_WIDTH + CHART_WIDTH + 20) + " " + height,
                        "role", "img", "aria-labelledby", "timeline-title timeline-desc")
                .element("title", "Timeline", "id", "timeline-title")
                .element("desc", shown.size() + " activities, child workflows and timers over " + Layout.duration(Duration.ofMillis(span))
                        + ", and " + markers.size() + " events", "id", "timeline-desc");
        for (int tick = 0; tick <= 4; tick++) {
            int x = LABEL_WIDTH + CHART_WIDTH * tick / 4;
            html.open("line", "class", "tick", "x1", "" + x, "x2", "" + x, "y1", "" + (AXIS - 6), "y2", "" + height).close("line")
                    .element("text", "+" + Layout.duration(Duration.ofMillis(span * tick / 4)), "class", "axis", "x", "" + x, "y", "" + (AXIS - 10),
                            "text-anchor", tick == 0 ? "start" : tick == 4 ? "end" : "middle");
        }
        int y = AXIS;
        html.element("text", "events", "class", "label", "x", "4", "y", "" + (y + 15));
        for (Marker marker : markers) {
            int x = x(marker.at(), span);
            html.open("g", "class", "marker " + marker.kind())
                    .open("rect", "x", "" + (x - 4), "y", "" + (y + 5), "width", "8", "height", "12", "rx", "2")
                    .element("title", marker.label() + " at +" + Layout.duration(Duration.between(origin, marker.at())))
                    .close("rect").close("g");
        }
        for (Bar bar : shown) {
            y += ROW;
            int x = x(bar.start(), span);
            int width = Math.max(3, x(bar.end() == null ? last : bar.end(), span) - x);
            Duration took = Duration.between(bar.start(), bar.end() == null ? last : bar.end());
            html.element("text", bar.label().length() > 34 ? bar.label().substring(0, 33) + "\u2026" : bar.label(), "class", "label",
                            "x", "4", "y", "" + (y + 15))
                    .open("g", "class", "bar " + bar.kind() + " " + bar.outcome())
                    .open("rect", "x", "" + x, "y", "" + (y + 4), "width", "" + width, "height", "14", "rx", "3")
                    .element("title", bar.label() + ": " + bar.outcome() + (bar.end() == null ? " (still open)" : "") + " after "
                            + Layout.duration(took) + ", from +" + Layout.duration(Duration.between(origin, bar.start())))
                    .close("rect").close("g");
        }
        html.close("svg");
        if (shown.size() < bars.size()) {
            html.element("figcaption", "The first " + shown.size() + " of " + bars.size() + " bars; the history table has all events.");
        }
        html.close("figure");
    }

    private int x(Instant at, long span) {
        return LABEL_WIDTH + (int) (CHART_WIDTH * Duration.between(origin, at).toMillis() / span);
    }
}
