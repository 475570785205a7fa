/** Kafka serdes for Gregor's Avro records in the Confluent wire format. */
package io.gregor.schemas.serde;
