/**
 * Clients of a registry speaking the Confluent Schema Registry REST API, plus an in-memory one
 * for tests ({@code mock://} URLs).
 */
package io.gregor.schemas.registry;
