package io.gregor.orchestrator.internal.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Byte layouts of store keys, chosen so RocksDB's byte order gives the scans we need: all of one
 * instance's history in sequence order (length-prefixed id, then big-endian sequence), and timers
 * in due order (big-endian due time first).
 */
final class StoreKeys {
    private StoreKeys() {
    }

    static Bytes instance(String instanceId) {
        return Bytes.wrap(instanceId.getBytes(StandardCharsets.UTF_8));
    }

    static Bytes history(String instanceId, int sequence) {
        byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(2 + id.length + 4).putShort((short) id.length).put(id).putInt(sequence).array());
    }

    /** @return the sequence number a {@link #history} key ends with */
    static int historySequence(Bytes key) {
        byte[] bytes = key.get();
        return ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    }

    /** The same layout as {@link #history}: an instance's attempts sort together, by task id. */
    static Bytes attempt(String instanceId, int taskId) {
        return history(instanceId, taskId);
    }

    static Bytes timer(long fireAt, String instanceId, int timerId) {
        byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + 2 + id.length + 4).putLong(fireAt).putShort((short) id.length).put(id)
                .putInt(timerId).array());
    }

    /** Sorts before every timer due at {@code fireAt} and after every earlier one (a proper prefix sorts first). */
    static Bytes timersFrom(long fireAt) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(fireAt).array());
    }

    static long timerFireAt(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }
}
