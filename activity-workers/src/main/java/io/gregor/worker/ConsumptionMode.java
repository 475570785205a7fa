package io.gregor.worker;

/** How an {@link ActivityWorker} consumes the activity-tasks topic. */
public enum ConsumptionMode {

  /**
   * A Kafka share group (KIP-932), the default: each task is acknowledged on its own after its
   * result was written, tasks of a dead worker are redelivered when their acquisition lock
   * expires, and a group may have more workers than the topic has partitions.
   */
  SHARE_GROUP,

  /**
   * A classic consumer group, for brokers without share groups: offsets are committed after the
   * results of the polled tasks were written. Parallelism across workers is bounded by the
   * partition count, and a slow task delays the commit of the tasks polled with it.
   */
  CONSUMER_GROUP
}
