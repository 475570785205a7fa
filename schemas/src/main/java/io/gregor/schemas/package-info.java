/**
 * Gregor's Kafka contracts: the names of its topics ({@link io.gregor.schemas.Topics}) and helpers
 * around the generated Avro records of {@code io.gregor.schemas.avro}.
 */
package io.gregor.schemas;
