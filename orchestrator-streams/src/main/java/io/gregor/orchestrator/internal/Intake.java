package io.gregor.orchestrator.internal;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Copies starts, events, control requests and the activity results of workers in other languages
 * into the inbox, untouched, with headers that say what they are and where they came from. Their place in the inbox's partition is then the order
 * in which the workflow processor sees them relative to the instance's activity results and
 * timers, on the first run and on every reprocessing after an abort alike.
 *
 * <p>It does not decode: a record that cannot be read is dead-lettered by the workflow processor,
 * which names the original topic, partition and offset from the origin headers.
 */
final class Intake implements Processor<byte[], byte[], byte[], byte[]> {
    static final String ORIGIN_TOPIC = "gregor.origin.topic";
    static final String ORIGIN_PARTITION = "gregor.origin.partition";
    static final String ORIGIN_OFFSET = "gregor.origin.offset";

    private final Topics topics;
    private final ThreadLocal<CommitPacer> pacer;
    private ProcessorContext<byte[], byte[]> context;

    Intake(Topics topics, ThreadLocal<CommitPacer> pacer) {
        this.pacer = pacer;
        this.topics = topics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Headers headers = new RecordHeaders(record.headers().toArray());
        // Whatever a producer put in our own headers is replaced: they must describe this record.
        for (String name : new String[] {InputKind.HEADER, ORIGIN_TOPIC, ORIGIN_PARTITION, ORIGIN_OFFSET}) {
            headers.remove(name);
        }
        headers.add(InputKind.HEADER, topics.inputKindOf(source.topic()).orElseThrow().headerValue());
        headers.add(ORIGIN_TOPIC, bytes(source.topic()));
        headers.add(ORIGIN_PARTITION, bytes(Integer.toString(source.partition())));
        headers.add(ORIGIN_OFFSET, bytes(Long.toString(source.offset())));
        context.forward(record.withHeaders(headers), OrchestratorTopology.INTAKE_SINK);
        // The processor reads the inbox read_committed: the copy reaches it when this commits.
        pacer.get().outputWaiting(context);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
