package io.gregor.schemas.registry;

import org.apache.avro.Schema;

/**
 * One version of a subject, as a registry reports it.
 *
 * @param subject the subject
 * @param version the version under the subject, starting at 1
 * @param id the registry-wide schema id
 * @param schema the schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
