package io.gregor.schemas.registry;

import java.util.Locale;

/**
 * A subject's compatibility level in the Confluent Schema Registry API: which schemas the
 * registry accepts as the subject's next version.
 *
 * <p>BACKWARD means consumers using the new schema can read data written with the previous one
 * (fields may be added with a default, or removed); FORWARD the reverse; FULL both. The
 * {@code _TRANSITIVE} levels check against every earlier version instead of the latest only.
 */
public enum CompatibilityLevel {
  /** Every schema is accepted. */
  NONE(false, false, false),
  /** The new schema reads data written with the latest one. Confluent's default. */
  BACKWARD(true, false, false),
  /** The new schema reads data written with every earlier one. */
  BACKWARD_TRANSITIVE(true, false, true),
  /** The latest schema reads data written with the new one. */
  FORWARD(false, true, false),
  /** Every earlier schema reads data written with the new one. */
  FORWARD_TRANSITIVE(false, true, true),
  /** BACKWARD and FORWARD. */
  FULL(true, true, false),
  /** BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE. */
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * Whether every schema this level accepts is also accepted by {@code other}: a subject at
   * FULL_TRANSITIVE already gives every guarantee of BACKWARD, so it need not be changed to it.
   *
   * @param other the level asked for
   * @return true if this level is at least as strict as {@code other}
   */
  public boolean implies(CompatibilityLevel other) {
    return (backward || !other.backward)
        && (forward || !other.forward)
        && (transitive || !other.transitive);
  }

  /**
   * Reads a level as the registry or an operator writes it.
   *
   * @param text e.g. {@code BACKWARD} or {@code full_transitive}
   * @return the level
   * @throws IllegalArgumentException naming the levels, if the text is none of them
   */
  public static CompatibilityLevel parse(String text) {
    String name = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (CompatibilityLevel level : values()) {
      if (level.name().equals(name)) {
        return level;
      }
    }
    throw new IllegalArgumentException("Expected a compatibility level (NONE, BACKWARD,"
        + " BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE), but found "
        + (text == null ? "null" : "'" + text + "'"));
  }
}
