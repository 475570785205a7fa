package io.gregor.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a record on the {@link Topics#inbox() inbox} is, as written in its {@value #HEADER}
 * header: the value's Avro record type follows from it.
 */
public enum InputKind {
  /** A {@code StartWorkflow}, forwarded from the starts topic. */
  START("start"),
  /** An {@code ExternalEvent}, forwarded from the events topic. */
  EVENT("event"),
  /** A {@code WorkflowControl}, forwarded from the control topic. */
  CONTROL("control"),
  /** An {@code ActivityResult}, written by a worker. */
  RESULT("result"),
  /** An {@code ActivityHeartbeat}, written by a worker while its activity runs. */
  HEARTBEAT("heartbeat"),
  /** A {@code DurableTimer} that is due, written by the orchestrator's timer punctuator. */
  TIMER("timer"),
  /** A {@code RerunStart}: a new instance with a copied history prefix, written by the orchestrator. */
  RERUN("rerun"),
  /** A {@code ChildWorkflowEnded}: a child's end, to its parent, written by the orchestrator. */
  CHILD("child");

  /** The name of the header that carries the kind. */
  public static final String HEADER = "gregor.input";

  private final String label;

  InputKind(String label) {
    this.label = label;
  }

  /**
   * The header's value for this kind.
   *
   * @return the label, UTF-8 encoded
   */
  public byte[] headerValue() {
    return label.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The kind a header value names.
   *
   * @param value the header's value; may be null
   * @return the kind, or empty when the value names none
   */
  public static Optional<InputKind> fromHeader(byte[] value) {
    if (value == null) {
      return Optional.empty();
    }
    String text = new String(value, StandardCharsets.UTF_8);
    return Arrays.stream(values()).filter(k -> k.label.equals(text)).findFirst();
  }

  /**
   * Every label, for error messages.
   *
   * @return the labels joined by '|'
   */
  public static String labels() {
    return String.join("|", Arrays.stream(values()).map(k -> k.label).toList());
  }

  @Override
  public String toString() {
    return label;
  }
}
