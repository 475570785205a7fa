package io.gregor.worker;

/** How an {@link ActivityWorker} consumes the activity-tasks topic. */
public enum ConsumptionMode {

  /**
   * A Kafka share group (KIP-932): each task is acknowledged on its own after its result was
   * written, tasks of a dead worker are redelivered when their acquisition lock expires, and a
   * group may have more workers than the topic has partitions. On Kafka 4.3 it costs each step
   * a few milliseconds more than a consumer group, and the broker more CPU.
   */
  SHARE_GROUP,

  /**
   * A classic consumer group, the default (and the mode for brokers without share groups):
   * offsets are committed after the results of the polled tasks were written. Parallelism
   * across workers is bounded by the partition count of the activity-tasks topic, and a slow
   * task delays the commit of the tasks polled with it.
   */
  CONSUMER_GROUP
}
