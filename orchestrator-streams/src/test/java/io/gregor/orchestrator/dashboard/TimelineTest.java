package io.gregor.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.internal.PayloadJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static JsonNode events(String json) throws Exception {
        return PayloadJson.mapper().readTree(json.replace('\'', '"'));
    }

    private static final String HISTORY = """
            [{'eventId':0,'type':'WorkflowStarted','timestamp':'2026-12-04T10:00:00Z','name':'Order','details':{}},
             {'eventId':1,'type':'TaskScheduled','timestamp':'2026-12-04T10:00:00.100Z','name':'Pay','details':{'taskId':0,'attempt':1}},
             {'eventId':2,'type':'TaskFailed','timestamp':'2026-12-04T10:00:00.300Z','name':null,'details':{'taskId':0}},
             {'eventId':3,'type':'TaskScheduled','timestamp':'2026-12-04T10:00:01.300Z','name':'Pay','details':{'taskId':1,'attempt':2}},
             {'eventId':4,'type':'TaskCompleted','timestamp':'2026-12-04T10:00:01.500Z','name':null,'details':{'taskId':1}},
             {'eventId':5,'type':'TimerCreated','timestamp':'2026-12-04T10:00:01.500Z','name':null,'details':{'timerId':2}},
             {'eventId':6,'type':'EventRaised','timestamp':'2026-12-04T10:00:01.700Z','name':'approval','details':{'name':'approval'}},
             {'eventId':7,'type':'TimerCancelled','timestamp':'2026-12-04T10:00:01.700Z','name':null,'details':{'timerId':2}},
             {'eventId':8,'type':'TaskScheduled','timestamp':'2026-12-04T10:00:01.700Z','name':'Ship','details':{'taskId':3,'attempt':1}}]
            """;

    @Test
    void eachAttemptIsABarFromScheduledToItsOutcomeAndARetryIsItsOwnBar() throws Exception {
        // when
        Timeline timeline = Timeline.of(events(HISTORY));

        // then
        assertThat(timeline.bars()).containsExactly(
                new Timeline.Bar("activity", "Pay", Instant.parse("2026-12-04T10:00:00.100Z"), Instant.parse("2026-12-04T10:00:00.300Z"), "failed"),
                new Timeline.Bar("activity", "Pay (retry 1)", Instant.parse("2026-12-04T10:00:01.300Z"),
                        Instant.parse("2026-12-04T10:00:01.500Z"), "completed"),
                new Timeline.Bar("timer", "timer 2", Instant.parse("2026-12-04T10:00:01.500Z"), Instant.parse("2026-12-04T10:00:01.700Z"),
                        "cancelled"),
                new Timeline.Bar("activity", "Ship", Instant.parse("2026-12-04T10:00:01.700Z"), null, "pending"));
        assertThat(timeline.markers()).extracting(Timeline.Marker::label).containsExactly("workflow Started", "event approval");
    }

    /** The bar of the history's last activity, 'Ship' (scheduled at 10:00:01.700), once {@code type} is recorded at {@code at}. */
    private static Timeline.Bar shipAfter(String type, String at, String details) throws Exception {
        String history = HISTORY.replace("}}]", "}},\n {'eventId':9,'type':'" + type + "','timestamp':'" + at + "','name':null,'details':"
                + details + "}]");
        return Timeline.of(events(history)).bars().getLast();
    }

    @Test
    void whatIsStillOpenWhenTheWorkflowEndsIsShownCancelledAtItsEnd() throws Exception {
        assertThat(shipAfter("WorkflowTerminated", "2026-12-04T10:00:02Z", "{}")).isEqualTo(new Timeline.Bar("activity", "Ship",
                Instant.parse("2026-12-04T10:00:01.700Z"), Instant.parse("2026-12-04T10:00:02Z"), "cancelled"));
    }

    @Test
    void anActivityTheCodeCancelledEndsCancelledWhenItsCancellationIsRecorded() throws Exception {
        assertThat(shipAfter("TaskCancelRequested", "2026-12-04T10:00:01.900Z", "{'taskId':3}")).isEqualTo(new Timeline.Bar("activity", "Ship",
                Instant.parse("2026-12-04T10:00:01.700Z"), Instant.parse("2026-12-04T10:00:01.900Z"), "cancelled"));
    }

    @Test
    void theSvgHasATitledBarPerSpanAndEscapesNames() throws Exception {
        // given
        Timeline timeline = Timeline.of(events(HISTORY.replace("'Ship'", "'<script>x</script>'")));
        Html html = new Html();

        // when
        timeline.write(html);

        // then
        String svg = html.toString();
        assertThat(svg).contains("role=\"img\"").contains("<title>Pay: failed after 200 ms, from +100 ms</title>")
                .contains("&lt;script&gt;x&lt;/script&gt;").doesNotContain("<script>");
        assertThat(svg.split("class=\"bar ", -1)).hasSize(5);
    }
}
