package io.gregor.orchestrator.internal;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A source processor of the topology with its stream thread's {@link CommitPacer} told of every
 * record it finishes, so that the pacer sees the end of each delivered batch whichever
 * sub-topology the records belong to.
 */
final class PacedProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private final Processor<byte[], byte[], byte[], byte[]> delegate;
    private final ThreadLocal<CommitPacer> pacers;
    private ProcessorContext<byte[], byte[]> context;

    PacedProcessor(Processor<byte[], byte[], byte[], byte[]> delegate, ThreadLocal<CommitPacer> pacers) {
        this.delegate = delegate;
        this.pacers = pacers;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        delegate.init(context);
        CommitPacer.register(pacers, context);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            delegate.process(record);
        } finally {
            pacers.get().recordProcessed(context);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
