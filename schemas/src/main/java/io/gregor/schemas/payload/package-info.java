/** Conversion of user values to and from {@link io.gregor.schemas.avro.Payload}. */
package io.gregor.schemas.payload;
