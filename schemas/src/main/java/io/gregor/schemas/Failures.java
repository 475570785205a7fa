package io.gregor.schemas;

import io.gregor.schemas.avro.FailureDetails;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/** Builds {@link FailureDetails} from Java exceptions. */
public final class Failures {

  /** The most characters of a stack trace kept, so one failure cannot bloat a record. */
  public static final int MAX_STACK_TRACE_CHARS = 8 * 1024;

  private static final String TRUNCATED = "\n\t... (truncated)";

  private Failures() {}

  /**
   * Describes a failure that a retry might fix.
   *
   * @param t the exception
   * @return errorType = class name, message = the exception's message (or its class name when it
   *     has none), stackTrace = the printed stack trace cut to {@value #MAX_STACK_TRACE_CHARS}
   *     characters, nonRetriable = false
   */
  public static FailureDetails of(Throwable t) {
    return of(t, false);
  }

  /**
   * Describes a failure, saying whether retrying can help.
   *
   * @param t the exception
   * @param nonRetriable true when retrying cannot help
   * @return the details, as {@link #of(Throwable)} but with the given retriability
   */
  public static FailureDetails of(Throwable t, boolean nonRetriable) {
    Objects.requireNonNull(t, "t");
    String type = t.getClass().getName();
    return FailureDetails.newBuilder()
        .setErrorType(type)
        .setMessage(t.getMessage() != null ? t.getMessage() : type)
        .setStackTrace(truncate(stackTraceOf(t)))
        .setNonRetriable(nonRetriable)
        .build();
  }

  private static String stackTraceOf(Throwable t) {
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      t.printStackTrace(writer);
    }
    return out.toString();
  }

  private static String truncate(String trace) {
    if (trace.length() <= MAX_STACK_TRACE_CHARS) {
      return trace;
    }
    int end = MAX_STACK_TRACE_CHARS - TRUNCATED.length();
    // Never split a surrogate pair: half a character would not survive UTF-8 encoding.
    if (Character.isHighSurrogate(trace.charAt(end - 1))) {
      end--;
    }
    return trace.substring(0, end) + TRUNCATED;
  }
}
