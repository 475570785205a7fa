package io.gregor.worker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies an unreadable task record, byte for byte, to the dead-letter topic with the reason in
 * headers, so that one bad record never blocks the tasks behind it and operators can inspect
 * (and replay) it.
 */
final class DeadLetterWriter {

  /** Header: why the record could not be processed (the exception's message). */
  static final String REASON = "gregor.error.reason";
  /** Header: the topic the record was read from. */
  static final String TOPIC = "gregor.error.topic";
  /** Header: the partition the record was read from, in decimal. */
  static final String PARTITION = "gregor.error.partition";
  /** Header: the offset of the record, in decimal. */
  static final String OFFSET = "gregor.error.offset";
  /** Header: who dead-lettered it: {@code activity-worker <workerId>}. */
  static final String SOURCE = "gregor.error.source";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

  private final Producer<byte[], byte[]> producer;
  private final String deadLetterTopic;
  private final String source;

  DeadLetterWriter(Producer<byte[], byte[]> producer, String deadLetterTopic, String workerId) {
    this.producer = producer;
    this.deadLetterTopic = deadLetterTopic;
    this.source = "activity-worker " + workerId;
  }

  /** Writes the dead letter; REDELIVER if Kafka refused it, so the record is not lost. */
  Outcome write(ConsumerRecord<byte[], byte[]> record, Exception reason) {
    RecordId id = RecordId.of(record);
    String message = reason.getMessage() != null ? reason.getMessage() : reason.getClass().getName();
    LOG.warn("Moving unreadable task record {} (key {}) to {}: {}",
        id, keyText(record.key()), deadLetterTopic, message);
    // Keep the original headers (tracing ids and the like) and add ours after them.
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(REASON, message.getBytes(UTF_8));
    headers.add(TOPIC, record.topic().getBytes(UTF_8));
    headers.add(PARTITION, Integer.toString(record.partition()).getBytes(UTF_8));
    headers.add(OFFSET, Long.toString(record.offset()).getBytes(UTF_8));
    headers.add(SOURCE, source.getBytes(UTF_8));
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers);
    try {
      Sending.sendAndWait(producer, letter);
      return Outcome.WRITTEN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.REDELIVER;
    } catch (KafkaException | IllegalStateException e) {
      LOG.error("Expected to write unreadable task record {} to {}, but the write failed;"
          + " it will be delivered again", id, deadLetterTopic, e);
      return Outcome.REDELIVER;
    }
  }

  private static String keyText(byte[] key) {
    return key == null ? "null" : "'" + new String(key, UTF_8) + "'";
  }
}
