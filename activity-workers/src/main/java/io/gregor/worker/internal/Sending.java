package io.gregor.worker.internal;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/** Synchronous sends: task threads are virtual, so waiting for the broker costs no carrier. */
final class Sending {

  private Sending() {}

  /**
   * Sends and waits for the broker's acknowledgement.
   *
   * @throws KafkaException the send's own failure, unwrapped (e.g. RecordTooLargeException)
   * @throws InterruptedException if the thread was interrupted while waiting
   */
  static void sendAndWait(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record)
      throws InterruptedException {
    try {
      producer.send(record).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException kafka) {
        throw kafka;
      }
      throw new KafkaException("Cannot write to " + record.topic() + ": " + e.getCause(), e.getCause());
    }
  }
}
