package io.gregor.worker.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a task record sits in the log; identifies one delivery's record across polls (a renewed
 * record comes back from poll as a new object with the same id).
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset
 */
record RecordId(String topic, int partition, long offset) {

  static RecordId of(ConsumerRecord<?, ?> record) {
    return new RecordId(record.topic(), record.partition(), record.offset());
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
